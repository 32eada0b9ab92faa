"""Who may read an upload: method x role x endpoint -> status."""

import pytest

from connections import services
from organizations.choices import OrganizationType
from tests.factories import (
    ConnectionRequestFactory,
    OrganizationFactory,
    UploadFactory,
    UserFactory,
)
from tests.supplier_fixtures import member_of
from tests.uploads.conftest import FILES_URL, file_url

pytestmark = pytest.mark.django_db

ROLES = {
    "uploader": 200,
    "colleague": 200,
    "staff": 200,
    "counterpart of approved request": 200,
    "counterpart of pending request": 404,
    "counterpart of rejected request": 404,
    "counterpart of approved request without the file": 404,
    "other organization": 404,
    "no organization": 404,
    "anonymous": 401,
}


@pytest.fixture
def world(retailer, retailer_user, staff_user):
    upload = UploadFactory(organization=retailer, uploaded_by=retailer_user)
    users = {
        "uploader": retailer_user,
        "colleague": member_of(retailer),
        "staff": staff_user,
        "other organization": member_of(OrganizationFactory()),
        "no organization": UserFactory(),
    }
    decide = {
        "approved": lambda request, counterpart: services.connection_request_approve(
            connection_request=request, user=staff_user, supplier_uuid=counterpart.uuid
        ),
        "rejected": lambda request, counterpart: services.connection_request_reject(
            connection_request=request, user=staff_user, reason="No."
        ),
        "pending": lambda request, counterpart: None,
    }
    for status, decision in decide.items():
        counterpart = OrganizationFactory(org_type=OrganizationType.SUPPLIER)
        request = ConnectionRequestFactory(requester=retailer, counterpart=counterpart)
        request.uploaded_files.add(upload)
        decision(request, counterpart)
        users[f"counterpart of {status} request"] = member_of(counterpart)
    unrelated = OrganizationFactory(org_type=OrganizationType.SUPPLIER)
    services.connection_request_approve(
        connection_request=ConnectionRequestFactory(requester=retailer),
        user=staff_user,
        supplier_uuid=unrelated.uuid,
    )
    users["counterpart of approved request without the file"] = member_of(unrelated)
    return upload, users


def client_for(role, users, token_client, api_client):
    return api_client if role == "anonymous" else token_client(users[role])


@pytest.mark.parametrize("suffix", ["", "download/"], ids=["detail", "download"])
@pytest.mark.parametrize(("role", "expected"), ROLES.items())
def test_read_matrix(world, token_client, api_client, role, expected, suffix):
    upload, users = world
    client = client_for(role, users, token_client, api_client)

    response = client.get(file_url(upload.uuid, suffix))

    assert response.status_code == expected
    if expected == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("uploader", True),
        ("colleague", True),
        ("staff", True),
        ("counterpart of approved request", False),  # the list holds one's own uploads
        ("other organization", False),
        ("no organization", False),
    ],
)
def test_list_matrix(world, token_client, role, listed):
    upload, users = world
    response = token_client(users[role]).get(FILES_URL)
    assert response.status_code == 200
    uuids = [item["uuid"] for item in response.json()["files"]]
    assert (str(upload.uuid) in uuids) is listed


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_uploads_cannot_be_changed_through_the_api(world, token_client, method):
    upload, users = world
    response = getattr(token_client(users["uploader"]), method)(file_url(upload.uuid))
    assert response.status_code == 405
