"""Every outreach list runs a constant number of queries, at 1 row and at 100."""

from datetime import date, timedelta

import pytest

from outreach.choices import Right
from tests.factories import (
    ConnectionCommentFactory,
    ConnectionTypeFactory,
    ConnectionTypeRightFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    ResponseFactory,
    SiteFactory,
    SiteMembershipFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"
# Basic credential from the cache (user row, 1), the caller's membership (1) and the
# foundation's user throttle in the DB cache (6). Per-type rights are read only where needed.
OVERHEAD = 8


@pytest.fixture
def site(db):
    return SiteFactory(number=12345)


@pytest.fixture
def member(site):
    return SiteMembershipFactory(site=site, locate_person=Right.GRANTED, view_add_comments="A")


@pytest.fixture
def client(member, basic_client):
    client = basic_client(member.user.username)
    assert client.get(f"{BASE}/account").status_code == 200  # the credential is now cached
    return client


def _types(site, member, rows):
    types = ConnectionTypeFactory.create_batch(rows, site=site)
    for connection_type in types:
        ConnectionTypeRightFactory(membership=member, connection_type=connection_type)
    return types


def _assigned_connections(site, member, rows, connection_type):
    team = TeamFactory(site=site, members=[member.individual])
    for index in range(rows):
        assignee = {"caller": member.individual} if index % 2 else {"team": team}
        OutreachConnectionFactory(
            site=site,
            connection_type=connection_type,
            due_date=date(2015, 6, 1) + timedelta(days=index),
            **assignee,
        )


def _populate(endpoint, site, member, rows):
    if endpoint == "types/connections":
        _types(site, member, rows)
        return endpoint, 2  # the caller's per-type rights, the types
    if endpoint == "types/responses/1":
        connection_type = ConnectionTypeFactory(site=site, number=1)
        ConnectionTypeRightFactory(membership=member, connection_type=connection_type)
        ResponseFactory.create_batch(rows, site=site, connection_type=connection_type)
        return endpoint, 3  # the type, the caller's per-type rights, its responses
    if endpoint == "connections/teams":
        for _ in range(rows):
            TeamFactory(site=site, members=IndividualFactory.create_batch(2, site=site))
        return endpoint, 1
    if endpoint == "individuals":
        IndividualFactory.create_batch(rows, site=site, last_name="Searchable")
        return "individuals?q=searchable&pageSize=100", 2  # count, page
    if endpoint == "connections/assignments":
        for connection_type in _types(site, member, rows):
            _assigned_connections(site, member, 1, connection_type)
        return endpoint, 1
    if endpoint == "connections/assignments/1":
        connection_type = ConnectionTypeFactory(site=site, number=1)
        _assigned_connections(site, member, rows, connection_type)
        return endpoint, 2  # the type, the connections with every party joined
    if endpoint == "connections/1":
        connection_type = ConnectionTypeFactory(site=site, number=1)
        team = TeamFactory(site=site, members=IndividualFactory.create_batch(rows, site=site))
        responses = ResponseFactory.create_batch(rows, site=site, connection_type=connection_type)
        connection = OutreachConnectionFactory(
            site=site, number=1, connection_type=connection_type, team=team, responses=responses
        )
        ConnectionCommentFactory.create_batch(rows, connection=connection)
        return endpoint, 4  # connection (joined), team members, responses, comments
    raise AssertionError(endpoint)


def _row_count(endpoint, body):
    if endpoint == "individuals":
        return len(body["Page"])
    if endpoint == "connections/1":
        return len(body["Comments"])
    return len(body)


@pytest.mark.parametrize("rows", [1, 100])
@pytest.mark.parametrize(
    "endpoint",
    [
        "types/connections",
        "types/responses/1",
        "connections/teams",
        "individuals",
        "connections/assignments",
        "connections/assignments/1",
        "connections/1",
    ],
)
def test_query_count_is_constant(
    site, member, client, django_assert_max_num_queries, endpoint, rows
):
    path, queries = _populate(endpoint, site, member, rows)
    with django_assert_max_num_queries(OVERHEAD + queries):
        response = client.get(f"{BASE}/{path}")
    assert response.status_code == 200
    assert _row_count(endpoint, response.json()) == rows
