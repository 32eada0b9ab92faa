"""Every list runs a constant number of queries, at 1 row and at 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.throttling import LEASES
from connections.choices import ConnectionRequestStatus, ReviewAction
from organizations.choices import OrganizationType
from tests.factories import (
    AccountManagerFactory,
    ConnectionFactory,
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
    PersonFactory,
    ReviewEntryFactory,
    UploadFactory,
)
from tests.supplier_fixtures import member_of

pytestmark = pytest.mark.django_db

# Foundation overhead on every call: the token (1) and at most one throttle counter upsert.
OVERHEAD = 2
# caller's organization, count, page (requester and approver joined), integrations,
# uploaded files, their spec checks (the uploads app's), history (who joined).
REQUEST_LIST_MAX_QUERIES = OVERHEAD + 7
# caller's organization, the connections with every party joined.
CONNECTION_LIST_MAX_QUERIES = OVERHEAD + 2


def make_requests(organization, count: int, *, integrations: int = 5, files: int = 0):
    """`count` requests of the organization, every other one APPROVED (so the list shows, and
    must join, its approver, and its history line's), each with `integrations` integrations and
    `files` uploads."""
    manager = AccountManagerFactory()
    for index in range(count):
        approved = index % 2 == 1
        connection_request = ConnectionRequestFactory(
            requester=organization,
            status=ConnectionRequestStatus.APPROVED
            if approved
            else ConnectionRequestStatus.PENDING,
            decided_by=manager if approved else None,
        )
        IntegrationFactory.create_batch(integrations, request=connection_request)
        if approved:
            ReviewEntryFactory(
                request=connection_request, action=ReviewAction.APPROVED, account_manager=manager
            )
        if files:
            connection_request.uploaded_files.add(
                *UploadFactory.create_batch(files, organization=organization)
            )


def count_queries(client, url, params=None):
    LEASES.clear()  # every measured call pays the throttle's upsert, so counts compare
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response.json()


@pytest.mark.parametrize("rows", [1, 100])
def test_request_list_query_count_is_constant(token_client, django_assert_max_num_queries, rows):
    organization = OrganizationFactory()
    client = token_client(member_of(organization))
    make_requests(organization, rows)
    with django_assert_max_num_queries(REQUEST_LIST_MAX_QUERIES):
        body = client.get("/organizations/connections/request/", {"limit": 100}).json()
    assert len(body["requests"]) == rows
    assert all(len(item["integrations"]) == 5 for item in body["requests"])


def test_request_list_same_count_for_1_and_100_rows_and_for_staff(token_client):
    organization = OrganizationFactory()
    client = token_client(member_of(organization))
    make_requests(organization, 1)
    one, _ = count_queries(client, "/organizations/connections/request/")
    make_requests(organization, 99)
    hundred, body = count_queries(client, "/organizations/connections/request/", {"limit": 100})
    assert len(body["requests"]) == 100
    assert one == hundred
    staff = AccountManagerFactory().user
    staff_count, _ = count_queries(token_client(staff), "/organizations/connections/request/")
    assert staff_count <= hundred


def test_a_deep_start_reads_the_page_keys_first_same_pages_same_query_count(
    token_client, monkeypatch
):
    organization = OrganizationFactory()
    client = token_client(member_of(organization))
    make_requests(organization, 12, integrations=1)
    url = "/organizations/connections/request/"
    shallow_queries, shallow = count_queries(client, url, {"start": 4, "limit": 5})

    monkeypatch.setattr("connect_api.api.pagination.StartLimitPagination.DEFERRED_FROM", 2)
    LEASES.clear()
    with CaptureQueriesContext(connection) as captured:
        deep = client.get(url, {"start": 4, "limit": 5}).json()

    assert deep == shallow
    assert [item["integrations"] for item in deep["requests"]]
    assert len(captured) == shallow_queries
    page_sql = next(q["sql"] for q in captured if "LIMIT 5" in q["sql"])
    assert page_sql.count("SELECT") >= 2  # the keys' subquery inside the page's query
    everything = client.get(url, {"limit": 100}).json()["requests"]
    assert deep["requests"] == everything[4:9]


def make_connections(organization, count: int):
    manager = AccountManagerFactory()
    for _ in range(count):
        supplier = OrganizationFactory(
            org_type=OrganizationType.SUPPLIER, contact=PersonFactory(), account_manager=manager
        )
        ConnectionFactory(retailer=organization, supplier=supplier, account_manager=manager)


@pytest.mark.parametrize("rows", [1, 100])
def test_connection_list_query_count_is_constant(token_client, django_assert_max_num_queries, rows):
    organization = OrganizationFactory(contact=PersonFactory())
    client = token_client(member_of(organization))
    make_connections(organization, rows)
    with django_assert_max_num_queries(CONNECTION_LIST_MAX_QUERIES):
        body = client.get("/organizations/connections/").json()
    assert len(body) == rows
    assert all(item["supplier"]["contact"]["uuid"] for item in body)
