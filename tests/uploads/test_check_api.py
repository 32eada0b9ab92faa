"""Spec checks through HTTP: a file attached to a request is checked by the job queue, the
request shows the result per file, `upload.checked` reaches webhooks, a failure mails the
requester."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.events import EventName
from connect_api.models import Event
from tests.connections.test_queries import count_queries
from tests.factories import EndpointFactory
from tests.uploads.conftest import post_file
from tests.uploads.docs_pages import DOCS
from tests.webhooks.conftest import receiver  # noqa: F401 (the loopback webhook receiver)
from uploads.models import UploadCheck

pytestmark = pytest.mark.django_db

REQUESTS_URL = "/organizations/connections/request/"
INVENTORY = (DOCS / "csv" / "inventory_sample.csv").read_bytes()
BAD_INVENTORY = INVENTORY + b"A-1,A-1-S,12\nA-2,A-2-S,1.5\nA-3,,4\n"


def upload(client, name, content) -> str:
    response = post_file(client, name, content)
    assert response.status_code == 201, response.content
    return response.json()["uuid"]


def create_request(client, integration_types, files) -> str:
    body = {
        "organization_name": "Thomas Perkins Co",
        "primary_contact_name": "Roger Rabbit",
        "integrations": [{"type": kind} for kind in integration_types],
        "uploaded_files": files,
    }
    response = client.post(REQUESTS_URL, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["request_uuid"]


def checks_of(client, request_uuid) -> dict:
    response = client.get(f"{REQUESTS_URL}{request_uuid}/")
    assert response.status_code == 200
    return {item["name"]: item["checks"] for item in response.json()["uploaded_files"]}


def test_attached_files_are_pending_until_the_job_runs_then_show_the_result(
    retailer_client, django_capture_on_commit_callbacks, mailoutbox, retailer_user
):
    good = upload(retailer_client, "inventory.csv", INVENTORY)
    bad = upload(retailer_client, "bad-inventory.csv", BAD_INVENTORY)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        request_uuid = create_request(retailer_client, ["items"], [good, bad])
    checks = checks_of(retailer_client, request_uuid)
    assert {name: check["status"] for name, check in checks.items()} == {
        "inventory.csv": "pending",
        "bad-inventory.csv": "pending",
    }
    assert checks["inventory.csv"]["specs"] == ["inventory", "product"]

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    checks = checks_of(retailer_client, request_uuid)
    assert checks["inventory.csv"] == {
        "specs": ["inventory", "product"],
        "spec": "inventory",
        "status": "passed",
        "rows_checked": 0,
        "error_count": 0,
        "errors": [],
        "reason": None,
        "checked_at": checks["inventory.csv"]["checked_at"],
    }
    failed = checks["bad-inventory.csv"]
    assert (failed["status"], failed["spec"], failed["rows_checked"]) == ("failed", "inventory", 3)
    assert [(e["row"], e["field"]) for e in failed["errors"]] == [
        (3, "quantity_in_stock"),
        (4, "sku_id"),
    ]
    # One mail, for the failed file, to the requester's members.
    assert [message.to for message in mailoutbox] == [[retailer_user.email]]
    assert "bad-inventory.csv" in mailoutbox[0].subject
    assert "quantity_in_stock" in mailoutbox[0].body
    events = Event.objects.filter(name=EventName.UPLOAD_CHECKED)
    assert sorted(event.data["status"] for event in events) == ["failed", "passed"]


def test_upload_checked_reaches_the_organizations_webhook(
    retailer_client,
    retailer,
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    EndpointFactory(organization=retailer, url=receiver.url, events=[EventName.UPLOAD_CHECKED])
    file_uuid = upload(retailer_client, "bad-inventory.csv", BAD_INVENTORY)
    with django_capture_on_commit_callbacks(execute=True):
        create_request(retailer_client, ["items"], [file_uuid])
    (delivered,) = receiver.requests
    payload = json.loads(delivered.body)
    assert payload["type"] == "upload.checked"
    assert payload["data"]["upload_uuid"] == file_uuid
    assert (payload["data"]["status"], payload["data"]["error_count"]) == ("failed", 2)


def test_other_only_is_not_applicable_and_changing_integrations_checks_again(
    retailer_client, django_capture_on_commit_callbacks
):
    file_uuid = upload(retailer_client, "inventory.csv", INVENTORY)
    with django_capture_on_commit_callbacks(execute=True):
        request_uuid = create_request(retailer_client, ["other"], [file_uuid])
    (check,) = checks_of(retailer_client, request_uuid).values()
    assert (check["status"], check["spec"], check["specs"]) == ("not_applicable", None, [])
    assert not UploadCheck.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = retailer_client.patch(
            f"{REQUESTS_URL}{request_uuid}/",
            {"integrations": [{"type": "order"}]},
            format="json",
        )
    assert response.status_code == 204, response.content
    (check,) = checks_of(retailer_client, request_uuid).values()
    # an inventory file where orders or invoices are expected
    assert (check["status"], check["spec"]) == ("failed", "orders")
    assert {e["field"] for e in check["errors"]} == {"retailer_po"}

    # the same file and specs on a second request: checked once
    with django_capture_on_commit_callbacks(execute=True):
        create_request(retailer_client, ["order"], [file_uuid])
    assert UploadCheck.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "status", "spec"),
    [
        (
            "tracking.xlsx",
            (DOCS / "xlsx" / "tracking_sample.xlsx").read_bytes(),
            "passed",
            "tracking",
        ),
        ("broken.json", b'{"not": "an array"}', "failed", None),
        (
            "notes.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
            "not_applicable",
            None,
        ),
    ],
)
def test_each_file_type(
    retailer_client, django_capture_on_commit_callbacks, name, content, status, spec
):
    file_uuid = upload(retailer_client, name, content)
    with django_capture_on_commit_callbacks(execute=True):
        request_uuid = create_request(retailer_client, ["tracking"], [file_uuid])
    (check,) = checks_of(retailer_client, request_uuid).values()
    assert (check["status"], check["spec"]) == (status, spec)
    assert status != "failed" or check["reason"]


def test_the_detail_reads_checks_in_one_query_for_any_number_of_files(
    retailer_client, django_capture_on_commit_callbacks
):
    def detail_queries(files):
        uuids = [upload(retailer_client, f"inventory-{n}.csv", INVENTORY) for n in range(files)]
        with django_capture_on_commit_callbacks(execute=True):
            request_uuid = create_request(retailer_client, ["items"], uuids)
        count, body = count_queries(retailer_client, f"{REQUESTS_URL}{request_uuid}/")
        assert {item["checks"]["status"] for item in body["uploaded_files"]} == {"passed"}
        return count

    assert detail_queries(1) == detail_queries(5)


def test_the_staff_admin_shows_each_files_check_on_the_request_page(
    retailer_client, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from connections.models import ConnectionRequest
    from tests.factories import StaffUserFactory

    def page(files):
        uuids = [upload(retailer_client, f"bad-{n}.csv", BAD_INVENTORY) for n in range(files)]
        with django_capture_on_commit_callbacks(execute=True):
            request_uuid = create_request(retailer_client, ["items"], uuids)
        connection_request = ConnectionRequest.objects.get(uuid=request_uuid)
        url = reverse("admin:connections_connectionrequest_change", args=[connection_request.pk])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    client.force_login(StaffUserFactory(is_superuser=True))
    page(1)  # the first admin page of the session reads what later ones find cached
    html, one = page(1)
    assert "Check: <strong>failed</strong> against inventory, 3 rows, 2 errors" in html
    assert "row 4, sku_id: Row 4, field &quot;sku_id&quot;: a value is required." in html
    _, three = page(3)
    assert three == one
