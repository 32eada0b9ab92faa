"""Clients written from the platform's public docs (CruxConnect/crux-docs, current release:
`_discovery_retailer/`, `_discovery/`, `_files/`; v1: `_v1_discovery_retailer/`).

Each test sends the documented request as the docs write it (path under /timp/, headers,
body bytes), fixed only where the snippet is broken whatever a server does, and checks the
documented response's field names and JSON types.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from connections.models import ConnectionRequest
from tests.connections.conftest import SEED_INTEGRATION_UUID, SEED_REQUEST_UUID
from tests.factories import (
    AccountManagerFactory,
    ConnectionFactory,
    ConnectionRequestFactory,
    PersonFactory,
)

DOCS_HEADERS = {
    # The docs send a JSON content type (with charset) and a stale session cookie on every call.
    "content_type": "application/json; charset=utf-8",
    "HTTP_COOKIE": "sessionid=h9qjyhleectu7aef5pkwma0jn2gxgitz",
}

# _discovery_retailer/request_connection.md, the request body as the docs show it.
REQUEST_CONNECTION_BODY = """{
    "organization_name": "Bob Big Boy",
    "primary_contact_name": "Bob Brown",
    "primary_contact_phone": "801-555-1212",
    "primary_contact_email": "bob@bigboy.io",
    "additional_information": "Oh, It's you Bob",
    "integrations": [
      {
        "type": "items",
        "update_frequency": "30 6,12 * * *",
        "file_locations": "ftp://foo:bar@baz.blerg",
        "rules": "No winers"
      },
      {
        "type": "order",
        "update_frequency": "33 * * * *",
        "file_locations": "file_locations",
        "file_specs": "Special things you should know are: I like to get jiggy with it.",
        "rules": "Only big willy style is allowed"
      },
      {
        "type": "other",
        "update_frequency": "ftp://foo:bar@baz.blerg",
        "file_specs": "Special things you should know are: I like long walks on the beach",
        "rules": "No Rules, Just Fun"
      }
    ],
    "uploaded_files": []
  }"""

# _discovery_retailer/update_connection_request.md
UPDATE_CONNECTION_REQUEST_BODY = """{
    "organization_name": "Thomas-Perkins",
    "primary_contact_name": "owner user",
    "primary_contact_phone": "801-555-1212",
    "primary_contact_email": "roger@rabbit.com",
    "retailer_account_number": "ABC123",
    "additional_information": "What's up doc",
    "integrations": [
      {
        "record_uuid": "3a438d7e-1234-46e1-96d2-efd9dac561d9",
        "integration_type": "items",
        "update_frequency": "* 20 12 3 8,9 *",
        "file_specs": "items specs",
        "rules": "if you can't say anything nice, don't say anything at all"
      }
    ]
  }"""

REQUESTS_URL = "/timp/organizations/connections/request/"

STRING_OR_NULL = (str, type(None))


def assert_types(value: dict, types: dict) -> None:
    """Exactly these keys, each of these JSON types."""
    assert set(value) == set(types), set(value) ^ set(types)
    for key, expected in types.items():
        assert isinstance(value[key], expected), (key, value[key])


PERSON_TYPES = {
    "uuid": str,
    "first_name": str,
    "last_name": str,
    "email": STRING_OR_NULL,
    "phone": STRING_OR_NULL,
    "job_title": STRING_OR_NULL,
}
INTEGRATION_TYPES = {
    "record_uuid": str,
    "integration_type": str,
    "update_frequency": STRING_OR_NULL,
    "feed_source_file_locations": STRING_OR_NULL,
    "file_specs": STRING_OR_NULL,
    "rules": STRING_OR_NULL,
    "date_created": str,
    # beyond the docs
    "next_runs": (list, type(None)),
    "schedule_description": STRING_OR_NULL,
    "time_zone": str,
    "next_runs_utc": (list, type(None)),
    "schedule_warnings": list,
}
REQUEST_TYPES = {
    "integrations": list,
    "uploaded_files": list,
    "record_uuid": str,
    "org_name": str,
    "org_contact_full_name": str,
    "primary_contact_phone": STRING_OR_NULL,
    "primary_contact_email": STRING_OR_NULL,
    "retailer_account_number": STRING_OR_NULL,
    "additional_information": STRING_OR_NULL,
    "request_date": str,
    "is_approved": bool,
    "approved_by": (dict, type(None)),
    "status": str,  # beyond the docs (the contract's PENDING/APPROVED/REJECTED/WITHDRAWN)
    "rejection_reason": STRING_OR_NULL,  # beyond the docs: null unless REJECTED
    "changes_requested": (dict, type(None)),  # beyond the docs: null unless CHANGES REQUESTED
    "history": list,  # beyond the docs: decisions and resubmissions
}


def test_request_connection_as_documented(retailer_client):
    """The docs' third integration gives a URL as its cron: a present update_frequency is still
    validated, so the body as written is a 400 naming it; with that one value fixed, 201."""
    response = retailer_client.post(REQUESTS_URL, REQUEST_CONNECTION_BODY, **DOCS_HEADERS)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["integrations.2.update_frequency"]
    assert ConnectionRequest.objects.count() == 0

    fixed = REQUEST_CONNECTION_BODY.replace(
        '"ftp://foo:bar@baz.blerg",\n        "file_specs"', ('"@daily",\n        "file_specs"')
    )
    response = retailer_client.post(REQUESTS_URL, fixed, **DOCS_HEADERS)

    assert response.status_code == 201, response.content
    assert_types(response.json(), {"request_uuid": str, "request_date": str})
    created = ConnectionRequest.objects.get(uuid=response.json()["request_uuid"])
    assert created.counterpart_name == "Bob Big Boy"
    assert [item.integration_type for item in created.integrations.all()] == [
        "item",
        "order",
        "other",
    ]


def test_request_connection_without_update_frequency(retailer_client):
    body = json.loads(REQUEST_CONNECTION_BODY)
    del body["integrations"][2]["update_frequency"]
    body["integrations"][1]["update_frequency"] = None

    response = retailer_client.post(REQUESTS_URL, json.dumps(body), **DOCS_HEADERS)

    assert response.status_code == 201, response.content
    detail = retailer_client.get(f"{REQUESTS_URL}{response.json()['request_uuid']}/").json()
    assert [item["update_frequency"] for item in detail["integrations"]] == [
        "30 6,12 * * *",
        None,
        None,
    ]
    assert detail["integrations"][2]["next_runs"] is None
    assert detail["integrations"][2]["schedule_description"] is None


def test_get_requested_connections_as_documented(retailer_client, pending_request):
    """The docs' Node snippet writes "{}" as the body of its GET; v1 sends start and limit."""
    for body in ("{}", '{\n    "start": 0,\n    "limit": 50\n  }'):
        response = retailer_client.generic("GET", REQUESTS_URL, body, **DOCS_HEADERS)

        assert response.status_code == 200
        page = response.json()
        assert set(page) == {"requests", "pagination"}
        assert page["pagination"] == {
            "total_count": 1,
            "start": 0,
            "limit": 50,
            "total_count_exact": True,  # added beside the docs' keys
        }
        (item,) = page["requests"]
        assert_types(item, REQUEST_TYPES)


def test_paging_in_the_body_until_an_empty_page(retailer_client, retailer):
    ConnectionRequestFactory.create_batch(5, requester=retailer)
    seen, start = set(), 0
    while True:
        body = json.dumps({"start": start, "limit": 2})
        page = retailer_client.generic("GET", REQUESTS_URL, body, **DOCS_HEADERS).json()
        if not page["requests"]:
            assert page["pagination"]["start"] == page["pagination"]["total_count"] == 5
            break
        seen |= {item["record_uuid"] for item in page["requests"]}
        start += 2

    assert len(seen) == 5


def test_get_requested_connection_detail_as_documented(retailer_client, pending_request):
    response = retailer_client.get(
        f"{REQUESTS_URL}{SEED_REQUEST_UUID}/",
        HTTP_COOKIE="sessionid=fi1us4q9rlphkjbscpo0dtz9iltj7ovp",
    )

    assert response.status_code == 200
    detail = response.json()
    assert_types(detail, REQUEST_TYPES)
    (integration,) = detail["integrations"]
    assert_types(integration, INTEGRATION_TYPES)


def test_never_set_optional_fields_are_null(retailer_client):
    body = {
        "organization_name": "Minimal",
        "primary_contact_name": "Only Name",
        "integrations": [{"type": "item"}],
    }
    created = retailer_client.post(REQUESTS_URL, json.dumps(body), **DOCS_HEADERS).json()

    detail = retailer_client.get(f"{REQUESTS_URL}{created['request_uuid']}/").json()

    for field in (
        "primary_contact_phone",
        "primary_contact_email",
        "retailer_account_number",
        "additional_information",
    ):
        assert detail[field] is None, field
    (integration,) = detail["integrations"]
    for field in ("update_frequency", "feed_source_file_locations", "file_specs", "rules"):
        assert integration[field] is None, field


def test_update_connection_request_as_documented(retailer_client, pending_request):
    url = f"{REQUESTS_URL}{SEED_REQUEST_UUID}/"

    response = retailer_client.patch(url, UPDATE_CONNECTION_REQUEST_BODY, **DOCS_HEADERS)

    assert response.status_code == 204, response.content
    detail = retailer_client.get(url).json()
    assert detail["org_name"] == "Thomas-Perkins"
    assert detail["retailer_account_number"] == "ABC123"
    (integration,) = detail["integrations"]
    assert integration["record_uuid"] == SEED_INTEGRATION_UUID
    assert integration["update_frequency"] == "* 20 12 3 8,9 *"
    assert integration["file_specs"] == "items specs"


@pytest.fixture
def documented_connection(retailer, supplier):
    manager = AccountManagerFactory()
    retailer.contact = PersonFactory()
    retailer.account_manager = manager
    retailer.save()
    supplier.contact = PersonFactory(phone="", job_title="")
    supplier.save()
    return ConnectionFactory(retailer=retailer, supplier=supplier, account_manager=manager)


def test_get_connections_as_documented(retailer_client, documented_connection):
    response = retailer_client.get("/timp/organizations/connections/", **DOCS_HEADERS)

    assert response.status_code == 200
    (connection,) = response.json()
    assert_types(
        connection,
        {
            "uuid": str,
            "retailer": dict,
            "supplier": dict,
            "status": str,
            "account_manager": (dict, type(None)),
            "allocation_type": STRING_OR_NULL,
            "suppliers_retailer_account_number": STRING_OR_NULL,
            "retailers_supplier_account_number": STRING_OR_NULL,
            "deactivated_date": STRING_OR_NULL,
        },
    )
    for side, kind in (("retailer", "RETAILER"), ("supplier", "SUPPLIER")):
        party = connection[side]
        assert_types(party, {"uuid": str, "organization": dict, "contact": dict})
        organization = party["organization"]
        assert_types(
            organization,
            {
                "uuid": str,
                "name": str,
                "website": STRING_OR_NULL,
                "org_type": str,
                "status": str,
                "created_date": str,
                "active_date": STRING_OR_NULL,
                "account_manager": (dict, type(None)),
                "retailer_uuid": str,
                "supplier_uuid": str,
            },
        )
        assert organization["org_type"] == kind
        assert organization[f"{side}_uuid"] == party["uuid"]
        assert_types(party["contact"], PERSON_TYPES)
    assert_types(connection["retailer"]["organization"]["account_manager"]["person"], PERSON_TYPES)
    # The docs show a contact without phone or job title as null.
    assert connection["supplier"]["contact"]["phone"] is None
    assert connection["supplier"]["contact"]["job_title"] is None
    assert connection["allocation_type"] is None


def test_upload_as_documented(retailer_client):
    """_files/upload.md: multipart `filename` and `file`; the answer carries the uuid."""
    response = retailer_client.post(
        "/timp/organizations/files/upload/",
        {"filename": "My File", "file": SimpleUploadedFile("items.csv", b"sku,qty\nA-1,3\n")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert isinstance(response.json()["uuid"], str)
    assert response.json()["name"] == "My File"
