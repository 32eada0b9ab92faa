"""Deliveries to a real HTTP receiver on loopback: Standard Webhooks signatures verified with
the `standardwebhooks` package, a retry after a 500, redelivery through both APIs, the
backoff schedule, giving up, disabling after days of failure (the owner mailed), SSRF at
delivery time, no redirects, and a dispatch that runs twice delivering once."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from connect_api import events
from connect_api.events import EventName
from connect_api.models import Event
from tests.connections.conftest import request_url
from tests.factories import ChangeRequestWorld, ConnectionRequestFactory
from tests.seeds import OUTREACH_SEED_BODY_TEXT
from tests.supplier_fixtures import member_of
from webhooks import tasks
from webhooks.choices import DeliveryStatus, EndpointStatus
from webhooks.models import Delivery, Endpoint
from webhooks.targets import EXCERPT_LIMIT

SUPPLIER = "/organizations/webhooks/"
SITE = "/api_accessacs_mobile/v2/12345"
CREATE = {
    "organization_name": "Acme Supply",
    "primary_contact_name": "Pat Doe",
    "integrations": [{"type": "orders", "update_frequency": "0 2 * * *"}],
}


def register(client, receiver, events_wanted) -> dict:
    response = client.post(SUPPLIER, {"url": receiver.url, "events": events_wanted}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def verified(secret: str, received) -> dict:
    """The payload, once `standardwebhooks` accepts its signature (raises otherwise)."""
    return Webhook(secret).verify(received.body, received.headers)


def overdue(delivery: Delivery) -> None:
    """Move time: the delivery's next attempt is well past due (for the sweep)."""
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )


@pytest.mark.django_db
def test_supplier_flow_signed_retried_after_500_and_redelivered(
    retailer_client, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(retailer_client, receiver, [EventName.REQUEST_CREATED])
    receiver.answer(500, body=b"database down")
    with django_capture_on_commit_callbacks(execute=True):
        created = retailer_client.post(request_url(), CREATE, format="json")
    assert created.status_code == 201, created.content

    (first,) = receiver.requests
    event = Event.objects.get()
    assert first.path == "/hooks/in?source=test"
    assert first.headers["webhook-id"] == str(event.uuid)
    payload = verified(endpoint["secret"], first)
    assert payload["type"] == "connection_request.created"
    assert payload["data"]["request_uuid"] == created.json()["request_uuid"]
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 43).verify(first.body, first.headers)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        DeliveryStatus.PENDING,
        1,
        500,
    )
    assert delivery.last_response_excerpt == "database down"
    assert delivery.last_response_ms is not None
    wait = delivery.next_attempt_at - delivery.last_attempt_date
    assert timedelta(seconds=4) < wait <= timedelta(seconds=6)  # the first retry: 5 s

    # The retry is due (its scheduled job stands in the queue); the sweep finds it late.
    overdue(delivery)
    assert tasks.webhooks_sweep.call_local() == 1
    assert len(receiver.requests) == 2
    second = receiver.requests[1]
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert verified(endpoint["secret"], second) == payload
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        DeliveryStatus.SUCCEEDED,
        2,
        200,
    )
    assert delivery.next_attempt_at is None
    assert tasks.webhooks_sweep.call_local() == 0

    listed = retailer_client.get(f"{SUPPLIER}{endpoint['uuid']}/deliveries").json()
    (row,) = listed["deliveries"]
    assert row["uuid"] == str(delivery.uuid)
    assert row["event_uuid"] == str(event.uuid)
    assert row["event_type"] == "connection_request.created"
    assert (row["status"], row["attempts"], row["last_response_code"]) == ("SUCCEEDED", 2, 200)
    assert row["last_error"] is None

    with django_capture_on_commit_callbacks(execute=True):
        again = retailer_client.post(
            f"{SUPPLIER}{endpoint['uuid']}/deliveries/{delivery.uuid}/redeliver/"
        )
    assert again.status_code == 200, again.content
    assert len(receiver.requests) == 3
    assert verified(endpoint["secret"], receiver.requests[2])["data"] == payload["data"]
    assert again.json()["status"] in ("PENDING", "SUCCEEDED")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 3)


@pytest.mark.django_db
def test_outreach_flow_delivers_to_the_sites_endpoint(
    basic_client, receiver, django_capture_on_commit_callbacks
):
    world = ChangeRequestWorld.build()
    admin = basic_client(world.admin.user.username)
    created = admin.post(
        f"{SITE}/webhooks",
        {"Url": receiver.url, "Events": ["change_request.submitted", "change_request.rejected"]},
        format="json",
    )
    assert created.status_code == 200, created.content
    secret = created.json()["Secret"]
    with django_capture_on_commit_callbacks(execute=True):
        submitted = basic_client(world.caller.user.username).post(
            f"{SITE}/connections",
            OUTREACH_SEED_BODY_TEXT,
            content_type="application/x-www-form-urlencoded",
        )
    assert submitted.status_code == 200, submitted.content
    (received,) = receiver.requests
    payload = verified(secret, received)
    assert payload["type"] == "change_request.submitted"
    assert payload["data"]["site"] == 12345
    assert payload["data"]["change_request_id"] == submitted.json()

    with django_capture_on_commit_callbacks(execute=True):
        rejected = admin.post(
            f"{SITE}/changerequests/{submitted.json()}/reject", {"Message": "Duplicate"}
        )
    assert rejected.status_code == 200, rejected.content
    assert len(receiver.requests) == 2
    assert verified(secret, receiver.requests[1])["data"]["message"] == "Duplicate"

    page = admin.get(f"{SITE}/webhooks/1/deliveries").json()
    assert [row["EventType"] for row in page["Page"]] == [
        "change_request.rejected",
        "change_request.submitted",
    ]
    assert page["Page"][0]["Status"] == "SUCCEEDED"
    delivery_id = page["Page"][1]["DeliveryId"]
    with django_capture_on_commit_callbacks(execute=True):
        again = admin.post(f"{SITE}/webhooks/1/deliveries/{delivery_id}/redeliver")
    assert again.status_code == 200, again.content
    assert len(receiver.requests) == 3
    assert verified(secret, receiver.requests[2])["type"] == "change_request.submitted"


@pytest.mark.django_db
def test_only_the_events_asked_for_and_only_the_owners(
    retailer, retailer_client, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    register(retailer_client, receiver, [EventName.REQUEST_REJECTED])
    # Another organization's endpoint for everything: never told of this retailer's request.
    endpoint_factory(url=receiver.url.replace("/hooks/", "/other/"))
    with django_capture_on_commit_callbacks(execute=True):
        retailer_client.post(request_url(), CREATE, format="json")
    assert receiver.requests == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_a_dispatch_run_twice_delivers_once(
    retailer_client, receiver, django_capture_on_commit_callbacks
):
    register(retailer_client, receiver, [EventName.REQUEST_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        retailer_client.post(request_url(), CREATE, format="json")
    event = Event.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        events.event_deliver(event)  # the sweep, or a retried job, hands it over again
        events.event_dispatch.call_local(event.pk)
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    tasks.webhook_deliver.call_local(delivery.pk)  # a duplicate attempt job: nothing is due
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().attempts == 1


@pytest.mark.django_db
def test_backoff_schedule_then_gives_up(
    retailer, receiver, endpoint_factory, settings, django_capture_on_commit_callbacks
):
    endpoint = endpoint_factory(organization=retailer, url=receiver.url)
    receiver.answers.extend([(503, {}, b"")] * 10)
    with django_capture_on_commit_callbacks(execute=True):
        ConnectionRequestFactory(requester=retailer)  # no event: publish one directly
        events.event_publish(
            name=EventName.REQUEST_CREATED, data={"n": 1}, refs={"organizations": [retailer.pk]}
        )
    delivery = Delivery.objects.get(endpoint=endpoint)
    waits = []
    for _ in settings.WEBHOOKS_RETRY_DELAYS:
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - delivery.last_attempt_date).total_seconds()))
        overdue(delivery)
        tasks.webhooks_sweep.call_local()
    assert waits == settings.WEBHOOKS_RETRY_DELAYS
    assert sum(waits) > 24 * 3600  # retries span more than a day
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(settings.WEBHOOKS_RETRY_DELAYS) + 1 == len(receiver.requests)
    assert delivery.next_attempt_at is None and delivery.last_error == "Answered 503."


@pytest.mark.django_db
def test_failing_for_days_disables_the_endpoint_and_tells_its_owner(
    retailer, retailer_client, receiver, django_capture_on_commit_callbacks
):
    other_member = member_of(retailer)
    endpoint = register(retailer_client, receiver, [EventName.REQUEST_CREATED])
    receiver.answers.extend([(500, {}, b"")] * 5)
    with django_capture_on_commit_callbacks(execute=True):
        retailer_client.post(request_url(), CREATE, format="json")
    row = Endpoint.objects.get()
    assert row.failing_since is not None and row.is_active
    # Time moves on: the endpoint has failed every attempt for three days.
    Endpoint.objects.filter(pk=row.pk).update(failing_since=timezone.now() - timedelta(days=3))
    delivery = Delivery.objects.get()
    overdue(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.webhooks_sweep.call_local()
    row.refresh_from_db()
    assert row.status == EndpointStatus.DISABLED
    assert row.disabled_reason.startswith("Every delivery attempt failed since")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None

    (message,) = mail.outbox
    members = sorted(membership.user.email for membership in retailer.memberships.all())
    assert len(members) == 2 and other_member.email in members
    assert sorted(message.to) == members
    assert receiver.url in message.subject
    tasks.webhook_endpoint_disabled_notify.call_local(row.pk)  # a retried job: no second mail
    assert len(mail.outbox) == 1

    shown = retailer_client.get(f"{SUPPLIER}{endpoint['uuid']}").json()
    assert shown["status"] == "DISABLED" and shown["disabled_date"] is not None
    redeliver = f"{SUPPLIER}{endpoint['uuid']}/deliveries/{delivery.uuid}/redeliver"
    assert retailer_client.post(redeliver).status_code == 409
    # New events are not sent to a disabled endpoint.
    with django_capture_on_commit_callbacks(execute=True):
        retailer_client.post(request_url(), CREATE, format="json")
    assert Delivery.objects.count() == 1
    # Enabled again by its owner: the failures are forgotten, redelivery works.
    enabled = retailer_client.patch(
        f"{SUPPLIER}{endpoint['uuid']}", {"status": "ACTIVE"}, format="json"
    )
    assert enabled.json()["status"] == "ACTIVE"
    receiver.answers.clear()  # the receiver is fixed
    sent = len(receiver.requests)
    with django_capture_on_commit_callbacks(execute=True):
        assert retailer_client.post(redeliver).status_code == 200
    assert len(receiver.requests) == sent + 1
    row.refresh_from_db()
    assert row.failing_since is None


@pytest.mark.django_db
def test_site_endpoint_disabled_mails_the_sites_administrators(
    receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    world = ChangeRequestWorld.build()
    endpoint = endpoint_factory(
        organization=None,
        site=world.site,
        number=1,
        url=receiver.url,
        failing_since=timezone.now() - timedelta(days=4),
    )
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        events.event_publish(
            name=EventName.OUTREACH_CONNECTION_DUE,
            data={"site": 12345},
            refs={"site": world.site.pk},
        )
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.DISABLED
    (message,) = mail.outbox
    assert message.to == [world.admin.user.email]  # the Administrator, not the caller


@pytest.mark.django_db
def test_ssrf_is_checked_again_at_delivery(
    retailer, receiver, endpoint_factory, settings, django_capture_on_commit_callbacks
):
    endpoint_factory(organization=retailer, url=receiver.url)  # registered while allowed
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with django_capture_on_commit_callbacks(execute=True):
        events.event_publish(
            name=EventName.CONNECTION_CONFIRMED, data={}, refs={"organizations": [retailer.pk]}
        )
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.last_error.startswith("Refused: The host '127.0.0.1' resolves to a private")
    assert delivery.last_response_code is None and delivery.status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_redirects_are_not_followed_and_bodies_are_capped(
    retailer, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    endpoint_factory(organization=retailer, url=receiver.url)
    receiver.answer(302, headers={"Location": receiver.url + "&moved=1"})
    with django_capture_on_commit_callbacks(execute=True):
        events.event_publish(
            name=EventName.CONNECTION_CONFIRMED, data={}, refs={"organizations": [retailer.pk]}
        )
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    assert delivery.last_response_code == 302
    assert "redirects are not followed" in delivery.last_error
    assert delivery.status == DeliveryStatus.PENDING

    receiver.answer(200, body=b"x" * 100_000)
    overdue(delivery)
    tasks.webhooks_sweep.call_local()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(delivery.last_response_excerpt) == EXCERPT_LIMIT


@pytest.mark.django_db
def test_an_unreachable_receiver_is_a_failed_attempt(
    retailer, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint_factory(organization=retailer, url=f"http://127.0.0.1:{port}/in")
    with django_capture_on_commit_callbacks(execute=True):
        events.event_publish(
            name=EventName.CONNECTION_CONFIRMED, data={}, refs={"organizations": [retailer.pk]}
        )
    delivery = Delivery.objects.get()
    assert delivery.last_response_code is None
    assert delivery.last_error and delivery.attempts == 1
    assert json.dumps(delivery.last_error)  # recorded, never raised


@pytest.mark.django_db
def test_the_checked_address_is_dialled_with_the_urls_host(
    retailer, receiver, endpoint_factory, django_capture_on_commit_callbacks
):
    """The URL names a host; the attempt connects to the address that host resolved to (no
    second lookup) and sends the name in Host."""
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint_factory(organization=retailer, url=f"http://localhost:{port}/in")
    with django_capture_on_commit_callbacks(execute=True):
        events.event_publish(
            name=EventName.CONNECTION_CONFIRMED, data={}, refs={"organizations": [retailer.pk]}
        )
    (received,) = receiver.requests
    assert received.headers["Host"] == f"localhost:{port}"
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


def _signatures(received) -> list[str]:
    return received.headers["webhook-signature"].split(" ")


def _redeliver(client, url: str, capture) -> None:
    with capture(execute=True):
        assert client.post(url).status_code == 200


@pytest.mark.django_db
def test_a_rotated_secret_and_the_old_one_both_sign_until_the_overlap_ends(
    retailer_client, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_SECRET_OVERLAP = timedelta(hours=24)
    endpoint = register(retailer_client, receiver, [EventName.REQUEST_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        assert retailer_client.post(request_url(), CREATE, format="json").status_code == 201
    assert len(_signatures(receiver.requests[0])) == 1

    rotated = retailer_client.post(f"{SUPPLIER}{endpoint['uuid']}/rotate-secret/")
    assert rotated.status_code == 200, rotated.content
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != endpoint["secret"]
    assert "secret" not in retailer_client.get(f"{SUPPLIER}{endpoint['uuid']}/").json()

    delivery = Delivery.objects.get()
    redeliver = f"{SUPPLIER}{endpoint['uuid']}/deliveries/{delivery.uuid}/redeliver/"
    _redeliver(retailer_client, redeliver, django_capture_on_commit_callbacks)
    during = receiver.requests[-1]
    assert len(_signatures(during)) == 2  # Standard Webhooks: space-separated, any one verifies
    assert verified(new_secret, during) == verified(endpoint["secret"], during)

    Endpoint.objects.update(previous_secret_expires=timezone.now() - timedelta(seconds=1))
    _redeliver(retailer_client, redeliver, django_capture_on_commit_callbacks)
    after = receiver.requests[-1]
    assert len(_signatures(after)) == 1
    verified(new_secret, after)
    with pytest.raises(Exception, match="signature"):
        verified(endpoint["secret"], after)


@pytest.mark.django_db
def test_a_sites_administrator_rotates_its_endpoints_secret(basic_client, receiver):
    world = ChangeRequestWorld.build()
    admin = basic_client(world.admin.user.username)
    created = admin.post(
        f"{SITE}/webhooks",
        json.dumps({"Url": receiver.url, "Events": [EventName.CHANGE_REQUEST_SUBMITTED]}),
        content_type="application/json",
    )
    assert created.status_code == 200, created.content
    number = created.json()["EndpointId"]

    rotated = admin.post(f"{SITE}/webhooks/{number}/rotatesecret")
    assert rotated.status_code == 200, rotated.content
    assert rotated.json()["Secret"] != created.json()["Secret"]
    endpoint = Endpoint.objects.get()
    assert endpoint.previous_secret == created.json()["Secret"]
    staff = basic_client(world.caller.user.username)
    assert staff.post(f"{SITE}/webhooks/{number}/rotatesecret").status_code == 403
