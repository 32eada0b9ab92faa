"""Hostile and odd client input on every outreach endpoint: a clear 4xx naming what the client
sent, never a 500, never a change request stored from a bad body."""

import json
from datetime import date

import pytest

from outreach.choices import Right, SecurityRole
from outreach.models import ChangeRequest
from tests.factories import (
    ChangeRequestFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    SiteFactory,
    SiteMembershipFactory,
)
from tests.seeds import OUTREACH_SEED_BODY

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"
LARGEST_ID = 2**31 - 1


def post_text(client, text: str, path: str = "connections", content_type="application/json"):
    return client.post(f"{BASE}/{path}", text, content_type=content_type)


def seed_with(**fields) -> str:
    return json.dumps({**OUTREACH_SEED_BODY, **fields})


# --- the POST body ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[1, 2]", "[]", '"seed"', "5", "3.5", "true", "null"])
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_an_object_is_400(world, caller, text, content_type):
    response = post_text(caller, text, content_type=content_type)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("ConnectionId", {"Id": 1}),
        ("ConnectionId", [1]),
        ("ConnectionId", 2**64 + 1),
        ("ConnectionId", 1.0),
        ("ConnectionTypeId", 2**70),
        ("ConnectionTypeId", 1.5),
        ("ContactIndvId", LARGEST_ID + 1),
        ("NewTeamId", {"TeamId": 1}),
        ("Complete", {"value": False}),
        ("ConnectionDate", {"date": "06/05/2015"}),
        ("ConnectionDate", 6052015),
        ("ConnectionDate", "06/05/2015\n"),
        ("ConnectionDate", " 06/05/2015"),
        ("ConnectionDate", "\u0660\u0666/\u0660\u0665/\u0662\u0660\u0661\u0665"),
        ("Comment", {"text": "Test"}),
        ("Comment", "a\x00b"),
        ("Comment", "\ud800"),
        ("OpenCategoryId", None),
    ],
)
def test_wrong_json_types_and_shapes_are_400_naming_the_field(world, caller, field, value):
    response = post_text(caller, seed_with(**{field: value}))

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("value", [[2**64], [{"RespID": 11}], [[11]], {"11": True}, "11"])
def test_bad_response_id_lists_are_400_naming_the_list(world, caller, value):
    response = post_text(caller, seed_with(ResponseIdList=value))

    assert response.status_code == 400, response.content
    assert all(name.startswith("ResponseIdList") for name in response.json()["errors"])


def test_non_finite_numbers_are_a_parse_error(world, caller):
    for text in ['{"ConnectionId": NaN}', '{"ConnectionId": Infinity}']:
        response = post_text(caller, text)
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
    assert post_text(caller, '{"ConnectionId": 1e400}').json()["errors"] == {
        "ConnectionId": ["Must be a JSON integer (not a string or a boolean)."]
    }


def test_an_empty_form_labelled_body_is_400_naming_what_an_add_needs(world, caller):
    """No ConnectionId means an add (the vendor's app leaves it out): an empty body names
    every field an add cannot do without, and the missing caller and team."""
    response = post_text(caller, "", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == [
        "Comment",
        "Complete",
        "ConnectionDate",
        "ConnectionTypeId",
        "ContactIndvId",
        "FamilyConnection",
        "Reassign",
        "ResponseIdList",
    ]


def test_the_gate_comes_before_a_hostile_body(world, basic_client):
    """403 naming the missing right, whatever the body (the contract's order of checks)."""
    lacking = world.member(rights={"create_change_request": Right.NONE})
    response = post_text(basic_client(lacking.user.username), "[[[")

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["CreateChangeRequest"]


def test_membership_comes_before_a_hostile_body(world, basic_client):
    stranger = SiteMembershipFactory(site=world.other_site)
    response = post_text(basic_client(stranger.user.username), "[[[")

    assert response.status_code == 404


def test_reject_message_of_the_wrong_type_is_400(world, admin):
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)
    for text in ['{"Message": {"text": "no"}}', '{"Message": 5}', '["no"]']:
        response = post_text(admin, text, path=f"changerequests/{change_request.number}/reject")
        assert response.status_code == 400, response.content
    change_request.refresh_from_db()
    assert change_request.status == "PENDING"


# --- dates the API shows ---------------------------------------------------------------------


def test_a_date_before_year_1000_keeps_four_year_digits(world, caller):
    """MM/DD/YYYY in and out: a year the client sent as 0999 comes back as 0999."""
    response = post_text(caller, seed_with(ConnectionDate="06/05/0999"))
    assert response.status_code == 200, response.content
    OutreachConnectionFactory(
        site=world.site,
        number=9,
        connection_type=world.connection_type,
        due_date=date(999, 6, 5),
    )

    assert caller.get(f"{BASE}/connections/9").json()["DueDate"] == "06/05/0999"


# --- query parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "wright\x00"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"pageIndex": "9" * 2000}, "pageIndex"),
        ({"pageSize": "-5"}, "pageSize"),
    ],
)
def test_bad_search_parameters_are_400_naming_them(world, caller, params, field):
    response = caller.get(f"{BASE}/individuals", params)

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"completed": "maybe"}, "completed"),
        ({"dueDateFrom": "2015-06-01"}, "dueDateFrom"),
        ({"dueDateTo": "02/30/2015"}, "dueDateTo"),
    ],
)
def test_bad_assignment_filters_are_400_naming_them(world, caller, params, field):
    response = caller.get(f"{BASE}/connections/assignments/1", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "DONE"}, "status"),
        ({"kind": "\x00"}, "kind"),
        ({"submitter": "x\x00"}, "submitter"),
        ({"limit": "-1"}, "limit"),
        ({"start": "first"}, "start"),
    ],
)
def test_bad_change_request_list_parameters_are_400_naming_them(world, admin, params, field):
    response = admin.get(f"{BASE}/changerequests", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


# --- ids and site numbers in the path --------------------------------------------------------


def test_the_largest_ids_are_reachable(basic_client):
    """Site numbers and ids are PositiveIntegerFields: 10-digit values up to 2147483647 are
    routed like any other."""
    site = SiteFactory(number=LARGEST_ID)
    member = SiteMembershipFactory(
        site=site, security_role=SecurityRole.ADMINISTRATOR, individual=None
    )
    IndividualFactory(site=site, number=LARGEST_ID, first_name="Max")
    client = basic_client(member.user.username)
    base = f"/api_accessacs_mobile/v2/{LARGEST_ID}"

    assert client.get(f"{base}/account").status_code == 200
    response = client.get(f"{base}/individuals/{LARGEST_ID}")
    assert response.status_code == 200, response.content
    assert response.json()["FirstName"] == "Max"


@pytest.mark.parametrize(
    "site_number",
    ["0", "-1", "2147483648", "9999999999", "99999999999999999999", "12345.0", "abc"],
)
def test_impossible_site_numbers_are_404(world, caller, site_number):
    response = caller.get(f"/api_accessacs_mobile/v2/{site_number}/account")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "individuals/0",
        "individuals/-1",
        "individuals/2147483648",
        "individuals/9999999999",
        "individuals/99999999999999999999",
        "connections/9999999999",
        "types/responses/9999999999",
        "connections/assignments/9999999999",
        "changerequests/9999999999",
    ],
)
def test_impossible_ids_are_404(world, admin, path):
    response = admin.get(f"{BASE}/{path}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
