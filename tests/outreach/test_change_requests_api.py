"""POST <site>/connections (seed 004): the body, the content-type quirk, the order of checks."""

import json

import pytest

from outreach.choices import ChangeRequestKind, ChangeRequestStatus, Right, SecurityRole
from outreach.models import ChangeRequest
from tests.factories import (
    ChangeRequestFactory,
    OutreachConnectionFactory,
    SiteMembershipFactory,
    UserFactory,
)
from tests.seeds import OUTREACH_SEED_BODY, OUTREACH_SEED_BODY_TEXT

pytestmark = pytest.mark.django_db

URL = "/api_accessacs_mobile/v2/12345/connections"


def post(client, body, url=URL, **extra):
    text = body if isinstance(body, str) else json.dumps(body)
    extra.setdefault("content_type", "application/json")
    return client.post(url, text, **extra)


def changed(**fields) -> dict:
    return {**OUTREACH_SEED_BODY, **fields}


def without(*names) -> dict:
    return {key: value for key, value in OUTREACH_SEED_BODY.items() if key not in names}


def modify_body(connection_number: int, **fields) -> dict:
    body = {
        "ConnectionId": connection_number,
        "Complete": False,
        "ConnectionDate": "07/01/2015",
        "Reassign": False,
        "Comment": "Called, no answer",
        "ResponseIdList": [-1],
    }
    return {**body, **fields}


# --- the seed, as the mobile app sends it -------------------------------------------------


def test_seed_body_as_json_returns_the_new_change_request_id(world, basic_client):
    response = post(basic_client(world.caller.user.username), OUTREACH_SEED_BODY_TEXT)

    assert response.status_code == 200, response.content
    assert response.content == b"1"
    change_request = ChangeRequest.objects.get(site=world.site, number=1)
    assert change_request.kind == ChangeRequestKind.ADD
    assert change_request.status == ChangeRequestStatus.PENDING
    assert change_request.submitted_by == world.caller.user
    assert change_request.connection is None
    assert change_request.base_version is None
    assert change_request.payload == {
        "connection_type_id": 1,
        "contact_indv_id": 76,
        "family_connection": False,
        "complete": False,
        "connection_date": "2015-06-05",
        "new_caller_indv_id": None,
        "new_team_id": 1,
        "open_category_id": 1,
        "comment": "Test",
        "response_ids": [],
    }


@pytest.mark.parametrize(
    "url",
    [
        URL,
        URL + "/",
        "/api_accesssacs_mobile/v2/12345/connections",
        "/api_accesssacs_mobile/v2/12345/connections/",
    ],
)
def test_seed_body_labelled_as_form_with_application_id(world, basic_client, url):
    response = post(
        basic_client(world.caller.user.username),
        OUTREACH_SEED_BODY_TEXT,
        url=url,
        content_type="application/x-www-form-urlencoded",
        HTTP_APPLICATIONID="com.accesssacs.mobile",
    )

    assert response.status_code == 200, response.content
    assert isinstance(response.json(), int)


def test_numbers_are_issued_per_site(world, basic_client):
    ChangeRequestFactory.create_batch(3, site=world.other_site, connection=world.other_connection)
    client = basic_client(world.caller.user.username)

    first, second = (
        post(client, {**OUTREACH_SEED_BODY, "Comment": f"Test {n}"}).json() for n in range(2)
    )

    assert (first, second) == (1, 2)
    assert ChangeRequest.objects.get(site=world.site, number=2).kind == ChangeRequestKind.ADD


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "ConnectionId=-1&Complete=false"),
        ("application/x-www-form-urlencoded", "ConnectionId=-1&Complete=false"),
        ("application/x-www-form-urlencoded", '{"ConnectionId": -1,'),
    ],
)
def test_a_body_that_is_not_json_is_400(world, basic_client, content_type, body):
    response = post(basic_client(world.caller.user.username), body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_other_content_types_are_415(world, basic_client):
    response = post(
        basic_client(world.caller.user.username), OUTREACH_SEED_BODY_TEXT, content_type="text/plain"
    )
    assert response.status_code == 415


def test_a_body_over_the_limit_is_413(world, basic_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    body = changed(Comment="x" * 300)
    response = post(
        basic_client(world.caller.user.username),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_no_credentials_is_401_asking_for_basic(world, api_client):
    response = post(api_client, OUTREACH_SEED_BODY)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (changed(ConnectionTypeId="1"), ["ConnectionTypeId"]),
        (changed(ContactIndvId=76.0), ["ContactIndvId"]),
        (changed(NewTeamId=True), ["NewTeamId"]),
        (changed(Complete="false"), ["Complete"]),
        (changed(FamilyConnection=0), ["FamilyConnection"]),
        (changed(Comment=5), ["Comment"]),
        (changed(ResponseIdList="-1"), ["ResponseIdList"]),
        (changed(ResponseIdList=["3"]), ["ResponseIdList.0"]),
        (changed(ConnectionDate="2015-06-05"), ["ConnectionDate"]),
        (changed(ConnectionDate="02/30/2015"), ["ConnectionDate"]),
        (changed(ConnectionDate="6/5/2015"), ["ConnectionDate"]),
        (changed(ConnectionDate=20150605), ["ConnectionDate"]),
        (changed(ConnectionId=0), ["ConnectionId"]),
        (changed(ConnectionId=-2), ["ConnectionId"]),
        (changed(ConnectionTypeId=2**40), ["ConnectionTypeId"]),
        (changed(OpenCategoryId="1"), ["OpenCategoryId"]),
        (changed(NewCallerIndvId=-1, NewTeamId=-1), ["NewCallerIndvId", "NewTeamId"]),
        (changed(NewCallerIndvId=76, NewTeamId=1), ["NewCallerIndvId", "NewTeamId"]),
        (changed(ResponseIdList=[-1, 3]), ["ResponseIdList"]),
        (changed(ResponseIdList=[0]), ["ResponseIdList"]),
        (
            without("ConnectionTypeId", "ContactIndvId", "Comment"),
            ["ConnectionTypeId", "ContactIndvId", "Comment"],
        ),
        (without("NewTeamId"), ["NewCallerIndvId", "NewTeamId"]),
        (changed(NewCallerIndvId=0, NewTeamId=-1), ["NewCallerIndvId"]),
        (changed(OpenCategoryId=2.5), ["OpenCategoryId"]),
        (changed(OpenCategoryId=None), ["OpenCategoryId"]),
        (changed(Comment=None), ["Comment"]),
        (changed(ResponseIdList=None), ["ResponseIdList"]),
        (without("FamilyConnection", "ResponseIdList"), ["FamilyConnection", "ResponseIdList"]),
        ([OUTREACH_SEED_BODY], ["non_field_errors"]),
        ("null", ["non_field_errors"]),
    ],
)
def test_invalid_bodies_are_400_naming_each_field(world, basic_client, body, fields):
    response = post(basic_client(world.caller.user.username), body)

    assert response.status_code == 400, response.content
    assert sorted(response.json()["errors"]) == sorted(fields)
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"Reassign": True}, ["NewCallerIndvId", "NewTeamId"]),
        ({"Reassign": False}, []),
    ],
)
def test_required_fields_depend_on_the_kind(world, basic_client, fields, missing):
    body = modify_body(world.connection.number, **fields)
    response = post(basic_client(world.caller.user.username), body)
    if missing:
        assert response.status_code == 400
        assert sorted(response.json()["errors"]) == missing
    else:
        assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "missing", ["Complete", "ConnectionDate", "Reassign", "Comment", "ResponseIdList"]
)
def test_complete_or_modify_needs_each_of_its_fields(world, basic_client, missing):
    body = modify_body(world.connection.number)
    del body[missing]
    response = post(basic_client(world.caller.user.username), body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [missing]


def test_a_reassign_cannot_also_complete(world, basic_client):
    body = modify_body(
        world.connection.number, Reassign=True, Complete=True, NewCallerIndvId=76, NewTeamId=-1
    )
    response = post(basic_client(world.caller.user.username), body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Complete"]


def test_unknown_keys_are_ignored_and_open_category_defaults_to_1(world, basic_client):
    body = without("OpenCategoryId")
    body["SomethingNew"] = {"nested": True}
    response = post(basic_client(world.caller.user.username), body)

    assert response.status_code == 200, response.content
    payload = ChangeRequest.objects.get().payload
    assert payload["open_category_id"] == 1
    assert "SomethingNew" not in payload


@pytest.mark.parametrize(
    ("fields", "kind", "payload"),
    [
        (
            {"Complete": True, "ConnectionDate": "06/07/2015", "ResponseIdList": [11, 12, 11]},
            ChangeRequestKind.COMPLETE,
            {
                "connection_date": "2015-06-07",
                "comment": "Called, no answer",
                "response_ids": [11, 12],
            },
        ),
        (
            {},
            ChangeRequestKind.MODIFY,
            {"connection_date": "2015-07-01", "comment": "Called, no answer", "response_ids": []},
        ),
        (
            {"Reassign": True, "NewCallerIndvId": 77, "NewTeamId": -1},
            ChangeRequestKind.REASSIGN,
            {
                "connection_date": "2015-07-01",
                "comment": "Called, no answer",
                "response_ids": [],
                "new_caller_indv_id": 77,
                "new_team_id": None,
            },
        ),
    ],
)
def test_kinds_of_change_store_the_connection_and_its_version(
    world, basic_client, fields, kind, payload
):
    world.connection.version = 4
    world.connection.save()
    body = modify_body(world.connection.number, **fields)
    response = post(basic_client(world.caller.user.username), body)

    assert response.status_code == 200, response.content
    change_request = ChangeRequest.objects.get(number=response.json())
    assert change_request.kind == kind
    assert change_request.connection == world.connection
    assert change_request.base_version == 4
    assert change_request.payload == payload


# --- the order of checks ----------------------------------------------------------------


def test_no_membership_at_the_site_is_404_before_anything_else(world, basic_client):
    outsider = SiteMembershipFactory(site=world.other_site).user
    response = post(basic_client(outsider.username), "not json")
    assert response.status_code == 404


def test_unknown_site_is_404(world, basic_client):
    response = post(
        basic_client(world.caller.user.username),
        OUTREACH_SEED_BODY,
        url="/api_accessacs_mobile/v2/99999/connections",
    )
    assert response.status_code == 404


def test_gate_is_checked_before_the_body(world, basic_client):
    member = SiteMembershipFactory(site=world.site, security_role=SecurityRole.MEMBER)
    response = post(basic_client(member.user.username), "not json")

    assert response.status_code == 403
    assert sorted(response.json()["errors"]) == [
        "ConnectionType",
        "CreateChangeRequest",
        "LocatePerson or MemberSearch",
        "ViewAddComments",
    ]


def test_body_is_checked_before_the_connection(world, basic_client):
    body = modify_body(999, ConnectionDate="2015-07-01")
    response = post(basic_client(world.caller.user.username), body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ConnectionDate"]


@pytest.mark.parametrize("number_of", ["missing", "other_site"])
def test_connection_not_in_the_site_is_404(world, basic_client, number_of):
    number = 999 if number_of == "missing" else world.other_connection.number
    if number_of == "other_site":
        assert not world.site.connections.filter(number=number).exists()
    response = post(basic_client(world.caller.user.username), modify_body(number))
    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["ConnectionId"]


def test_connection_is_checked_before_type_rights(world, basic_client):
    world.set_type_right(world.caller, world.connection_type, Right.VIEW)
    world.set_type_right(world.caller, world.other_type, Right.GRANTED)  # the gate still passes
    response = post(basic_client(world.caller.user.username), modify_body(999))
    assert response.status_code == 404


def test_assigned_contacts_only_cannot_change_others_connections(world, basic_client):
    world.caller.assigned_contacts_only = Right.GRANTED
    world.caller.save()
    response = post(basic_client(world.caller.user.username), modify_body(world.connection.number))
    assert response.status_code == 404

    mine = OutreachConnectionFactory(
        site=world.site, connection_type=world.connection_type, caller=world.caller.individual
    )
    response = post(basic_client(world.caller.user.username), modify_body(mine.number))
    assert response.status_code == 200, response.content


def test_type_rights_are_checked_before_the_other_ids(world, basic_client):
    world.set_type_right(world.caller, world.connection_type, Right.VIEW)
    world.set_type_right(world.caller, world.other_type, Right.GRANTED)
    body = changed(ContactIndvId=4242, NewTeamId=4242)
    response = post(basic_client(world.caller.user.username), body)
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["ConnectionTypeId"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"ContactIndvId": 4242}, ["ContactIndvId"]),
        ({"NewTeamId": 4242}, ["NewTeamId"]),
        ({"NewTeamId": -1, "NewCallerIndvId": 4242}, ["NewCallerIndvId"]),
        ({"ResponseIdList": [11, 4242]}, ["ResponseIdList"]),
        ({"ResponseIdList": [21]}, ["ResponseIdList"]),
        ({"ConnectionTypeId": 4242}, ["ConnectionTypeId"]),
        ({"ContactIndvId": 4242, "NewTeamId": 4242}, ["ContactIndvId", "NewTeamId"]),
    ],
)
def test_ids_not_in_the_site_are_400(world, basic_client, fields, errors):
    response = post(basic_client(world.caller.user.username), changed(**fields))
    assert response.status_code == 400, response.content
    assert sorted(response.json()["errors"]) == errors


def test_ids_of_another_site_are_not_found(world, basic_client):
    """Site 54321 also has an individual 88 and a team 2; site 12345 has neither."""
    body = changed(ContactIndvId=88, NewTeamId=2)
    response = post(basic_client(world.caller.user.username), body)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["ContactIndvId", "NewTeamId"]


def test_an_inactive_type_cannot_get_new_connections(world, basic_client):
    world.connection_type.active = False
    world.connection_type.save()
    response = post(basic_client(world.caller.user.username), OUTREACH_SEED_BODY)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ConnectionTypeId"]


def test_an_administrator_needs_no_listed_rights(world, basic_client):
    response = post(basic_client(world.admin.user.username), OUTREACH_SEED_BODY)
    assert response.status_code == 200


def test_another_users_membership_elsewhere_does_not_help(world, basic_client):
    user = UserFactory()
    SiteMembershipFactory(
        user=user, site=world.other_site, security_role=SecurityRole.ADMINISTRATOR
    )
    response = post(basic_client(user.username), OUTREACH_SEED_BODY)
    assert response.status_code == 404
