"""`connection_request_by_uuid`: the request `connection_requests_for(user).filter(uuid=...)`
finds, by the same SQL compiled once per kind of caller, in as many queries, for every kind
of caller the tenant rule knows (staff, a member, a user without an organization, nobody)."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.authentication import _token_candidates
from connections import selectors
from connections.models import ReviewEntry
from tests.factories import (
    AccountManagerFactory,
    ConnectionRequestFactory,
    OrganizationMembershipFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def as_authenticated(user):
    """`user` as token authentication loads it (membership and organization with it)."""
    from knox.models import AuthToken

    _, key = AuthToken.objects.create(user=user)
    (token,) = _token_candidates(key[:15])
    return token.user


@pytest.fixture
def world():
    mine = OrganizationMembershipFactory()
    theirs = OrganizationMembershipFactory()
    decided = ConnectionRequestFactory(
        requester=mine.organization,
        status="APPROVED",
        decided_by=AccountManagerFactory(),
    )
    return {
        "member": mine.user,
        "other member": theirs.user,
        "staff": StaffUserFactory(),
        "no organization": UserFactory(),
        "mine": decided,
        "theirs": ConnectionRequestFactory(requester=theirs.organization),
    }


@pytest.mark.parametrize("loaded", [True, False], ids=["as authenticated", "bare user"])
def test_the_same_request_related_rows_and_sql_as_the_queryset(world, loaded):
    callers = ["member", "other member", "staff", "no organization"]
    for _ in range(2):  # the second time from the compiled SQL
        for name in callers:
            user = as_authenticated(world[name]) if loaded else world[name]
            for wanted in ("mine", "theirs"):
                key = world[wanted].uuid
                with CaptureQueriesContext(connection) as readable:
                    expected = list(selectors.connection_requests_for(user).filter(uuid=key))
                with CaptureQueriesContext(connection) as fast:
                    found = selectors.connection_request_by_uuid(user, str(key))
                assert [q["sql"] for q in fast] == [q["sql"] for q in readable], name
                assert found == (expected[0] if expected else None), (name, wanted)
                if found is not None:
                    with CaptureQueriesContext(connection) as after:
                        assert found.requester == expected[0].requester
                        assert found.decided_by == expected[0].decided_by
                        assert found.decided_by is None or (
                            found.decided_by.person == expected[0].decided_by.person
                        )
                    assert len(after) == 0  # the joined rows came with the one query
    compiled = {shape[1:] for shape, sql in selectors._request_by_uuid._compiled.items() if sql}
    if loaded:  # a member's and staff's queries ran compiled (a bare user's is a subquery)
        assert compiled == {(1, -1), ("every organization", -1)}


def test_who_sees_what(world):
    def sees(name):
        return {
            wanted
            for wanted in ("mine", "theirs")
            if selectors.connection_request_by_uuid(world[name], world[wanted].uuid)
        }

    assert sees("member") == {"mine"}
    assert sees("other member") == {"theirs"}
    assert sees("staff") == {"mine", "theirs"}
    assert sees("no organization") == set()
    assert selectors.connection_request_by_uuid(AnonymousUser(), world["mine"].uuid) is None


def test_an_unknown_or_malformed_uuid_is_none(world):
    assert selectors.connection_request_by_uuid(world["staff"], uuid.uuid4()) is None
    assert selectors.connection_request_by_uuid(world["staff"], "not-a-uuid") is None


@pytest.mark.parametrize("loaded", [True, False], ids=["as authenticated", "bare user"])
def test_the_detail_row_is_the_instance_as_the_detail_shows_it(world, loaded):
    """`connection_request_row_by_uuid`: the request `connection_request_by_uuid` finds (or
    None), shown, versioned and dated the same, in as many queries, from a compiled query."""
    from connections.api.serializers import connection_request_data

    ReviewEntry.objects.create(
        request=world["mine"], action="APPROVED", message="fine", user=world["staff"]
    )
    for _ in range(2):  # the second time from the compiled SQL
        for name in ("member", "other member", "staff", "no organization"):
            user = as_authenticated(world[name]) if loaded else world[name]
            for wanted in ("mine", "theirs"):
                key = str(world[wanted].uuid)
                with CaptureQueriesContext(connection) as readable:
                    instance = selectors.connection_request_by_uuid(user, key)
                with CaptureQueriesContext(connection) as fast:
                    row = selectors.connection_request_row_by_uuid(user, key)
                assert len(fast) == len(readable), name
                if instance is None:
                    assert row is None, (name, wanted)
                    continue
                assert isinstance(row, selectors.ConnectionRequestDetailRow)
                assert (row.version, row.updated_at) == (instance.version, instance.updated_at)
                (instance,) = selectors.with_child_rows([instance])
                (row,) = selectors.with_child_rows([row])
                assert connection_request_data(row) == connection_request_data(instance)
    compiled = {shape[1:] for shape, sql in selectors._request_row_by_uuid._compiled.items() if sql}
    if loaded:
        assert compiled == {(1, -1), ("every organization", -1)}


def test_an_unknown_or_malformed_uuid_has_no_detail_row(world):
    assert selectors.connection_request_row_by_uuid(world["staff"], uuid.uuid4()) is None
    assert selectors.connection_request_row_by_uuid(world["staff"], "not-a-uuid") is None


def test_the_detail_answers_from_the_row(token_client, world, monkeypatch):
    """GET of one request reads the row, never a request instance."""
    client = token_client(world["member"])
    monkeypatch.setattr(
        selectors, "connection_request_by_uuid", lambda *args: pytest.fail("an instance read")
    )
    response = client.get(f"/organizations/connections/request/{world['mine'].uuid}/")
    assert response.status_code == 200
    assert response.json()["record_uuid"] == str(world["mine"].uuid)
    assert response["ETag"]
    other = client.get(f"/organizations/connections/request/{world['theirs'].uuid}/")
    assert other.status_code == 404
