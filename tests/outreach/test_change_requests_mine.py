"""A submitter lists and reads its own change requests, their outcome and message."""

import pytest

from outreach.choices import ChangeRequestStatus
from tests.factories import ChangeRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"


def _own_and_others(world):
    own_rejected = ChangeRequestFactory(
        site=world.site,
        connection=world.connection,
        submitted_by=world.caller.user,
        status=ChangeRequestStatus.REJECTED,
        reviewed_by=world.admin.user,
        review_message="Wrong family: call 77 instead",
    )
    own_pending = ChangeRequestFactory(
        site=world.site, connection=world.connection, submitted_by=world.caller.user
    )
    others = ChangeRequestFactory(site=world.site, connection=world.connection)
    admins = ChangeRequestFactory(
        site=world.site, connection=world.connection, submitted_by=world.admin.user
    )
    return own_rejected, own_pending, others, admins


@pytest.mark.parametrize("query", ["", "?mine=true", "?mine=True&status=rejected"])
def test_a_submitter_lists_only_its_own(basic_client, world, query):
    own_rejected, own_pending, _, _ = _own_and_others(world)
    response = basic_client(world.caller.user.username).get(f"{BASE}/changerequests{query}")
    assert response.status_code == 200, response.content
    rows = response.json()["ChangeRequests"]
    expected = [own_rejected] if "status" in query else [own_pending, own_rejected]
    assert [row["ConnectionCRId"] for row in rows] == [cr.number for cr in expected]
    assert response.json()["Pagination"]["TotalCount"] == len(expected)
    rejected = rows[-1]
    assert rejected["Status"] == "REJECTED"
    assert rejected["ReviewMessage"] == "Wrong family: call 77 instead"
    assert rejected["ReviewedBy"] == world.admin.user.username


def test_a_submitter_reads_its_own_and_not_anothers(basic_client, world):
    own_rejected, _, others, _ = _own_and_others(world)
    client = basic_client(world.caller.user.username)
    response = client.get(f"{BASE}/changerequests/{own_rejected.number}")
    assert response.status_code == 200
    assert response.json()["ReviewMessage"] == "Wrong family: call 77 instead"
    assert client.get(f"{BASE}/changerequests/{others.number}").status_code == 404


def test_a_submitter_still_cannot_review(basic_client, world):
    _, own_pending, _, _ = _own_and_others(world)
    client = basic_client(world.caller.user.username)
    assert client.post(f"{BASE}/changerequests/{own_pending.number}/apply").status_code == 403
    assert client.post(f"{BASE}/changerequests/{own_pending.number}/reject").status_code == 403


def test_an_administrator_sees_all_or_with_mine_its_own(basic_client, world):
    *_, admins = _own_and_others(world)
    client = basic_client(world.admin.user.username)
    assert len(client.get(f"{BASE}/changerequests").json()["ChangeRequests"]) == 4
    mine = client.get(f"{BASE}/changerequests?mine=true").json()["ChangeRequests"]
    assert [row["ConnectionCRId"] for row in mine] == [admins.number]


def test_mine_must_be_a_boolean(basic_client, world):
    response = basic_client(world.caller.user.username).get(f"{BASE}/changerequests?mine=maybe")
    assert response.status_code == 400
    assert "mine" in response.json()["errors"]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_submitters_list_runs_constant_queries(
    basic_client, world, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        ChangeRequestFactory(
            site=world.site, connection=world.connection, submitted_by=world.caller.user
        )
    client = basic_client(world.caller.user.username)
    client.get(f"{BASE}/changerequests")  # remembered Basic credentials: warm
    with django_assert_max_num_queries(10):  # the same at 1 and 30 rows
        response = client.get(f"{BASE}/changerequests?limit=50")
    assert len(response.json()["ChangeRequests"]) == rows
