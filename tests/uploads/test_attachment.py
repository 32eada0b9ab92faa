"""Uploads made through HTTP, then attached to connection requests through their API."""

import uuid

import pytest

from connect_api.errors import DomainError
from connections.models import ConnectionRequest
from organizations.choices import OrganizationType
from tests.connections.test_queries import REQUEST_LIST_MAX_QUERIES, make_requests
from tests.factories import (
    OrganizationFactory,
    UploadFactory,
)
from tests.supplier_fixtures import member_of
from tests.uploads.conftest import CSV, FILES_URL, file_url, post_file
from uploads.selectors import uploads_for_attachment

pytestmark = pytest.mark.django_db

REQUESTS_URL = "/organizations/connections/request/"
# knox token (2), user throttle in the DB cache (6), organization, count, page.
FILE_LIST_MAX_QUERIES = 11


def new_request_body(**extra):
    return {
        "organization_name": "Thomas Perkins Co",
        "primary_contact_name": "Roger Rabbit",
        "integrations": [{"type": "items", "update_frequency": "0 2 * * *"}],
        **extra,
    }


def uploaded(client, name="items.csv", content=CSV) -> dict:
    response = post_file(client, name, content)
    assert response.status_code == 201
    return response.json()


def attached(client, request_uuid) -> list[dict]:
    response = client.get(f"{REQUESTS_URL}{request_uuid}/")
    assert response.status_code == 200
    files = [
        {"name": item["name"], "uuid": item["uuid"]} for item in response.json()["uploaded_files"]
    ]
    return sorted(files, key=lambda item: item["name"])


def test_create_attaches_uploads_given_as_objects_or_bare_uuids(retailer_client):
    first = uploaded(retailer_client, "a-items.csv")
    second = uploaded(retailer_client, "b-orders.csv")

    response = retailer_client.post(
        REQUESTS_URL,
        new_request_body(uploaded_files=[{"uuid": first["uuid"]}, second["uuid"]]),
        format="json",
    )

    assert response.status_code == 201
    assert attached(retailer_client, response.json()["request_uuid"]) == [first, second]


def test_patch_with_uploaded_files_replaces_the_set(retailer_client):
    first, second, third = (uploaded(retailer_client, f"{n}.csv") for n in "abc")
    request_uuid = retailer_client.post(
        REQUESTS_URL, new_request_body(uploaded_files=[first, second]), format="json"
    ).json()["request_uuid"]
    url = f"{REQUESTS_URL}{request_uuid}/"

    assert retailer_client.patch(url, {"uploaded_files": [third]}, format="json").status_code == 204
    assert attached(retailer_client, request_uuid) == [third]

    unrelated_change = {"additional_information": "files stay"}
    assert retailer_client.patch(url, unrelated_change, format="json").status_code == 204
    assert attached(retailer_client, request_uuid) == [third]

    assert retailer_client.patch(url, {"uploaded_files": []}, format="json").status_code == 204
    assert attached(retailer_client, request_uuid) == []


def test_another_organizations_upload_is_400_like_a_nonexistent_one(retailer_client, token_client):
    other_client = token_client(member_of(OrganizationFactory(name="Other Retail")))
    foreign = uploaded(other_client)["uuid"]
    missing = str(uuid.uuid4())

    answers = {}
    for candidate in (foreign, missing):
        response = retailer_client.post(
            REQUESTS_URL, new_request_body(uploaded_files=[candidate]), format="json"
        )
        assert response.status_code == 400
        answers[candidate] = response.json()

    assert answers[foreign]["errors"] == {"uploaded_files": [f"Unknown upload {foreign}."]}
    as_missing = str(answers[missing]).replace(missing, foreign)
    assert str(answers[foreign]) == as_missing
    assert not ConnectionRequest.objects.exists()  # all or nothing


def test_patch_with_a_foreign_upload_is_400_and_keeps_the_set(retailer_client, token_client):
    mine = uploaded(retailer_client)
    foreign = uploaded(token_client(member_of(OrganizationFactory())))["uuid"]
    request_uuid = retailer_client.post(
        REQUESTS_URL, new_request_body(uploaded_files=[mine]), format="json"
    ).json()["request_uuid"]

    response = retailer_client.patch(
        f"{REQUESTS_URL}{request_uuid}/",
        {"uploaded_files": [foreign], "additional_information": "changed"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"uploaded_files": [f"Unknown upload {foreign}."]}
    assert attached(retailer_client, request_uuid) == [mine]
    assert ConnectionRequest.objects.get().additional_information == ""


def test_invalid_uuid_strings_are_400_naming_them(retailer_client):
    response = retailer_client.post(
        REQUESTS_URL, new_request_body(uploaded_files=["not-a-uuid"]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"uploaded_files": ["Unknown upload not-a-uuid."]}
    assert not ConnectionRequest.objects.exists()


@pytest.mark.parametrize("bad", [[{"name": "x"}], [5], [None], "abc", {}])
def test_malformed_upload_references_are_400(retailer_client, bad):
    response = retailer_client.post(
        REQUESTS_URL, new_request_body(uploaded_files=bad), format="json"
    )
    assert response.status_code == 400
    assert any(key.startswith("uploaded_files") for key in response.json()["errors"])
    assert not ConnectionRequest.objects.exists()


def test_counterpart_reads_the_file_once_the_request_is_approved(
    retailer_client, staff_client, token_client
):
    supplier = OrganizationFactory(name="Thomas-Perkins", org_type=OrganizationType.SUPPLIER)
    supplier_client = token_client(member_of(supplier))
    upload = uploaded(retailer_client)
    request_uuid = retailer_client.post(
        REQUESTS_URL, new_request_body(uploaded_files=[upload]), format="json"
    ).json()["request_uuid"]
    download_url = file_url(upload["uuid"], "download/")

    assert supplier_client.get(download_url).status_code == 404

    approval = staff_client.post(
        f"{REQUESTS_URL}{request_uuid}/approve/", {"supplier_uuid": str(supplier.uuid)}
    )
    assert approval.status_code == 200

    response = supplier_client.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV
    assert supplier_client.get(file_url(upload["uuid"])).json()["name"] == "items.csv"


def test_uploads_for_attachment_names_every_unknown_uuid_in_order(retailer):
    mine = UploadFactory(organization=retailer)
    foreign = UploadFactory()
    missing = uuid.uuid4()

    with pytest.raises(DomainError) as raised:
        uploads_for_attachment(
            organization=retailer, uuids=[str(mine.uuid), "x", str(foreign.uuid), missing]
        )

    assert raised.value.status == 400
    assert raised.value.errors == {
        "uploaded_files": [
            "Unknown upload x.",
            f"Unknown upload {foreign.uuid}.",
            f"Unknown upload {missing}.",
        ]
    }
    duplicates = [str(mine.uuid), mine.uuid, str(mine.uuid).upper()]
    assert uploads_for_attachment(organization=retailer, uuids=duplicates) == [mine]


# --- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 100])
def test_request_list_with_3_files_per_request_keeps_a_constant_query_count(
    token_client, django_assert_max_num_queries, rows
):
    organization = OrganizationFactory()
    client = token_client(member_of(organization))
    make_requests(organization, rows, integrations=2, files=3)

    with django_assert_max_num_queries(REQUEST_LIST_MAX_QUERIES):
        body = client.get(REQUESTS_URL, {"limit": 100}).json()

    assert len(body["requests"]) == rows
    assert all(len(item["uploaded_files"]) == 3 for item in body["requests"])


@pytest.mark.parametrize("rows", [1, 100])
def test_file_list_keeps_a_constant_query_count(token_client, django_assert_max_num_queries, rows):
    organization = OrganizationFactory()
    client = token_client(member_of(organization))
    UploadFactory.create_batch(rows, organization=organization)

    with django_assert_max_num_queries(FILE_LIST_MAX_QUERIES):
        body = client.get(FILES_URL, {"limit": 100}).json()

    assert len(body["files"]) == rows
