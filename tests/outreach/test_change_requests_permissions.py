"""Permission matrices: each right the POST needs (gate, type, reassign) x kind of change, and
role x review endpoint."""

import json

import pytest

from outreach.choices import Right, SecurityRole
from outreach.models import ChangeRequest
from tests.factories import ChangeRequestFactory, ChangeRequestWorld, SiteMembershipFactory
from tests.seeds import OUTREACH_SEED_BODY

pytestmark = pytest.mark.django_db

A, V, N = Right.GRANTED, Right.VIEW, Right.NONE
BASE = "/api_accessacs_mobile/v2/12345"
KINDS = ["add", "modify", "complete", "reassign"]


def body_for(kind: str, world: ChangeRequestWorld) -> dict:
    if kind == "add":
        return dict(OUTREACH_SEED_BODY)
    return {
        "ConnectionId": world.connection.number,
        "Complete": kind == "complete",
        "ConnectionDate": "07/01/2015",
        "Reassign": kind == "reassign",
        "NewCallerIndvId": 77 if kind == "reassign" else -1,
        "NewTeamId": -1,
        "Comment": "Called",
        "ResponseIdList": [-1],
    }


# (case, role, yes/no rights changed from the full caller's, type rights {type number: right},
#  status per kind in KINDS order, the rights the 403 names)
POST_MATRIX = [
    ("every right", SecurityRole.STAFF, {}, {1: A}, [200, 200, 200, 200], []),
    (
        "CreateChangeRequest V",
        SecurityRole.STAFF,
        {"create_change_request": V},
        {1: A},
        [403, 403, 403, 403],
        ["CreateChangeRequest"],
    ),
    (
        "CreateChangeRequest N",
        SecurityRole.STAFF,
        {"create_change_request": N},
        {1: A},
        [403, 403, 403, 403],
        ["CreateChangeRequest"],
    ),
    (
        "no type with A",
        SecurityRole.STAFF,
        {},
        {1: V, 2: V},
        [403, 403, 403, 403],
        ["ConnectionType"],
    ),
    (
        "neither LocatePerson nor MemberSearch",
        SecurityRole.STAFF,
        {"locate_person": V, "member_search": N},
        {1: A},
        [403, 403, 403, 403],
        ["LocatePerson or MemberSearch"],
    ),
    (
        "MemberSearch instead of LocatePerson",
        SecurityRole.STAFF,
        {"locate_person": N, "member_search": A},
        {1: A},
        [200, 200, 200, 200],
        [],
    ),
    (
        "ViewAddComments V",
        SecurityRole.STAFF,
        {"view_add_comments": V},
        {1: A},
        [403, 403, 403, 403],
        ["ViewAddComments"],
    ),
    (
        "ViewAddComments N",
        SecurityRole.STAFF,
        {"view_add_comments": N},
        {1: A},
        [403, 403, 403, 403],
        ["ViewAddComments"],
    ),
    (
        "type 1 V (A on type 2 only)",
        SecurityRole.STAFF,
        {},
        {1: V, 2: A},
        [403, 403, 403, 403],
        ["ConnectionTypeId"],
    ),
    (
        "type 1 without a row (A on type 2 only)",
        SecurityRole.STAFF,
        {},
        {2: A},
        [403, 403, 403, 403],
        ["ConnectionTypeId"],
    ),
    (
        "ReassignConnection V",
        SecurityRole.STAFF,
        {"reassign_connection": V},
        {1: A},
        [200, 200, 200, 403],
        ["ReassignConnection"],
    ),
    (
        "ReassignConnection N",
        SecurityRole.LAYLEADER,
        {"reassign_connection": N},
        {1: A},
        [200, 200, 200, 403],
        ["ReassignConnection"],
    ),
    (
        "Administrator without any listed right",
        SecurityRole.ADMINISTRATOR,
        dict.fromkeys(
            ["create_change_request", "locate_person", "view_add_comments", "reassign_connection"],
            N,
        ),
        {},
        [200, 200, 200, 200],
        [],
    ),
]


@pytest.mark.parametrize("kind_index", range(len(KINDS)), ids=KINDS)
@pytest.mark.parametrize(
    ("role", "rights", "type_rights", "statuses", "named"),
    [row[1:] for row in POST_MATRIX],
    ids=[row[0] for row in POST_MATRIX],
)
def test_post_rights_matrix(
    world, basic_client, kind_index, role, rights, type_rights, statuses, named
):
    member = world.member(role=role, rights=rights, type_rights=type_rights)
    kind = KINDS[kind_index]

    response = basic_client(member.user.username).post(
        f"{BASE}/connections", json.dumps(body_for(kind, world)), content_type="application/json"
    )

    assert response.status_code == statuses[kind_index], response.content
    if response.status_code == 403:
        assert sorted(response.json()["errors"]) == named
    assert ChangeRequest.objects.exists() == (response.status_code == 200)


def test_reassign_without_type_or_reassign_rights_names_both(world, basic_client):
    member = world.member(rights={"reassign_connection": N}, type_rights={1: V, 2: A})
    response = basic_client(member.user.username).post(
        f"{BASE}/connections",
        json.dumps(body_for("reassign", world)),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert sorted(response.json()["errors"]) == ["ConnectionTypeId", "ReassignConnection"]


REVIEW_ROLES = ["anonymous", "outsider", "member", "full_caller", "administrator"]

# (endpoint, method, status per role in REVIEW_ROLES order)
REVIEW_MATRIX = [
    ("list", "get", [401, 404, 200, 200, 200]),  # others read only their own
    ("detail", "get", [401, 404, 404, 404, 200]),  # another's change request is not found
    ("apply", "post", [401, 404, 403, 403, 200]),
    ("reject", "post", [401, 404, 403, 403, 200]),
    ("apply_all", "post", [401, 404, 403, 403, 200]),
    ("detail", "delete", [401, 404, 403, 403, 405]),
    ("list", "post", [401, 404, 403, 403, 405]),
]


@pytest.mark.parametrize("role_index", range(len(REVIEW_ROLES)), ids=REVIEW_ROLES)
@pytest.mark.parametrize(
    ("endpoint", "method", "statuses"),
    REVIEW_MATRIX,
    ids=[f"{method} {endpoint}" for endpoint, method, _ in REVIEW_MATRIX],
)
def test_review_matrix(world, api_client, basic_client, role_index, endpoint, method, statuses):
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)
    members = {
        "outsider": SiteMembershipFactory(site=world.other_site),
        "member": SiteMembershipFactory(site=world.site, security_role=SecurityRole.MEMBER),
        "full_caller": world.caller,
        "administrator": world.admin,
    }
    role = REVIEW_ROLES[role_index]
    client = api_client if role == "anonymous" else basic_client(members[role].user.username)
    url = {
        "list": f"{BASE}/changerequests",
        "detail": f"{BASE}/changerequests/{change_request.number}",
        "apply": f"{BASE}/changerequests/{change_request.number}/apply",
        "reject": f"{BASE}/changerequests/{change_request.number}/reject",
        "apply_all": f"{BASE}/changerequests/apply",
    }[endpoint]

    response = getattr(client, method)(url)

    assert response.status_code == statuses[role_index], response.content
