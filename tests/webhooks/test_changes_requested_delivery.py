"""The changes-requested round trip as the requester's integration sees it: a signed
`connection_request.changes_requested` delivery (what to change, which integration), a mail,
and nothing for the resubmission it answers with."""

import pytest
from django.core import mail
from standardwebhooks import Webhook

from connect_api.events import EventName
from tests.connections.conftest import request_url

pytestmark = pytest.mark.django_db

CREATE = {
    "organization_name": "Acme Supply",
    "primary_contact_name": "Pat Doe",
    "integrations": [{"type": "orders", "update_frequency": "* 20 12 3 8,9 *"}],
}


def test_changes_requested_is_delivered_signed_and_mailed(
    retailer_client, retailer_user, staff_client, receiver, django_capture_on_commit_callbacks
):
    registered = retailer_client.post(
        "/organizations/webhooks/",
        {"url": receiver.url, "events": [EventName.REQUEST_CHANGES_REQUESTED]},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    with django_capture_on_commit_callbacks(execute=True):
        created = retailer_client.post(request_url(), CREATE, format="json").json()
    url = f"{request_url()}{created['request_uuid']}/"
    (integration,) = retailer_client.get(url).json()["integrations"]
    assert integration["schedule_warnings"][0].startswith("It fires 60 times a minute")
    assert receiver.requests == []  # not asked for: connection_request.created

    ask = {"message": "Fire once: 0 20 12 3 8,9 *", "integrations": [integration["record_uuid"]]}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{url}request-changes/", ask, format="json")
    assert response.status_code == 200, response.content

    (delivered,) = receiver.requests
    payload = Webhook(registered.json()["secret"]).verify(delivered.body, delivered.headers)
    assert payload["type"] == "connection_request.changes_requested"
    assert payload["data"]["request_uuid"] == created["request_uuid"]
    assert payload["data"]["status"] == "CHANGES REQUESTED"
    assert payload["data"]["changes_requested"] == {
        "message": ask["message"],
        "integrations": [integration["record_uuid"]],
        "uploaded_files": [],
    }
    (message,) = [m for m in mail.outbox if m.to == [retailer_user.email]]
    assert ask["message"] in message.body

    fixed = {
        "integrations": [
            {"record_uuid": integration["record_uuid"], "update_frequency": "0 20 12 3 8,9 *"}
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = retailer_client.patch(url, fixed, format="json")
    assert response.status_code == 204
    detail = retailer_client.get(url).json()
    assert detail["status"] == "PENDING"
    assert detail["integrations"][0]["schedule_warnings"] == []
    assert [entry["action"] for entry in detail["history"]] == ["CHANGES REQUESTED", "RESUBMITTED"]
    assert len(receiver.requests) == 1
