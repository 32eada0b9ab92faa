"""A Python client generated from /api/schema/ by openapi-python-client, used as generated,
against a real server with the demo data (scripts/generated_client_check runs it; it is not
part of the Django suite: CONNECT_API_URL names the server, the generated package
`connect_api_client` must be importable).

What a client developer does first: log in for a token, request a connection, list and change
it, upload a file, post the outreach change request with Basic, query assignments by dates,
and read an error.
"""

import base64
import io
import os
import uuid
from datetime import date, datetime

import pytest
from connect_api_client import AuthenticatedClient, Client
from connect_api_client.api.api import api_token_create
from connect_api_client.api.organizations import (
    organizations_connections_request_create,
    organizations_connections_request_list,
    organizations_connections_request_partial_update,
    organizations_connections_request_retrieve,
    organizations_files_upload_create,
)
from connect_api_client.api.outreach import (
    outreach_assignments_of_type,
    outreach_change_request,
    outreach_connection_change_request,
)
from connect_api_client.models import (
    ChangeRequestInputRequest,
    ConnectionPage,
    ConnectionRequestCreated,
    ConnectionRequestInputRequest,
    ConnectionRequestOutput,
    Error,
    IntegrationInputRequest,
    PaginatedConnectionRequestOutputList,
    PatchedConnectionRequestInputRequest,
    TokenLoginRequest,
    TokenResponse,
    TypeEnum,
    UploadCreated,
    UploadInputRequest,
)
from connect_api_client.types import File

BASE_URL = os.environ["CONNECT_API_URL"]
RETAILER = ("retailer", "retailer-demo-pass")  # organizations/demo.py
OUTREACH_CALLER = ("jadams", "password231")  # outreach/demo.py: the seed's caller
SITE = 12345


@pytest.fixture(scope="module")
def token() -> str:
    response = api_token_create.sync_detailed(
        client=Client(base_url=BASE_URL), body=TokenLoginRequest(*RETAILER)
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, TokenResponse)
    assert response.parsed.expiry > datetime.now(response.parsed.expiry.tzinfo)
    return response.parsed.token


@pytest.fixture(scope="module")
def supplier_api(token) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=token, prefix="Token")


@pytest.fixture(scope="module")
def outreach_api() -> AuthenticatedClient:
    """The generated client's way to send Basic: the credential as the token, prefix Basic."""
    credential = base64.b64encode(":".join(OUTREACH_CALLER).encode()).decode()
    return AuthenticatedClient(base_url=BASE_URL, token=credential, prefix="Basic")


def _create(api: AuthenticatedClient, name: str) -> ConnectionRequestCreated:
    body = ConnectionRequestInputRequest(
        organization_name=name,
        primary_contact_name="Pat Doe",
        primary_contact_email="pat@example.com",
        integrations=[IntegrationInputRequest(type_=TypeEnum.ITEM, update_frequency="@daily")],
    )
    response = organizations_connections_request_create.sync_detailed(client=api, body=body)
    assert response.status_code == 201, response.content
    assert isinstance(response.parsed, ConnectionRequestCreated)
    return response.parsed


def test_create_list_and_patch_a_connection_request(supplier_api):
    name = f"Generated Client Supplier {uuid.uuid4().hex[:8]}"
    created = _create(supplier_api, name)

    listed = organizations_connections_request_list.sync_detailed(
        client=supplier_api, search=name, limit=10
    )
    assert listed.status_code == 200, listed.content
    assert isinstance(listed.parsed, PaginatedConnectionRequestOutputList)
    assert [r.record_uuid for r in listed.parsed.requests] == [created.request_uuid]
    assert listed.parsed.requests[0].approved_by is None  # a nullable object, read as None

    patched = organizations_connections_request_partial_update.sync_detailed(
        str(created.request_uuid),
        client=supplier_api,
        body=PatchedConnectionRequestInputRequest(additional_information="Changed by PATCH"),
    )
    assert patched.status_code == 204, patched.content

    detail = organizations_connections_request_retrieve.sync_detailed(
        str(created.request_uuid), client=supplier_api
    )
    assert detail.status_code == 200, detail.content
    assert isinstance(detail.parsed, ConnectionRequestOutput)
    assert detail.parsed.additional_information == "Changed by PATCH"
    assert [i.integration_type for i in detail.parsed.integrations] == ["item"]


def test_upload(supplier_api):
    body = UploadInputRequest(
        file=File(payload=io.BytesIO(b"sku,qty\nA-1,3\n"), file_name="stock.csv"),
        filename="stock.csv",
    )
    response = organizations_files_upload_create.sync_detailed(client=supplier_api, body=body)
    assert response.status_code == 201, response.content
    assert isinstance(response.parsed, UploadCreated)
    assert response.parsed.name == "stock.csv"


def test_outreach_change_request_with_basic(outreach_api):
    body = ChangeRequestInputRequest(
        connection_id=-1,
        complete=False,
        connection_date="06/05/2015",
        connection_type_id=1,
        family_connection=False,
        contact_indv_id=76,
        open_category_id=1,
        reassign=False,
        new_caller_indv_id=-1,
        new_team_id=1,
        comment="From the generated client",
        response_id_list=[-1],
    )
    response = outreach_connection_change_request.sync_detailed(
        SITE, client=outreach_api, body=body, application_id="generated-client"
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, int)

    stored = outreach_change_request.sync_detailed(SITE, response.parsed, client=outreach_api)
    # jadams may submit but not review: the review endpoint answers in the one error shape.
    assert stored.status_code in (200, 403), stored.content
    if stored.status_code == 403:
        assert isinstance(stored.parsed, Error)


def test_assignments_between_dates(outreach_api):
    response = outreach_assignments_of_type.sync_detailed(
        SITE,
        1,
        client=outreach_api,
        due_date_from="06/10/2015",
        due_date_to="06/15/2015",
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, ConnectionPage)
    due = [datetime.strptime(c.due_date, "%m/%d/%Y").date() for c in response.parsed.page]
    assert [c.connection_id for c in response.parsed.page] == [1]  # outreach/demo.py: due 6/12
    assert all(date(2015, 6, 10) <= day <= date(2015, 6, 15) for day in due)


def test_an_invalid_field_is_parsed_into_the_error_model(supplier_api):
    body = ConnectionRequestInputRequest(organization_name="", primary_contact_name="Pat Doe")
    response = organizations_connections_request_create.sync_detailed(
        client=supplier_api, body=body
    )
    assert response.status_code == 400
    assert isinstance(response.parsed, Error)
    assert response.parsed.code == "invalid"
    assert "organization_name" in response.parsed.errors.additional_properties


def test_a_bearer_token_is_refused_saying_what_is_expected(token):
    wrong_prefix = AuthenticatedClient(base_url=BASE_URL, token=token)  # the default: Bearer
    response = organizations_connections_request_list.sync_detailed(client=wrong_prefix)
    assert response.status_code == 401
    assert isinstance(response.parsed, Error)
    assert "Token <key>" in response.parsed.detail
