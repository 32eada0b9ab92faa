"""The event outbox (connect_api.events): written with the change, dispatched after commit."""

import pytest

from connect_api import events
from connect_api.events import EventName
from connect_api.models import Event
from tests.connections.conftest import request_url
from tests.factories import ChangeRequestWorld, ConnectionRequestFactory
from tests.seeds import OUTREACH_SEED_BODY_TEXT

SEED_CREATE = {
    "organization_name": "Acme Supply",
    "primary_contact_name": "Pat Doe",
    "integrations": [{"type": "orders", "update_frequency": "0 2 * * *"}],
}


@pytest.fixture
def received():
    """Events handed to a subscriber registered for the test."""
    got = []
    events.event_subscribe("test", got.append)
    yield got
    events._subscribers.pop("test")


@pytest.mark.django_db
def test_create_publishes_after_commit(
    retailer_client, retailer, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = retailer_client.post(request_url(), SEED_CREATE, format="json")
    assert response.status_code == 201, response.content
    (event,) = received
    assert event.name == EventName.REQUEST_CREATED
    assert event.data["request_uuid"] == response.json()["request_uuid"]
    assert event.data["requester"]["uuid"] == str(retailer.uuid)
    assert event.data["counterpart"] == {"uuid": None, "name": "Acme Supply", "org_type": None}
    assert event.refs["organizations"] == [retailer.pk]
    event.refresh_from_db()
    assert event.dispatched is not None


@pytest.mark.django_db
def test_failed_write_publishes_nothing(
    retailer_client, received, django_capture_on_commit_callbacks
):
    body = {**SEED_CREATE, "uploaded_files": ["00000000-0000-0000-0000-000000000000"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = retailer_client.post(request_url(), body, format="json")
    assert response.status_code == 400
    assert received == []
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_decisions_publish(staff_client, retailer, received, django_capture_on_commit_callbacks):
    pending_request = ConnectionRequestFactory(requester=retailer)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            request_url(pending_request, "reject/"), {"reason": "Not now"}, format="json"
        )
    assert response.status_code == 200, response.content
    (event,) = received
    assert event.name == EventName.REQUEST_REJECTED
    assert event.data["rejection_reason"] == "Not now"


@pytest.mark.django_db
def test_a_failing_subscriber_does_not_stop_the_others_and_the_sweep_retries(
    retailer_client, received, django_capture_on_commit_callbacks
):
    calls = []

    def flaky(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise RuntimeError("boom")

    events.event_subscribe("flaky", flaky)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            retailer_client.post(request_url(), SEED_CREATE, format="json")
        (event,) = Event.objects.all()
        assert event.dispatched is None  # failed: left for a retry
        assert len(received) >= 1  # the healthy subscriber still got it
        Event.objects.filter(pk=event.pk).update(created=event.created - events.SWEEP_AFTER * 2)
        assert events.events_sweep.call_local() == 1
        event.refresh_from_db()
        assert event.dispatched is not None
    finally:
        events._subscribers.pop("flaky")


@pytest.mark.django_db
def test_change_request_submit_publishes(
    basic_client, received, django_capture_on_commit_callbacks
):
    world = ChangeRequestWorld.build()
    with django_capture_on_commit_callbacks(execute=True):
        response = basic_client(world.caller.user.username).post(
            "/api_accessacs_mobile/v2/12345/connections",
            OUTREACH_SEED_BODY_TEXT,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200, response.content
    (event,) = received
    assert event.name == EventName.CHANGE_REQUEST_SUBMITTED
    assert event.data == {
        "site": 12345,
        "change_request_id": response.json(),
        "kind": "ADD",
        "status": "PENDING",
        "connection_id": None,
        "message": None,
        "reason": None,
    }
    assert event.refs["site"] == world.site.pk
    assert event.refs["submitter"] == world.caller.user.pk
