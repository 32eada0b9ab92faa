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
