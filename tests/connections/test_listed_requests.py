"""`listed_requests_for`: the list with no filter counts and pages through queries compiled
once per kind of caller and page window (connect_api.prepared.PreparedList), the page as
rows: the same count SQL, the same requests shown alike, in as many queries as the queryset
`connection_requests_for(user)` with WITHDRAWN hidden and the list's columns, evaluated as
usual; through the API, the same pages whether compiled or not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.api.pagination import StartLimitPagination, count_up_to
from connect_api.throttling import LEASES
from connections import selectors
from connections.api.serializers import connection_request_data
from connections.choices import ConnectionRequestStatus
from tests.connections.test_request_lookup import as_authenticated
from tests.factories import (
    AccountManagerFactory,
    ConnectionRequestFactory,
    OrganizationMembershipFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    mine = OrganizationMembershipFactory()
    theirs = OrganizationMembershipFactory()
    manager = AccountManagerFactory()
    for index in range(7):
        ConnectionRequestFactory(
            requester=mine.organization,
            status="APPROVED" if index % 2 else "PENDING",
            decided_by=manager if index % 2 else None,
        )
    ConnectionRequestFactory(requester=mine.organization, status="WITHDRAWN")
    ConnectionRequestFactory.create_batch(2, requester=theirs.organization)
    return {
        "member": mine.user,
        "staff": StaffUserFactory(),
        "no organization": UserFactory(),
    }


def readable(user):
    return selectors.with_list_columns(
        selectors.connection_requests_for(user).exclude(status=ConnectionRequestStatus.WITHDRAWN)
    )


def shown(rows) -> list:
    """The rows' keys and what the list shows of them (rows or instances alike)."""
    selectors.with_child_rows(rows)
    return [(row.pk, connection_request_data(row)) for row in rows]


@pytest.mark.parametrize("loaded", [True, False], ids=["as authenticated", "bare user"])
def test_the_same_count_pages_and_output_as_the_queryset(world, loaded, monkeypatch):
    monkeypatch.setattr(StartLimitPagination, "DEFERRED_FROM", 4)
    monkeypatch.setattr(selectors._listed_requests, "_counts", {})  # what this test compiles
    monkeypatch.setattr(selectors._listed_requests, "_pages", {})
    paginator = StartLimitPagination()
    windows = [(0, 3), (3, 6), (6, 9), (4, 5), (0, 3)]
    for name in ("member", "staff", "no organization"):
        user = as_authenticated(world[name]) if loaded else world[name]
        for cap in (2, 100, 2):
            with CaptureQueriesContext(connection) as expected_sql:
                expected = count_up_to(readable(user), cap)
            with CaptureQueriesContext(connection) as found_sql:
                found = count_up_to(selectors.listed_requests_for(user), cap)
            assert found == expected, (name, cap)
            assert [q["sql"] for q in found_sql] == [q["sql"] for q in expected_sql]
        for begin, end in windows:
            with CaptureQueriesContext(connection) as expected_sql:
                expected = paginator._window(readable(user), begin, end)
            with CaptureQueriesContext(connection) as found_sql:
                found = paginator._window(selectors.listed_requests_for(user), begin, end)
            assert len(found_sql) == len(expected_sql) <= 1
            with CaptureQueriesContext(connection) as expected_children:
                expected_shown = shown(expected)
            with CaptureQueriesContext(connection) as found_children:
                assert shown(found) == expected_shown, (name, begin, end)
            assert len(found_children) == len(expected_children)  # no query for a joined row
            if found and loaded:
                assert all(isinstance(row, selectors.ConnectionRequestRow) for row in found)
    listing = selectors._listed_requests
    counts = {
        shape[1:] for shape, sql in next(iter(listing._counts.values()))._compiled.items() if sql
    }
    pages = {
        shape[1:]
        for prepared in listing._pages.values()
        for shape, sql in prepared._compiled.items()
        if sql
    }
    if loaded:  # a member's and staff's queries ran compiled (a bare user's is a subquery)
        assert {kind for kind, _ in counts} == {1, "every organization"}
        assert {window for _, window in pages} == {(0, 3), (3, 6), (6, 9), (4, 5)}
        assert len(listing._pages) == 2  # a window from DEFERRED_FROM on is another query


def test_a_derived_queryset_is_counted_and_paged_as_usual(world):
    listed = selectors.listed_requests_for(as_authenticated(world["member"]))
    assert listed.prepared is not None
    assert not hasattr(listed.filter(status="PENDING"), "prepared")
    assert not hasattr(listed.order_by("pk"), "prepared")


def test_the_api_answers_the_same_pages_compiled_or_not(token_client, world):
    client = token_client(world["member"])
    url = "/organizations/connections/request/"
    for params in ({}, {"start": 2, "limit": 3}, {"start": 6, "limit": 3}, {"start": 9}):
        LEASES.clear()
        with CaptureQueriesContext(connection) as compiled_sql:
            compiled = client.get(url, params).json()
        LEASES.clear()
        # An empty `search` names a filter and filters nothing: the FilterSet's queryset,
        # counted and paged as usual
        with CaptureQueriesContext(connection) as usual_sql:
            usual = client.get(url, {**params, "search": ""}).json()
        assert compiled == usual
        assert len(compiled_sql) == len(usual_sql)
        assert compiled["pagination"]["total_count"] == 7
        assert "WITHDRAWN" not in {item["status"] for item in compiled["requests"]}


def test_the_queryset_is_built_only_when_its_query_is_read(world, monkeypatch):
    user = as_authenticated(world["member"])
    paginator = StartLimitPagination()
    first = selectors.listed_requests_for(user)  # built, and the build found deferrable
    count_up_to(first, 100)  # compiled
    paginator._window(first, 0, 3)
    built = []
    build = selectors._listed_requests.build
    monkeypatch.setattr(
        selectors._listed_requests, "build", lambda *values: built.append(values) or build(*values)
    )
    listed = selectors.listed_requests_for(user)
    assert count_up_to(listed, 100) == 7
    assert shown(paginator._window(listed, 0, 3)) == shown(list(readable(user)[:3]))  # no build
    assert built == []
    assert str(listed.query) == str(readable(user).query)  # read: built now, the same query
    assert len(built) == 1
    assert list(listed) == list(readable(user))
    assert list(listed.filter(status="PENDING")) == list(readable(user).filter(status="PENDING"))
