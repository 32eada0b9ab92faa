"""The change-request POST as the vendor's Android app sends it, byte for byte.

From the app's source (github mwangepatrick/ChurchLife-Android, read, never copied):
- AssignmentActivity.saveConnection fills a CoreConnectionChangeRequest: an add leaves
  ConnectionId 0, an edit copies ConnectionTypeId, FamilyConnection and ContactIndvId from the
  connection and sends today's date; a reassign sets Reassign true and Complete false; the
  caller or team it does not use stays 0; OpenCategoryId is never set (0); the comment may be
  empty (allowed since 2013-05-22);
- CoreConnectionChangeRequest.toJsonObject leaves out ConnectionId, NewCallerIndvId and
  NewTeamId when they are 0, formats the date MM/dd/yyyy; Android's org.json writes keys in
  insertion order, without spaces, and escapes every '/' as '\\/';
- Api.connectionAdd posts it with `Authorization: Basic` (RESTClient.getB64Auth: Base64
  URL_SAFE | NO_WRAP), the ApplicationId header and `Content-Type:
  application/x-www-form-urlencoded`; RESTClient wraps the body in `new StringEntity(text)`:
  ISO-8859-1 bytes ("Café" is the single byte 0xE9), the explicit header without a charset;
- the app only checks for 200 (the body is the new ConnectionCRId).
"""

import base64
import re
from datetime import date

import pytest
from rest_framework.test import APIClient

from outreach.choices import ChangeRequestKind, ChangeRequestStatus
from outreach.models import ChangeRequest, Connection
from tests.factories import IndividualFactory, TeamFactory

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"
APP_ID = "F52BAAA0-B2A8-BC00-106E-0047259F0CDD"  # the app's config.APPLICATION_ID_VALUE
PASSWORD = "pass??>>~~"  # its URL-safe Base64 differs from the standard one
TODAY = "12\\/01\\/2026"  # an edit sends the day it is saved (new Date())

APP_BODIES: dict[str, bytes] = {
    "add to me": (
        b'{"Complete":false,"ConnectionDate":"06\\/20\\/2015","ConnectionTypeId":1,'
        b'"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,"Reassign":false,'
        b'"NewCallerIndvId":77,"Comment":"First visit planned","ResponseIdList":[]}'
    ),
    "add to a team": (
        b'{"Complete":false,"ConnectionDate":"06\\/20\\/2015","ConnectionTypeId":1,'
        b'"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,"Reassign":false,'
        b'"NewTeamId":1,"Comment":"Team please follow up","ResponseIdList":[]}'
    ),
    "add to another person, two responses, family": (
        b'{"Complete":false,"ConnectionDate":"06\\/21\\/2015","ConnectionTypeId":1,'
        b'"FamilyConnection":true,"ContactIndvId":76,"OpenCategoryId":0,"Reassign":false,'
        b'"NewCallerIndvId":78,"Comment":"Call the family","ResponseIdList":[11,12]}'
    ),
    "add already completed": (
        b'{"Complete":true,"ConnectionDate":"' + TODAY.encode() + b'","ConnectionTypeId":1,'
        b'"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,"Reassign":false,'
        b'"NewCallerIndvId":77,"Comment":"Met after service","ResponseIdList":[]}'
    ),
    "complete": (
        b'{"ConnectionId":1,"Complete":true,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":false,"Comment":"Visited, all good","ResponseIdList":[]}'
    ),
    "complete with a response": (
        b'{"ConnectionId":1,"Complete":true,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":false,"Comment":"Visited","ResponseIdList":[12]}'
    ),
    "modify": (
        b'{"ConnectionId":1,"Complete":false,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":false,"Comment":"Left a message","ResponseIdList":[]}'
    ),
    "reassign to a person": (
        b'{"ConnectionId":1,"Complete":false,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":true,"NewCallerIndvId":78,"Comment":"Please take this one",'
        b'"ResponseIdList":[]}'
    ),
    "reassign to a team, empty comment": (
        b'{"ConnectionId":1,"Complete":false,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":true,"NewTeamId":2,"Comment":"","ResponseIdList":[]}'
    ),
    "complete, empty comment": (
        b'{"ConnectionId":1,"Complete":true,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":false,"Comment":"","ResponseIdList":[]}'
    ),
    "complete, non-ASCII comment (ISO-8859-1 bytes)": (
        b'{"ConnectionId":1,"Complete":true,"ConnectionDate":"' + TODAY.encode() + b'",'
        b'"ConnectionTypeId":1,"FamilyConnection":false,"ContactIndvId":76,"OpenCategoryId":0,'
        b'"Reassign":false,"Comment":"Caf\xe9 visit 6\\/5","ResponseIdList":[]}'
    ),
}

KINDS = {
    "add to me": ChangeRequestKind.ADD,
    "add to a team": ChangeRequestKind.ADD,
    "add to another person, two responses, family": ChangeRequestKind.ADD,
    "add already completed": ChangeRequestKind.ADD,
    "complete": ChangeRequestKind.COMPLETE,
    "complete with a response": ChangeRequestKind.COMPLETE,
    "modify": ChangeRequestKind.MODIFY,
    "reassign to a person": ChangeRequestKind.REASSIGN,
    "reassign to a team, empty comment": ChangeRequestKind.REASSIGN,
    "complete, empty comment": ChangeRequestKind.COMPLETE,
    "complete, non-ASCII comment (ISO-8859-1 bytes)": ChangeRequestKind.COMPLETE,
}


def url_safe_basic(username: str, password: str) -> str:
    """RESTClient.getB64Auth: Android's Base64.URL_SAFE | NO_WRAP (padding kept)."""
    return "Basic " + base64.urlsafe_b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def app(world) -> APIClient:
    """The app signed in as `world.caller` (individual 77 in the directory), with the app's
    own headers on every call."""
    user = world.caller.user
    user.set_password(PASSWORD)
    user.save()
    world.caller.individual = world.site.individuals.get(number=77)
    world.caller.save()
    IndividualFactory(site=world.site, number=78, first_name="Ruth")
    TeamFactory(site=world.site, number=2, name="Visitors")
    header = url_safe_basic(user.username, PASSWORD)
    assert header != "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header, HTTP_APPLICATIONID=APP_ID)
    return client


def app_post(client: APIClient, body: bytes, content_type="application/x-www-form-urlencoded"):
    return client.generic("POST", f"{BASE}/connections", body, content_type=content_type)


def submitted(client: APIClient, body: bytes) -> ChangeRequest:
    response = app_post(client, body)
    assert response.status_code == 200, response.content
    assert re.fullmatch(rb"[1-9][0-9]*", response.content), response.content
    return ChangeRequest.objects.get(number=int(response.content))


def applied(admin_client: APIClient, change_request: ChangeRequest) -> Connection:
    response = admin_client.post(f"{BASE}/changerequests/{change_request.number}/apply")
    assert response.status_code == 200, response.content
    assert response.json()["Status"] == ChangeRequestStatus.APPLIED
    return Connection.objects.get(site=change_request.site, number=response.json()["ConnectionId"])


def comments(connection: Connection) -> list[str]:
    return [comment.text for comment in connection.comments.order_by("created", "id")]


@pytest.mark.parametrize("name", list(APP_BODIES))
def test_every_body_the_app_builds_is_accepted_as_the_kind_it_means(world, app, name):
    change_request = submitted(app, APP_BODIES[name])

    assert change_request.kind == KINDS[name]
    assert change_request.status == ChangeRequestStatus.PENDING
    assert change_request.submitted_by == world.caller.user
    if KINDS[name] == ChangeRequestKind.ADD:
        assert (change_request.connection, change_request.base_version) == (None, None)
    else:
        assert change_request.connection == world.connection
        assert change_request.base_version == world.connection.version


def test_add_to_me_creates_the_connection_assigned_to_the_callers_individual(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["add to me"]))

    assert connection.number == 2  # connection 1 is the world's
    assert (connection.connection_type, connection.contact.number) == (world.connection_type, 76)
    assert (connection.caller.number, connection.team) == (77, None)
    assert connection.due_date == date(2015, 6, 20)
    assert (connection.completed, connection.completed_date) == (False, None)
    assert connection.open_category == 1  # the app's 0 is stored as the default
    assert not connection.family_connection
    assert list(connection.responses.all()) == []
    assert comments(connection) == ["First visit planned"]


def test_add_to_a_team(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["add to a team"]))
    assert (connection.caller, connection.team) == (None, world.team)


def test_add_to_another_person_with_responses_for_the_family(world, app, admin):
    body = APP_BODIES["add to another person, two responses, family"]
    connection = applied(admin, submitted(app, body))

    assert (connection.caller.number, connection.team) == (78, None)
    assert connection.family_connection
    assert connection.due_date == date(2015, 6, 21)
    assert sorted(r.number for r in connection.responses.all()) == [11, 12]


def test_add_already_completed(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["add already completed"]))
    assert connection.completed
    assert connection.completed_date == connection.due_date == date(2026, 12, 1)


def test_complete_closes_the_connection_and_appends_the_comment(world, app, admin):
    world.connection.responses.set([world.responses[0]])
    connection = applied(admin, submitted(app, APP_BODIES["complete"]))

    assert connection == world.connection
    assert (connection.completed, connection.completed_date) == (True, date(2026, 12, 1))
    assert connection.due_date == date(2015, 6, 1)
    assert list(connection.responses.all()) == []  # [] replaces the responses with none
    assert comments(connection) == ["Visited, all good"]
    assert connection.version == 2


def test_complete_with_a_response_replaces_the_responses(world, app, admin):
    world.connection.responses.set([world.responses[0]])
    connection = applied(admin, submitted(app, APP_BODIES["complete with a response"]))

    assert [r.number for r in connection.responses.all()] == [12]
    assert connection.history.get().changes["ResponseIdList"] == [[11], [12]]


def test_modify_moves_the_due_date_and_leaves_it_open(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["modify"]))
    assert connection.due_date == date(2026, 12, 1)
    assert not connection.completed
    assert comments(connection) == ["Left a message"]


def test_reassign_to_a_person(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["reassign to a person"]))
    assert (connection.caller.number, connection.team) == (78, None)
    assert not connection.completed
    assert comments(connection) == ["Please take this one"]


def test_reassign_to_a_team_with_an_empty_comment_adds_no_comment(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["reassign to a team, empty comment"]))
    assert (connection.caller, connection.team.number) == (None, 2)
    assert comments(connection) == []
    assert connection.history.get().changes["TeamId"] == [1, 2]


def test_complete_with_an_empty_comment_adds_no_comment(world, app, admin):
    connection = applied(admin, submitted(app, APP_BODIES["complete, empty comment"]))
    assert connection.completed
    assert comments(connection) == []


def test_an_iso_8859_1_comment_is_stored_as_cafe(world, app, admin):
    change_request = submitted(app, APP_BODIES["complete, non-ASCII comment (ISO-8859-1 bytes)"])
    assert change_request.payload["comment"] == "Café visit 6/5"

    detail = admin.get(f"{BASE}/changerequests/{change_request.number}")
    assert detail.json()["Request"]["Comment"] == "Café visit 6/5"
    assert comments(applied(admin, change_request)) == ["Café visit 6/5"]


@pytest.mark.parametrize(
    ("content_type", "body", "comment"),
    [
        ("application/x-www-form-urlencoded", "Café".encode(), "Café"),  # valid UTF-8
        ("application/json", "Café".encode(), "Café"),
        ("application/json", "Café".encode("latin-1"), "Café"),
        ("application/x-www-form-urlencoded; charset=ISO-8859-1", "Café".encode("latin-1"), "Café"),
        ("application/json; charset=utf-8", "Café".encode(), "Café"),
        ("application/json; charset=windows-1252", "Caf\u20ac".encode("cp1252"), "Caf\u20ac"),
        ("application/json; charset=no-such-charset", "Café".encode(), "Café"),
    ],
)
def test_the_body_is_read_in_its_charset_else_utf8_else_iso_8859_1(
    world, app, content_type, body, comment
):
    text = APP_BODIES["complete"].replace(b"Visited, all good", body)
    response = app_post(app, text, content_type=content_type)

    assert response.status_code == 200, response.content
    assert ChangeRequest.objects.get(number=response.json()).payload["comment"] == comment


def test_a_body_not_in_the_charset_it_names_is_400(world, app):
    text = APP_BODIES["complete"].replace(b"Visited, all good", "Café".encode("latin-1"))
    response = app_post(app, text, content_type="application/json; charset=utf-8")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (
            (b'"NewCallerIndvId":77', b'"NewCallerIndvId":77,"NewTeamId":1'),
            ["NewCallerIndvId", "NewTeamId"],
        ),
        ((b'"NewCallerIndvId":77,', b""), ["NewCallerIndvId", "NewTeamId"]),
        ((b'"06\\/20\\/2015"', b'"02\\/30\\/2015"'), ["ConnectionDate"]),
        ((b'"06\\/20\\/2015"', b'"2015-06-20"'), ["ConnectionDate"]),
        ((b'"OpenCategoryId":0', b'"OpenCategoryId":"0"'), ["OpenCategoryId"]),
        ((b'"Complete":false', b'"Complete":0'), ["Complete"]),
        ((b'"ResponseIdList":[]', b'"ResponseIdList":[-1,11]'), ["ResponseIdList"]),
        ((b'"ResponseIdList":[]', b'"ResponseIdList":"[11]"'), ["ResponseIdList"]),
        ((b'"ContactIndvId":76', b'"ContactIndvId":"76"'), ["ContactIndvId"]),
    ],
)
def test_what_is_really_wrong_in_an_app_body_is_still_400_naming_it(world, app, change, fields):
    old, new = change
    body = APP_BODIES["add to me"]
    assert old in body
    response = app_post(app, body.replace(old, new))

    assert response.status_code == 400, response.content
    assert sorted(response.json()["errors"]) == fields
    assert not ChangeRequest.objects.exists()


def test_a_reassign_that_also_completes_is_400(world, app):
    body = APP_BODIES["reassign to a person"].replace(b'"Complete":false', b'"Complete":true')
    response = app_post(app, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Complete"]


def test_the_review_flow_takes_every_kind_the_app_sends(world, app, admin):
    numbers = {name: submitted(app, body).number for name, body in APP_BODIES.items()}

    listed = admin.get(f"{BASE}/changerequests?limit=100").json()["ChangeRequests"]
    assert {row["ConnectionCRId"]: row["Kind"] for row in listed} == {
        numbers[name]: KINDS[name] for name in APP_BODIES
    }
    add = admin.get(f"{BASE}/changerequests/{numbers['add to me']}").json()["Request"]
    assert (add["ConnectionId"], add["NewTeamId"], add["OpenCategoryId"]) == (-1, -1, 1)
    assert (add["NewCallerIndvId"], add["ResponseIdList"]) == (77, [-1])
    reassign = admin.get(f"{BASE}/changerequests/{numbers['reassign to a person']}").json()
    assert reassign["Request"] == {
        "ConnectionId": 1,
        "Complete": False,
        "ConnectionDate": "12/01/2026",
        "Reassign": True,
        "NewCallerIndvId": 78,
        "NewTeamId": -1,
        "Comment": "Please take this one",
        "ResponseIdList": [-1],
    }

    result = admin.post(f"{BASE}/changerequests/apply").json()

    # the four adds and the first edit of connection 1 apply; the later edits were based on
    # the version that edit replaced, so they are stale and stay PENDING
    edits = [numbers[name] for name in APP_BODIES if KINDS[name] != ChangeRequestKind.ADD]
    adds = [numbers[name] for name in APP_BODIES if KINDS[name] == ChangeRequestKind.ADD]
    assert result["Applied"] == sorted([*adds, edits[0]])
    assert [failure["ConnectionCRId"] for failure in result["Failed"]] == edits[1:]
    assert Connection.objects.filter(site=world.site).count() == 1 + len(adds)

    stale = edits[-1]
    admin.post(f"{BASE}/changerequests/{stale}/reject", {"Message": "Stale"}, format="json")
    assert ChangeRequest.objects.get(number=stale).status == ChangeRequestStatus.REJECTED
