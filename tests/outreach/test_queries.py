"""Every outreach list runs a constant number of queries, at 1 row and at 100."""

from datetime import date, timedelta

import pytest

from outreach import services
from outreach.choices import Right, SecurityRole
from tests.factories import (
    AddressFactory,
    CommentTypeFactory,
    ConnectionCommentFactory,
    ConnectionTypeFactory,
    ConnectionTypeRightFactory,
    FamilyFactory,
    IndividualCommentFactory,
    IndividualEmailFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    PhoneFactory,
    ResponseFactory,
    SiteFactory,
    SiteMembershipFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"
# Basic credential from the cache (user row, 1), the caller's membership (1) and the
# foundation's throttle counter upsert (1). Per-type rights are read only where needed.
OVERHEAD = 3
CONTACT = 5
"""A person's details (outputs.contact_data): emails, phones, addresses, the family's
addresses and phones, for any number of people (selectors.contact_prefetches)."""
CONNECTIONS = 4 + 3 * CONTACT
"""Connections with every party (selectors.with_connection_details): the team's members,
responses, comments, the caller's per-type rights (PermissionLevel) and the details of the
contacts, callers and team members."""


def _detailed_people(site, rows, **kwargs):
    """`rows` people of one family, each with a second email, a second phone and an address;
    the family with an address and a phone."""
    family = FamilyFactory(site=site)
    AddressFactory(individual=None, family=family)
    PhoneFactory(individual=None, family=family)
    people = IndividualFactory.create_batch(rows, site=site, family=family, **kwargs)
    for person in people:
        IndividualEmailFactory(individual=person)
        PhoneFactory(individual=person)
        AddressFactory(individual=person)
    return people


@pytest.fixture
def site(db):
    return SiteFactory(number=12345)


@pytest.fixture
def member(site):
    return SiteMembershipFactory(
        site=site,
        locate_person=Right.GRANTED,
        view_add_comments=Right.GRANTED,
        view_outreach_history=Right.GRANTED,
    )


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
        _detailed_people(site, rows, last_name="Searchable")
        return "individuals?q=searchable&pageSize=100", 2 + CONTACT  # matches' ids, page
    if endpoint == "individuals/1":
        person, *_ = _detailed_people(site, rows, last_name="Searchable")
        person.number = 1
        person.save()
        return endpoint, 2 + 2 * CONTACT  # the person (joined), the family's members
    if endpoint == "individuals/1/connections":
        person = IndividualFactory(site=site, number=1)
        connection_type = ConnectionTypeFactory(site=site)
        team = TeamFactory(site=site, members=_detailed_people(site, 3))
        for _ in range(rows):
            connection = OutreachConnectionFactory(
                site=site, connection_type=connection_type, contact=person, team=team
            )
            ConnectionCommentFactory(connection=connection)
        return f"{endpoint}?pageIndex=0&pageSize=100", 1 + 2 + CONNECTIONS
    if endpoint == "commentchangerequests":
        member.security_role = SecurityRole.ADMINISTRATOR
        member.save()
        person = IndividualFactory(site=site)
        comment_type = CommentTypeFactory(site=site)
        for _ in range(rows):
            request = services.comment_change_request_submit(
                membership=member,
                individual=person,
                comment_type=comment_type,
                text="Note",
                family_comment=False,
            )
            services.comment_change_request_apply(change_request=request, reviewer=member.user)
        return f"{endpoint}?pageSize=100", 3  # count, page, the comments written
    if endpoint == "types/comments":
        CommentTypeFactory.create_batch(rows, site=site)
        return endpoint, 1
    if endpoint == "individuals/1/comments":
        person = IndividualFactory(site=site, number=1)
        for comment_type in CommentTypeFactory.create_batch(rows, site=site):
            IndividualCommentFactory.create_batch(2, individual=person, comment_type=comment_type)
        return f"{endpoint}?pageSize=100", 3  # the person, count, page
    if endpoint == "individuals/1/comments/1":
        person = IndividualFactory(site=site, number=1)
        comment_type = CommentTypeFactory(site=site, number=1)
        IndividualCommentFactory.create_batch(rows, individual=person, comment_type=comment_type)
        return f"{endpoint}?pageSize=100", 4  # the person, the type, count, page
    if endpoint == "connections/assignments":
        for connection_type in _types(site, member, rows):
            _assigned_connections(site, member, 1, connection_type)
        return f"{endpoint}?pageSize=100", 2  # count, page
    if endpoint == "connections/assignments/1":
        connection_type = ConnectionTypeFactory(site=site, number=1)
        _assigned_connections(site, member, rows, connection_type)
        return f"{endpoint}?pageSize=100", 3 + CONNECTIONS  # the type, count, page
    if endpoint == "connections/1":
        connection_type = ConnectionTypeFactory(site=site, number=1)
        team = TeamFactory(site=site, members=IndividualFactory.create_batch(rows, site=site))
        responses = ResponseFactory.create_batch(rows, site=site, connection_type=connection_type)
        connection = OutreachConnectionFactory(
            site=site, number=1, connection_type=connection_type, team=team, responses=responses
        )
        ConnectionCommentFactory.create_batch(rows, connection=connection)
        return f"{endpoint}?includeSelf=true", 1 + CONNECTIONS
    raise AssertionError(endpoint)


def _row_count(endpoint, body):
    if endpoint == "connections/1":
        return len(body["Comments"])
    if endpoint == "individuals/1":
        return len(body["FamilyMembers"]) + 1
    if isinstance(body, dict):
        return len(body["Page"])
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
        "individuals/1",
        "individuals/1/connections",
        "types/comments",
        "individuals/1/comments",
        "individuals/1/comments/1",
        "commentchangerequests",
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


@pytest.mark.parametrize("rows", [1, 100])
def test_comment_change_requests_by_start_and_limit_run_as_many_queries(
    site, member, client, django_assert_max_num_queries, rows
):
    path, queries = _populate("commentchangerequests", site, member, rows)
    with django_assert_max_num_queries(OVERHEAD + queries):
        response = client.get(f"{BASE}/{path.replace('pageSize=100', 'start=0&limit=100')}")
    assert response.status_code == 200
    assert len(response.json()["CommentChangeRequests"]) == rows
