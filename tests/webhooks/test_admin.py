"""The admin: endpoints and deliveries listed, deliveries re-delivered by an action."""

import pytest
from django.contrib.messages import get_messages

from tests.factories import DeliveryFactory, StaffUserFactory
from webhooks.choices import DeliveryStatus, EndpointStatus

pytestmark = pytest.mark.django_db

DELIVERIES = "/admin/webhooks/delivery/"


@pytest.fixture
def admin_browser(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def test_changelists_and_details_render(admin_browser):
    delivery = DeliveryFactory()
    assert admin_browser.get("/admin/webhooks/endpoint/").status_code == 200
    page = admin_browser.get(f"/admin/webhooks/endpoint/{delivery.endpoint.pk}/change/")
    assert page.status_code == 200
    assert delivery.endpoint.secret not in page.content.decode()  # never shown again
    assert admin_browser.get(DELIVERIES).status_code == 200
    assert admin_browser.get(f"{DELIVERIES}{delivery.pk}/change/").status_code == 200


def test_redeliver_action(
    admin_browser, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    delivered = DeliveryFactory(
        endpoint=endpoint_factory(url=receiver.url), status=DeliveryStatus.FAILED, attempts=8
    )
    disabled = DeliveryFactory(endpoint=endpoint_factory(status=EndpointStatus.DISABLED))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            DELIVERIES,
            {"action": "redeliver_selected", "_selected_action": [delivered.pk, disabled.pk]},
        )
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert "1 deliveries queued again." in messages
    assert any("disabled" in message for message in messages)
    assert len(receiver.requests) == 1
    delivered.refresh_from_db()
    assert (delivered.status, delivered.attempts) == (DeliveryStatus.SUCCEEDED, 9)


def test_an_admin_edit_keeps_the_ssrf_rule(admin_browser, endpoint_factory, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    endpoint = endpoint_factory(url="https://93.184.216.34/in")
    page = f"/admin/webhooks/endpoint/{endpoint.pk}/change/"
    form = {
        "organization": endpoint.organization.pk,
        "url": "http://169.254.169.254/latest/",
        "events": '["connection.confirmed"]',
        "description": "",
        "created_date_0": "2026-01-01",
        "created_date_1": "00:00:00",
    }
    response = admin_browser.post(page, form)
    assert response.status_code == 200  # the form again, with the error
    assert "non-public address" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.url == "https://93.184.216.34/in"
    assert admin_browser.get("/admin/webhooks/endpoint/add/").status_code == 403


def test_enable_and_disable_actions_go_through_the_service(admin_browser, endpoint_factory):
    from django.utils import timezone

    endpoint = endpoint_factory(
        status=EndpointStatus.DISABLED,
        failing_since=timezone.now(),
        disabled_reason="Every delivery attempt failed since ...",
    )
    changelist = "/admin/webhooks/endpoint/"
    form = {"action": "enable_selected", "_selected_action": [endpoint.pk]}
    assert admin_browser.post(changelist, form).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.failing_since, endpoint.disabled_reason) == (
        EndpointStatus.ACTIVE,
        None,
        "",
    )
    form["action"] = "disable_selected"
    assert admin_browser.post(changelist, form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.DISABLED
