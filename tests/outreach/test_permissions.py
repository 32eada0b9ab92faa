"""The rights matrix: role x right x endpoint -> status, through HTTP, plus the named checks.

Only "A" grants a yes/no right; "V" on comments is read-only; Administrators pass every check.
"""

import pytest

from connect_api.errors import NotFound
from outreach import permissions
from outreach.choices import Right, SecurityRole
from tests.outreach.conftest import BASE, full_rights, make_member

pytestmark = pytest.mark.django_db

ROLES = list(SecurityRole.values)
NON_ADMIN_ROLES = [role for role in ROLES if role != SecurityRole.ADMINISTRATOR]
RIGHT_VALUES = list(Right.values)

OPEN_TO_EVERY_MEMBER = [
    "account",
    "types/connections",
    "connections/teams",
    "connections/1",
    "connections/assignments",
    "connections/assignments/1",
]
NEEDS_LOCATE_PEOPLE = ["individuals?q=wright", "individuals/76"]


def _expected_for_people(role, locate_person, member_search):
    granted = (
        role == SecurityRole.ADMINISTRATOR
        or locate_person == Right.GRANTED
        or member_search == Right.GRANTED
    )
    return 200 if granted else 403


@pytest.mark.parametrize("path", NEEDS_LOCATE_PEOPLE)
@pytest.mark.parametrize("member_search", RIGHT_VALUES)
@pytest.mark.parametrize("locate_person", RIGHT_VALUES)
@pytest.mark.parametrize("role", ROLES)
def test_individual_lookups_need_locate_person_or_member_search_a(
    lookup_site, basic_client, role, locate_person, member_search, path
):
    member = make_member(
        lookup_site, role=role, locate_person=locate_person, member_search=member_search
    )
    response = basic_client(member.user.username).get(f"{BASE}/{path}")
    assert response.status_code == _expected_for_people(role, locate_person, member_search)
    if response.status_code == 403:
        assert "LocatePerson" in response.json()["detail"]
        assert list(response.json()["errors"]) == ["LocatePerson or MemberSearch"]


@pytest.mark.parametrize("path", OPEN_TO_EVERY_MEMBER)
@pytest.mark.parametrize("role", ROLES)
def test_lookups_open_to_every_member_even_without_rights(lookup_site, basic_client, role, path):
    member = make_member(lookup_site, role=role, individual=lookup_site.caller_individual)
    assert basic_client(member.user.username).get(f"{BASE}/{path}").status_code == 200


@pytest.mark.parametrize("type_right", RIGHT_VALUES)
@pytest.mark.parametrize("role", ROLES)
def test_type_rights_decide_visibility_of_types_and_their_responses(
    lookup_site, basic_client, role, type_right
):
    member = make_member(lookup_site, role=role, type_rights={1: type_right})
    client = basic_client(member.user.username)
    visible = role == SecurityRole.ADMINISTRATOR or type_right != Right.NONE
    listed = {
        t["ConnectionTypeId"]: t["Permission"]
        for t in client.get(f"{BASE}/types/connections").json()
    }
    expected_permission = "A" if role == SecurityRole.ADMINISTRATOR else type_right
    assert listed.get(1) == (expected_permission if visible else None)
    assert client.get(f"{BASE}/types/responses/1").status_code == (200 if visible else 404)


@pytest.mark.parametrize("view_add_comments", RIGHT_VALUES)
@pytest.mark.parametrize("role", ROLES)
def test_comments_matrix(lookup_site, basic_client, role, view_add_comments):
    member = make_member(lookup_site, role=role, view_add_comments=view_add_comments)
    body = basic_client(member.user.username).get(f"{BASE}/connections/1").json()
    shown = role == SecurityRole.ADMINISTRATOR or view_add_comments != Right.NONE
    assert ("Comments" in body) is shown


@pytest.mark.parametrize("connection", ["mine", "team", "other"])
@pytest.mark.parametrize("assigned_only", RIGHT_VALUES)
@pytest.mark.parametrize("role", ROLES)
def test_assigned_contacts_only_matrix(lookup_site, basic_client, role, assigned_only, connection):
    """Only A restricts; Administrators are never restricted."""
    member = make_member(
        lookup_site,
        role=role,
        individual=lookup_site.caller_individual,
        assigned_contacts_only=assigned_only,
    )
    lookup_site.team.members.add(lookup_site.caller_individual)
    restricted = role != SecurityRole.ADMINISTRATOR and assigned_only == Right.GRANTED
    expected = 404 if restricted and connection == "other" else 200
    number = lookup_site.connections[connection].number
    response = basic_client(member.user.username).get(f"{BASE}/connections/{number}")
    assert response.status_code == expected


# --- the named checks --------------------------------------------------------------------------


@pytest.mark.parametrize("value, granted", [("A", True), ("V", False), ("N", False), ("", False)])
def test_only_a_grants(value, granted):
    assert permissions.grants(value) is granted


@pytest.mark.parametrize("role", ROLES)
def test_administrators_pass_every_check(lookup_site, role):
    membership = make_member(lookup_site, role=role)  # every right N
    is_admin = role == SecurityRole.ADMINISTRATOR
    assert permissions.can_locate_people(membership) is is_admin
    assert permissions.can_view_comments(membership) is is_admin
    assert permissions.can_add_comments(membership) is is_admin
    assert permissions.can_reassign_connections(membership) is is_admin
    assert permissions.type_right(membership, lookup_site.types[1]) == ("A" if is_admin else "N")
    assert (permissions.change_request_gate_missing(membership) == []) is is_admin
    assert permissions.sees_only_assigned_connections(membership) is False


def _gate_rights(**overrides):
    rights = {**full_rights(), **overrides}
    return rights


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize(
    "overrides, type_right, missing",
    [
        ({}, "A", []),
        ({"create_change_request": "V"}, "A", ["CreateChangeRequest"]),
        ({}, "V", ["ConnectionType"]),
        ({"locate_person": "N", "member_search": "V"}, "A", ["LocatePerson or MemberSearch"]),
        ({"locate_person": "N"}, "A", []),
        ({"member_search": "N"}, "A", []),
        ({"view_add_comments": "V"}, "A", ["ViewAddComments"]),
        (
            {"create_change_request": "N", "view_add_comments": "N"},
            "N",
            ["CreateChangeRequest", "ConnectionType", "ViewAddComments"],
        ),
    ],
)
def test_change_request_gate_names_what_is_missing(
    lookup_site, role, overrides, type_right, missing
):
    membership = make_member(
        lookup_site, role=role, type_rights={1: type_right}, **_gate_rights(**overrides)
    )
    membership = permissions.membership_for(membership.user, 12345)
    assert permissions.change_request_gate_missing(membership) == missing


def test_membership_for_unknown_site_or_other_user_is_not_found(lookup_site):
    membership = make_member(lookup_site)
    with pytest.raises(NotFound):
        permissions.membership_for(membership.user, 54321)
    with pytest.raises(NotFound):
        permissions.membership_for(membership.user, 1)
    assert permissions.membership_for(membership.user, "12345").pk == membership.pk


def test_type_right_accepts_a_type_or_its_primary_key(lookup_site):
    membership = make_member(lookup_site, type_rights={1: "V"})
    assert permissions.type_right(membership, lookup_site.types[1]) == "V"
    assert permissions.type_right(membership, lookup_site.types[1].pk) == "V"
    assert permissions.type_right(membership, lookup_site.types[2]) == "N"
