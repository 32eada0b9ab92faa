"""Staff ask for changes instead of rejecting: PENDING -> CHANGES REQUESTED -> (the requester's
PATCH) PENDING, one history of every decision and resubmission, the requester mailed."""

import pytest
from django.core import mail

from connect_api.events import EventName
from connect_api.models import Event
from connections.choices import ConnectionRequestStatus, ReviewAction
from connections.models import ReviewEntry
from tests.connections.conftest import SEED_INTEGRATION_UUID, request_url
from tests.factories import (
    AccountManagerFactory,
    ConnectionRequestFactory,
    ReviewEntryFactory,
    UploadFactory,
)

pytestmark = pytest.mark.django_db

ASK = {
    "message": "The orders schedule fires every second at 12:20; did you mean 20 12 * * *?",
    "integrations": [SEED_INTEGRATION_UUID],
}


def ask(client, connection_request, body=ASK, prefix=""):
    return client.post(
        prefix + request_url(connection_request, "request-changes/"), body, format="json"
    )


def test_round_trip_history_mail_and_event(
    staff_client,
    retailer_client,
    retailer_user,
    staff_user,
    pending_request,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(staff_client, pending_request)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "CHANGES REQUESTED"
    assert body["is_approved"] is False
    assert body["changes_requested"]["message"] == ASK["message"]
    assert body["changes_requested"]["integrations"] == [SEED_INTEGRATION_UUID]
    assert body["changes_requested"]["action"] == "CHANGES REQUESTED"
    manager = staff_user.account_manager
    assert body["changes_requested"]["account_manager"]["uuid"] == str(manager.uuid)
    assert body["history"] == [body["changes_requested"]]

    event = Event.objects.get(name=EventName.REQUEST_CHANGES_REQUESTED)
    assert event.data["status"] == "CHANGES REQUESTED"
    assert event.data["changes_requested"] == {
        "message": ASK["message"],
        "integrations": [SEED_INTEGRATION_UUID],
        "uploaded_files": [],
    }
    (message,) = [m for m in mail.outbox if m.to == [retailer_user.email]]
    assert message.subject == "Changes requested of your connection request to Old Name"
    assert ASK["message"] in message.body
    assert SEED_INTEGRATION_UUID in message.body
    assert "did you mean" in message.alternatives[0][0]

    # The requester sees it, and a filter finds it.
    detail = retailer_client.get(request_url(pending_request)).json()
    assert detail["status"] == "CHANGES REQUESTED"
    assert detail["changes_requested"]["message"] == ASK["message"]
    listed = retailer_client.get(request_url(), {"status": "CHANGES REQUESTED"}).json()
    assert [row["record_uuid"] for row in listed["requests"]] == [str(pending_request.uuid)]
    assert retailer_client.get(request_url(), {"status": "PENDING"}).json()["requests"] == []

    # The requester's PATCH resubmits it.
    patch = {
        "integrations": [{"record_uuid": SEED_INTEGRATION_UUID, "update_frequency": "20 12 * * *"}]
    }
    response = retailer_client.patch(request_url(pending_request), patch, format="json")
    assert response.status_code == 204, response.content
    detail = retailer_client.get(request_url(pending_request)).json()
    assert detail["status"] == "PENDING"
    assert detail["changes_requested"] is None
    assert detail["integrations"][0]["update_frequency"] == "20 12 * * *"
    asked, resubmitted = detail["history"]
    assert asked["action"] == "CHANGES REQUESTED"
    assert resubmitted["action"] == "RESUBMITTED"
    assert resubmitted["account_manager"] is None
    assert resubmitted["by"] == retailer_user.get_full_name()
    assert resubmitted["at"] >= asked["at"]

    # ... and staff decide it; the decision joins the same history.
    response = staff_client.post(
        request_url(pending_request, "reject/"), {"reason": "No EDI"}, format="json"
    )
    assert response.status_code == 200
    history = retailer_client.get(request_url(pending_request)).json()["history"]
    assert [entry["action"] for entry in history] == [
        "CHANGES REQUESTED",
        "RESUBMITTED",
        "REJECTED",
    ]
    assert history[-1]["message"] == "No EDI"


def test_files_concerned_and_a_foreign_uuid_is_a_400_naming_it(staff_client, pending_request):
    upload = UploadFactory(organization=pending_request.requester)
    pending_request.uploaded_files.add(upload)
    foreign = UploadFactory()

    response = ask(
        staff_client,
        pending_request,
        {"message": "Fix the file", "uploaded_files": [str(foreign.uuid)]},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["uploaded_files.0"]
    pending_request.refresh_from_db()
    assert pending_request.status == ConnectionRequestStatus.PENDING

    response = ask(
        staff_client,
        pending_request,
        {"message": "Fix the file", "uploaded_files": [{"uuid": str(upload.uuid)}]},
    )
    assert response.status_code == 200
    assert response.json()["changes_requested"]["uploaded_files"] == [str(upload.uuid)]

    unknown = "00000000-0000-4000-8000-000000000000"
    other = ConnectionRequestFactory()
    response = ask(staff_client, other, {"message": "x", "integrations": [unknown]})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["integrations.0"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "x", "integrations": ["no"]}, "integrations.0"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(staff_client, pending_request, body, field):
    response = ask(staff_client, pending_request, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("prefix", ["", "/timp"])
@pytest.mark.parametrize(
    "who, expected",
    [("staff", 200), ("requester", 403), ("other organization", 404), ("anonymous", 401)],
)
def test_who_may_ask_for_changes(
    api_client,
    staff_client,
    retailer_client,
    token_client,
    other_retailer_user,
    pending_request,
    who,
    expected,
    prefix,
):
    client = {
        "staff": staff_client,
        "requester": retailer_client,
        "other organization": token_client(other_retailer_user),
        "anonymous": api_client,
    }[who]
    response = ask(client, pending_request, prefix=prefix)
    assert response.status_code == expected, response.content
    pending_request.refresh_from_db()
    assert (pending_request.status == ConnectionRequestStatus.CHANGES_REQUESTED) == (
        expected == 200
    )


@pytest.mark.parametrize(
    "status",
    [
        ConnectionRequestStatus.APPROVED,
        ConnectionRequestStatus.REJECTED,
        ConnectionRequestStatus.WITHDRAWN,
        ConnectionRequestStatus.CHANGES_REQUESTED,
    ],
)
def test_only_a_pending_request_can_be_asked_for_changes(staff_client, status):
    connection_request = ConnectionRequestFactory(status=status)
    response = ask(staff_client, connection_request, {"message": "x"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    assert not ReviewEntry.objects.exists()


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_a_changes_requested_request_can_still_be_decided(staff_client, verb):
    connection_request = ConnectionRequestFactory(status=ConnectionRequestStatus.CHANGES_REQUESTED)
    body = {"reason": "Gave up waiting"} if verb == "reject" else {}
    response = staff_client.post(request_url(connection_request, f"{verb}/"), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ("APPROVED" if verb == "approve" else "REJECTED")
    again = staff_client.post(request_url(connection_request, f"{verb}/"), body, format="json")
    assert again.status_code == 409


def test_the_requester_may_withdraw_a_changes_requested_request(retailer_client, retailer):
    connection_request = ConnectionRequestFactory(
        requester=retailer, status=ConnectionRequestStatus.CHANGES_REQUESTED
    )
    response = retailer_client.delete(request_url(connection_request))
    assert response.status_code == 204
    connection_request.refresh_from_db()
    assert connection_request.status == ConnectionRequestStatus.WITHDRAWN
    assert list(connection_request.history.values_list("action", flat=True)) == ["WITHDRAWN"]


def test_a_pending_patch_records_no_resubmission(retailer_client, pending_request):
    response = retailer_client.patch(
        request_url(pending_request), {"organization_name": "New"}, format="json"
    )
    assert response.status_code == 204
    assert not ReviewEntry.objects.exists()


def test_old_clients_never_see_the_new_status(retailer_client, pending_request):
    """Without staff asking for changes, nothing reads CHANGES REQUESTED and the list's
    default (everything but WITHDRAWN) is unchanged."""
    body = retailer_client.get(request_url()).json()
    assert [row["status"] for row in body["requests"]] == ["PENDING"]
    assert body["requests"][0]["changes_requested"] is None


def test_the_list_filter_takes_the_new_status_and_refuses_unknown_ones(retailer_client):
    response = retailer_client.get(request_url(), {"status": "CHANGES REQUESTED"})
    assert response.status_code == 200
    response = retailer_client.get(request_url(), {"status": "CHANGES"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize("entries", [0, 6])
def test_detail_query_count_is_constant_with_history(
    retailer_client, pending_request, django_assert_num_queries, entries
):
    manager = AccountManagerFactory()
    for _ in range(entries):
        ReviewEntryFactory(request=pending_request, account_manager=manager)
    # token, throttle, the request (requester and approver joined), uploaded files, history
    # (who joined), integrations
    with django_assert_num_queries(6):
        response = retailer_client.get(request_url(pending_request))
    assert len(response.json()["history"]) == entries


def test_the_history_line_names_staff_and_requester(staff_user, retailer_user, pending_request):
    manager = staff_user.account_manager
    ReviewEntryFactory(request=pending_request, account_manager=manager, user=staff_user)
    ReviewEntryFactory(
        request=pending_request,
        action=ReviewAction.RESUBMITTED,
        account_manager=None,
        user=retailer_user,
        message="",
    )
    from connections.api.serializers import review_entry_data

    staff_line, requester_line = (review_entry_data(e) for e in pending_request.history.all())
    assert staff_line["by"] == f"{manager.person.first_name} {manager.person.last_name}"
    assert requester_line["by"] == retailer_user.get_full_name()
    assert requester_line["message"] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_asking_at_once_one_wins_the_other_409(monkeypatch):
    """The request row is locked: the second asker waits, re-reads CHANGES REQUESTED, 409."""
    import threading
    import time

    from django.db import connection as db_connection
    from rest_framework.test import APIClient

    from connections import services
    from tests.conftest import token_header

    pending = ConnectionRequestFactory()
    headers = [token_header(AccountManagerFactory().user) for _ in range(2)]
    concerned = services._concerned

    def slow_concerned(**kwargs):
        time.sleep(0.3)  # inside the lock: an unlocked second asker would slip in here
        return concerned(**kwargs)

    monkeypatch.setattr(services, "_concerned", slow_concerned)
    barrier = threading.Barrier(2)
    statuses = []

    def send(header):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        try:
            barrier.wait()
            statuses.append(ask(client, pending, {"message": "Fix it"}).status_code)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=send, args=(header,)) for header in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    assert ReviewEntry.objects.filter(request=pending).count() == 1
    assert Event.objects.filter(name=EventName.REQUEST_CHANGES_REQUESTED).count() == 1
