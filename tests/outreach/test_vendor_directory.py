"""The vendor's Android app's own read requests, byte for byte, against the demo site, and
every field its parsers read (com.acstech.churchlife.webservice.Core*.java).

The app sends `Authorization: Basic` in Android's URL-safe Base64 (`Base64.URL_SAFE |
NO_WRAP`), an `ApplicationId` header, no Accept header and no trailing slash; paged calls add
`pageIndex`. A key the parser reads with getInt/getString/getBoolean/getJSONArray must be there
with that JSON type (a null or a missing key fails the whole parse); opt* keys may be absent
but, when sent, must have the type the parser coerces them from.
"""

import base64
import json
import re
from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from outreach import demo, services
from outreach.models import CommentChangeRequest, GivingMerchant, Individual, IndividualComment
from tests.outreach.vendor_parsers import (
    ACCOUNT_MERCHANT,
    ADDRESS,
    ASSIGNMENT,
    ASSIGNMENT_SUMMARY,
    COMMENT,
    COMMENT_SUMMARY,
    COMMENT_TYPE,
    CONNECTION,
    EMAIL,
    INDIVIDUAL,
    INDIVIDUAL_DETAIL,
    PHONE,
    SITE_USER,
    parse,
    parse_page,
)

pytestmark = pytest.mark.django_db

V2 = "/api_accessacs_mobile/v2"
SITE = f"{V2}/12345"
APPLICATION_ID = "4b4fcb4d-0c73-4a0c-9d50-8e0f7e57a4a1"


def app_client(username: str = demo.CALLER[0], password: str = demo.CALLER[1]) -> APIClient:
    """APIClient sending exactly the app's headers: URL-safe Base64 Basic and ApplicationId."""
    encoded = base64.urlsafe_b64encode(f"{username}:{password}".encode()).decode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {encoded}", HTTP_APPLICATIONID=APPLICATION_ID)
    return client


@pytest.fixture
def app(demo_site):
    return app_client()


def _get(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, response.content
    return response.json() if response.content else None


# --- login -----------------------------------------------------------------------------------


def test_login_account_parses_and_names_every_right_the_app_checks(app):
    user = parse(SITE_USER, _get(app, f"{SITE}/account"))
    assert user["SiteNumber"] == 12345 and user["SiteName"] == "Grace Community Church"
    assert (user["UserName"], user["FullName"]) == ("jadams", "John Adams")
    assert (user["IndvId"], user["FamId"]) == (70, 20)
    assert user["Email"] == demo.CALLER_EMAIL and user["SecurityRole"] == "Staff"
    rights = user["Rights"]
    # CoreAcsUser.HasPermission: anything but "N" is granted; HasAddPermission: only "A".
    assert all(isinstance(value, str) for value in rights.values())
    assert {key for key, value in rights.items() if value != "N"} == {
        "CreateChangeRequest",
        "LocatePerson",
        "MemberSearch",
        "ViewAddComments",
        "ReassignConnection",
        "AssignContacts",
        "ViewOutreachHistory",
        "AssignedContactsOnly",  # V: the app's "My ToDos" screen needs it not N ...
    }
    assert rights["AssignedContactsOnly"] == "V"  # ... and only A would restrict him
    assert {"LocateOrganizations", "ViewOrganizationRecord"} <= set(rights)
    assert rights["ViewStaffRoster"] == "N"
    # The app's menus: no calendar, no organizations (neither is offered by this server).
    assert user["CalendarDisabled"] is True and user["OrgsAvailable"] is False


def test_login_merchant_parses_and_a_site_without_one_is_204(app, basic_client):
    merchant = parse(ACCOUNT_MERCHANT, _get(app, f"{SITE}/account/merchant"))
    assert merchant["AllowCreditDebitCards"] is True and merchant["AllowACH"] is True
    hillside = app_client(*demo.OTHER_SITE_ADMINISTRATOR)
    response = hillside.get(f"{V2}/54321/account/merchant")
    assert response.status_code == 204 and response.content == b""
    GivingMerchant.objects.all().delete()
    assert app.get(f"{SITE}/account/merchant").status_code == 204


def test_login_with_a_wrong_password_is_401(demo_site):
    response = app_client(demo.CALLER[0], "wrong").get(f"{SITE}/account")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def _find_by_email(email: str, password: str, client=None):
    """The app's `Api.users`: PUT, no Authorization, the JSONObject's bytes as a
    StringEntity (text/plain; charset=ISO-8859-1)."""
    body = json.dumps({"email": email, "password": password}, separators=(",", ":"))
    return (client or APIClient()).put(
        f"{V2}/accounts/findbyemail",
        body.encode("iso-8859-1"),
        content_type="text/plain; charset=ISO-8859-1",
        HTTP_APPLICATIONID=APPLICATION_ID,
    )


def test_find_by_email_lists_the_users_sites_for_the_site_picker(demo_site):
    response = _find_by_email(demo.CALLER_EMAIL.upper(), demo.CALLER[1])
    assert response.status_code == 200
    sites = response.json()
    assert isinstance(sites, list)
    picked = [parse(SITE_USER, site) for site in sites]
    assert [(site["SiteNumber"], site["SiteName"], site["UserName"]) for site in picked] == [
        (12345, "Grace Community Church", "jadams")
    ]


@pytest.mark.parametrize(
    "email, password", [(demo.CALLER_EMAIL, "wrong"), ("nobody@example.org", "password231")]
)
def test_find_by_email_with_wrong_credentials_is_401(demo_site, email, password):
    response = _find_by_email(email, password)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "body, field",
    [({"email": "a@example.org"}, "password"), ({"email": 5, "password": "x"}, "email")],
)
def test_find_by_email_bad_body_is_400_naming_the_field(demo_site, body, field):
    response = APIClient().put(
        f"{V2}/accounts/findbyemail",
        json.dumps(body),
        content_type="text/plain; charset=ISO-8859-1",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_find_by_email_counts_failures_and_locks_the_user_out(demo_site, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        assert _find_by_email(demo.CALLER_EMAIL, f"wrong-{attempt}").status_code in (401, 429)
    locked = _find_by_email(demo.CALLER_EMAIL, demo.CALLER[1])
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0


# --- assignments -----------------------------------------------------------------------------


def test_assignment_summary_is_a_page_of_what_the_app_parses(app):
    page = parse_page(ASSIGNMENT_SUMMARY, _get(app, f"{SITE}/connections/assignments?pageIndex=0"))
    assert page["PageIndex"] == 0 and page["PageCount"] == 1
    assert [(item["ConnectionTypeId"], item["TotalConnections"]) for item in page["Page"]] == [
        (1, 2),  # connection 1 (his own) and 2 (his Care Team's)
        (2, 1),
    ]


def test_assignments_of_a_type_are_a_page_of_what_the_app_parses(app):
    page = parse_page(ASSIGNMENT, _get(app, f"{SITE}/connections/assignments/1?pageIndex=0"))
    mine, team = page["Page"]  # soonest due first
    assert mine["ConnectionId"] == 1 and mine["ContactInformation"]["IndvId"] == 76
    assert mine["ContactInformation"]["CityStateZip"] == "Springville, UT 84663"
    # Without includeSelf, jadams's own person (70) is left out of those making the contact.
    assert mine["TeamMembers"] == []
    assert [member["IndvId"] for member in team["TeamMembers"]] == [74, 75]
    past = parse_page(ASSIGNMENT, _get(app, f"{SITE}/connections/assignments/1?pageIndex=1"))
    assert past["Page"] == [] and past["PageIndex"] == 1


def test_assignments_pages_are_pageindex_from_zero(demo_site):
    client = app_client(*demo.ADMINISTRATOR)
    first = _get(client, f"{SITE}/connections/assignments/2?pageIndex=0&pageSize=1")
    assert (first["PageIndex"], first["PageCount"], first["PageSize"]) == (0, 1, 1)


# --- connection detail -----------------------------------------------------------------------


def test_connection_detail_parses_with_the_apps_types(app):
    connection = parse(CONNECTION, _get(app, f"{SITE}/connections/1?includeSelf=true"))
    assert connection["DueDate"] == "06/12/2015"
    assert connection["DueDateLong"] == "Friday, June 12, 2015"
    assert connection["PermissionLevel"] == "ALL"  # jadams holds A on type 1
    assert connection["Comment"] == "Left a voicemail; will try again Friday."
    contact = connection["ContactInformation"]
    assert (contact["PhoneNumber"], contact["Address"]) == ("801-555-0176", "742 Evergreen Ter")
    assert contact["CityStateZip"] == "Springville, UT 84663"
    assert contact["Email"] == "thomas.wright@example.org"
    # includeSelf=true: jadams, the caller of connection 1, is among those making the contact.
    assert [member["IndvId"] for member in connection["TeamMembers"]] == [70]
    assert connection["TeamMemberCount"] == 1
    assert [response["RespID"] for response in connection["Responses"]] == [1]


def test_include_self_decides_whether_the_callers_own_person_is_a_team_member(demo_site):
    ruth = app_client(*demo.ASSIGNED_ONLY)  # Ruth Baker (74), on the Care Team with 70 and 75
    with_self = _get(ruth, f"{SITE}/connections/2?includeSelf=true")
    without = _get(ruth, f"{SITE}/connections/2")
    assert [m["IndvId"] for m in with_self["TeamMembers"]] == [70, 74, 75]
    assert with_self["TeamMemberCount"] == 3
    assert [m["IndvId"] for m in without["TeamMembers"]] == [70, 75]
    assert without["TeamMemberCount"] == 2


@pytest.mark.parametrize(
    "credential, number, level",
    [
        (demo.CALLER, 1, "ALL"),  # the gate passes, A on type 1
        (demo.CALLER, 5, "VIEW"),  # only V on type 3
        (demo.ADMINISTRATOR, 5, "ALL"),  # Administrators hold every right
        (demo.VIEWER, 1, "VIEW"),  # ViewAddComments V: the change-request gate stops it
    ],
)
def test_permission_level_is_all_exactly_when_the_caller_may_change_it(
    demo_site, credential, number, level
):
    body = _get(app_client(*credential), f"{SITE}/connections/{number}?includeSelf=true")
    assert body["PermissionLevel"] == level


def test_an_unknown_or_other_sites_connection_is_404(app):
    assert app.get(f"{SITE}/connections/999999?includeSelf=true").status_code == 404
    assert app.get(f"{V2}/54321/connections/1?includeSelf=true").status_code == 404


def test_bad_include_self_is_400_naming_it(app):
    response = app.get(f"{SITE}/connections/1?includeSelf=maybe")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["includeSelf"]


# --- people ----------------------------------------------------------------------------------


def test_individual_search_items_are_what_core_individual_parses(app):
    page = parse_page(INDIVIDUAL, _get(app, f"{SITE}/individuals?q=wright&pageIndex=0"))
    assert [item["IndvId"] for item in page["Page"]] == [77, 76]
    tom = page["Page"][1]
    assert (tom["FamId"], tom["Suffix"], tom["Title"]) == (25, "Sr.", "Mr.")
    assert (
        tom["PictureUrl"]
        == "http://testserver/api_accessacs_mobile/v2/12345/individuals/76/picture"
    )


def test_individual_search_of_two_words_finds_the_person(app):
    """The app URL-encodes a space as '+': `q=John+Adams`."""
    page = _get(app, f"{SITE}/individuals?q=John+Adams&pageIndex=0")
    assert [item["IndvId"] for item in page["Page"]] == [70]


def test_individual_detail_is_the_whole_person(app):
    person = parse(INDIVIDUAL_DETAIL, _get(app, f"{SITE}/individuals/70"))
    assert person["PrimFamily"] == 20
    assert (person["Title"], person["MiddleName"], person["GoesbyName"]) == (
        "Mr.",
        "Quincy",
        "Johnny",
    )
    assert person["FullName"] == "Mr. John Quincy Adams"
    assert person["FriendlyName"] == "Johnny Adams"
    assert person["DateOfBirth"] == "03/14/1961"
    assert person["PictureUrl"] == ""  # none: the app shows the family's
    assert person["FamilyPictureUrl"] == (
        "http://testserver/api_accessacs_mobile/v2/12345/families/20/picture"
    )
    addresses = [parse(ADDRESS, address) for address in person["Addresses"]]
    assert [(a["AddrType"], a["FamilyAddress"], a["Company"]) for a in addresses] == [
        ("Work", False, "Adams & Sons Hardware"),
        ("Home", True, ""),
    ]
    assert addresses[1]["Latitude"] == "40.233800" and addresses[0]["Latitude"] == ""
    emails = [parse(EMAIL, email) for email in person["Emails"]]
    assert [(e["EmailType"], e["Preferred"]) for e in emails] == [("Home", True), ("Work", False)]
    phones = [parse(PHONE, phone) for phone in person["Phones"]]
    assert [(p["PhoneType"], p["Extension"], p["FamilyPhone"]) for p in phones] == [
        ("Mobile", "", False),
        ("Work", "12", False),
        ("Home", "", True),
    ]
    home = phones[2]
    assert home["AddrPhone"] is True and home["PhoneRef"] == addresses[1]["AddrId"]
    members = [parse(INDIVIDUAL, member) for member in person["FamilyMembers"]]
    assert [(m["IndvId"], m["FamilyPosition"]) for m in members] == [
        (71, "Spouse"),
        (79, "Child"),
    ]
    assert members[1]["Suffix"] == "Jr." and members[1]["PhoneNumber"] == "801-555-0020"


def test_pictures_are_downloads_for_members_only(app, demo_site):
    person = _get(app, f"{SITE}/individuals/76")
    picture = app.get(person["PictureUrl"].removeprefix("http://testserver"))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")
    assert APIClient().get(f"{SITE}/individuals/76/picture").status_code == 401
    stranger = app_client(*demo.OTHER_SITE_ADMINISTRATOR)
    assert stranger.get(f"{SITE}/individuals/76/picture").status_code == 404
    assert app.get(f"{SITE}/individuals/71/picture").status_code == 404  # has none
    assert app.get(f"{V2}/54321/families/20/picture").status_code == 404


def test_a_persons_history_is_a_page_of_connections(app):
    page = parse_page(CONNECTION, _get(app, f"{SITE}/individuals/71/connections?pageIndex=0"))
    assert [(c["ConnectionId"], c["ConnectionTypeDescription"]) for c in page["Page"]] == [
        (4, "Hospital Visit")
    ]


def test_history_needs_view_outreach_history_a(demo_site):
    viewer = app_client(*demo.VIEWER)  # ViewOutreachHistory V
    response = viewer.get(f"{SITE}/individuals/71/connections?pageIndex=0")
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["ViewOutreachHistory"]


def test_another_sites_person_is_404(app):
    assert app.get(f"{SITE}/individuals/1").status_code == 404
    assert app.get(f"{SITE}/individuals/1/connections?pageIndex=0").status_code == 404
    assert app.get(f"{SITE}/individuals/1/comments?pageIndex=0").status_code == 404


# --- comments --------------------------------------------------------------------------------


def test_comment_types_parse(app):
    types = [parse(COMMENT_TYPE, item) for item in _get(app, f"{SITE}/types/comments")]
    assert [(t["CommentTypeID"], t["CommentTypeDesc"]) for t in types] == [
        (1, "Pastoral"),
        (2, "Prayer Request"),
    ]


def test_comment_summary_is_a_page_per_comment_type(app):
    page = parse_page(COMMENT_SUMMARY, _get(app, f"{SITE}/individuals/76/comments?pageIndex=0"))
    assert [
        (s["CommentTypeID"], s["CommentCount"], s["LastCommentDate"]) for s in page["Page"]
    ] == [(1, 2, "06/07/2015"), (2, 1, "06/02/2015")]


def test_comments_of_a_type_are_a_page_newest_first(app):
    page = parse_page(COMMENT, _get(app, f"{SITE}/individuals/76/comments/1?pageIndex=0"))
    assert [c["CommentBody"] for c in page["Page"]] == [
        "Asked about the men's breakfast.",
        "First visit; met after the service.",
    ]
    assert page["Page"][0]["CommentType"] == "Pastoral"


def _post_comment(client, body: dict, *, person=76, comment_type=1, charset="iso-8859-1"):
    """The app's `Api.commentAdd`: CoreCommentChangeRequest.toJsonString() labelled as a
    form, its text encoded as Apache's StringEntity does."""
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(charset)
    return client.post(
        f"{SITE}/individuals/{person}/comments/{comment_type}",
        raw,
        content_type="application/x-www-form-urlencoded",
    )


APP_COMMENT = {
    "IndvID": 76,
    "CommentType": "Pastoral",
    "CommentTypeId": 1,
    "Comment": "Visited at home; Café after church next week.",
    "FamilyComment": 0,
}


def test_posting_a_comment_submits_it_for_approval(app):
    response = _post_comment(app, APP_COMMENT)
    assert response.status_code == 200  # Api.commentAdd accepts nothing else
    number = response.json()
    pending = CommentChangeRequest.objects.get(number=number, site__number=12345)
    assert pending.status == "PENDING" and pending.family_comment is False
    assert pending.text == "Visited at home; Café after church next week."
    assert not IndividualComment.objects.filter(text=pending.text).exists()
    summary = _get(app, f"{SITE}/individuals/76/comments?pageIndex=0")
    assert summary["Page"][0]["CommentCount"] == 2  # nothing shown until applied


def test_a_family_comment_when_applied_is_written_on_each_member(app, django_user_model):
    number = _post_comment(app, {**APP_COMMENT, "FamilyComment": 1}).json()
    pending = CommentChangeRequest.objects.get(number=number, site__number=12345)
    reviewer = django_user_model.objects.get(username=demo.ADMINISTRATOR[0])
    services.comment_change_request_apply(change_request=pending, reviewer=reviewer)
    written = IndividualComment.objects.filter(change_request=pending).order_by("number")
    assert [comment.individual.number for comment in written] == [76, 77]
    numbers = [comment.number for comment in written]
    assert numbers == sorted(numbers) and len(set(numbers)) == 2
    page = _get(app, f"{SITE}/individuals/77/comments/1?pageIndex=0")
    assert page["Page"][0]["CommentBody"] == APP_COMMENT["Comment"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"Comment": ""}, "Comment"),
        ({"Comment": 5}, "Comment"),
        ({"IndvID": 77}, "IndvID"),
        ({"CommentTypeId": 2}, "CommentTypeId"),
        ({"FamilyComment": 2}, "FamilyComment"),
    ],
)
def test_a_bad_comment_is_400_naming_the_field(app, change, field):
    response = _post_comment(app, {**APP_COMMENT, **change})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_comment_rights_v_reads_and_a_writes(demo_site):
    viewer = app_client(*demo.VIEWER)  # ViewAddComments V
    assert viewer.get(f"{SITE}/individuals/76/comments/1?pageIndex=0").status_code == 200
    refused = _post_comment(viewer, APP_COMMENT)
    assert refused.status_code == 403
    assert list(refused.json()["errors"]) == ["ViewAddComments"]


def test_a_comment_on_another_sites_person_or_type_is_404(app):
    assert _post_comment(app, {**APP_COMMENT, "IndvID": 1}, person=1).status_code == 404
    assert _post_comment(app, APP_COMMENT, comment_type=9).status_code == 404


# --- out of scope ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", f"{SITE}/events?startDate=2015-06-01&stopDate=2015-06-30&pageIndex=0"),
        ("get", f"{SITE}/calendars/1/events/1"),
        ("get", f"{SITE}/orgs?q=a&pageIndex=0"),
        ("get", f"{SITE}/types/orgleveltypes"),
        ("get", f"{SITE}/orgs/1"),
        ("post", f"{V2}/unlock"),
        ("post", f"{SITE}/unlock"),
    ],
)
def test_calendar_organizations_and_giving_stay_404(app, method, path):
    assert getattr(app, method)(path).status_code == 404


def test_dates_the_app_parses_are_mm_dd_yyyy(app):
    body = _get(app, f"{SITE}/connections/3?includeSelf=true")
    for key in ("DueDate", "DateCreated"):
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", body[key])
        datetime.strptime(body[key], "%m/%d/%Y")


def test_a_stored_picture_that_is_not_an_image_is_an_attachment(app):
    person = Individual.objects.get(site__number=12345, number=71)
    person.picture.save("page.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    response = app.get(f"{SITE}/individuals/71/picture")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
