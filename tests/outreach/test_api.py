"""The mobile lookups through HTTP with real Basic headers, as the vendor's app calls them."""

from datetime import date

import pytest

from outreach.api import outputs
from outreach.choices import Right, SecurityRole
from tests.factories import (
    GivingMerchantFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    SiteMembershipFactory,
    TeamFactory,
)
from tests.outreach.conftest import BASE, OTHER_BASE, full_rights, make_member

pytestmark = pytest.mark.django_db

LOOKUP_PATHS = [
    "account",
    "types/connections",
    "types/responses/1",
    "connections/teams",
    "individuals?q=wright",
    "individuals/76",
    "connections/1",
    "connections/assignments",
    "connections/assignments/1",
]


@pytest.fixture
def caller(lookup_site, basic_client):
    """A Staff member with every right, A on type 1 and V on type 2, individual 70."""
    membership = make_member(
        lookup_site,
        individual=lookup_site.caller_individual,
        type_rights={1: Right.GRANTED, 2: Right.VIEW},
        **full_rights(),
    )
    return basic_client(membership.user.username)


# --- paths, auth, headers -------------------------------------------------------------------


@pytest.mark.parametrize("path", LOOKUP_PATHS)
@pytest.mark.parametrize(
    "base", ["/api_accessacs_mobile/v2/12345", "/api_accesssacs_mobile/v2/12345"]
)
@pytest.mark.parametrize("slash", ["", "/"])
def test_every_lookup_answers_on_both_spellings_and_slash_forms(caller, base, path, slash):
    path, _, query = path.partition("?")
    response = caller.get(f"{base}/{path}{slash}" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", LOOKUP_PATHS)
def test_without_credentials_401_says_basic(lookup_site, api_client, path):
    response = api_client.get(f"{BASE}/{path}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")


def test_wrong_password_is_401(caller, lookup_site, basic_client):
    username = lookup_site.site.memberships.get().user.username
    assert basic_client(username, "wrong").get(f"{BASE}/account").status_code == 401


def test_application_id_header_is_accepted(caller):
    response = caller.get(f"{BASE}/types/connections", HTTP_APPLICATIONID="ACS-Mobile-3.2")
    assert response.status_code == 200


@pytest.mark.parametrize("path", LOOKUP_PATHS)
@pytest.mark.parametrize("site_number", ["54321", "99999"])
def test_no_membership_at_the_site_is_404_on_every_path(caller, path, site_number):
    response = caller.get(f"/api_accessacs_mobile/v2/{site_number}/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", LOOKUP_PATHS)
def test_member_of_the_other_site_only_sees_its_own_site(lookup_site, basic_client, path):
    outsider = SiteMembershipFactory(
        site=lookup_site.other_site, security_role=SecurityRole.ADMINISTRATOR
    ).user
    client = basic_client(outsider.username)
    assert client.get(f"{BASE}/{path}").status_code == 404
    assert client.get(f"{OTHER_BASE}/{path}").status_code == 200


@pytest.mark.parametrize(
    "path", ["connections/76", "types/responses/99", "connections/assignments/99"]
)
def test_ids_of_another_site_are_not_found(caller, path):
    """Site 54321 has connection 76; site 12345 has none of these ids."""
    assert caller.get(f"{BASE}/{path}").status_code == 404


def test_another_sites_individual_76_is_never_shown(caller, lookup_site):
    body = caller.get(f"{BASE}/individuals/76").json()
    assert body["FirstName"] == "Thomas"  # site 12345's own 76, not site 54321's Olivia


def test_post_to_a_lookup_is_405(caller):
    assert caller.post(f"{BASE}/connections/teams", {}, format="json").status_code == 405


# --- account ---------------------------------------------------------------------------------


def test_account_shows_role_and_rights(caller):
    body = caller.get(f"{BASE}/account").json()
    assert body["SiteNumber"] == 12345
    assert body["IndvId"] == 70
    assert body["SecurityRole"] == "Staff"
    assert body["Rights"] == {
        "CreateChangeRequest": "A",
        "LocatePerson": "A",
        "MemberSearch": "A",
        "ViewAddComments": "A",
        "ReassignConnection": "A",
        "AssignedContactsOnly": "N",
        "AssignContacts": "N",
        "ViewOutreachHistory": "N",
        "LocateOrganizations": "N",
        "ViewOrganizationRecord": "N",
        "ViewStaffRoster": "N",
    }
    assert body["ConnectionTypes"] == [
        {"ConnectionTypeId": 1, "Permission": "A"},
        {"ConnectionTypeId": 2, "Permission": "V"},
    ]


def test_account_of_an_administrator_shows_effective_rights(lookup_site, basic_client):
    admin = make_member(lookup_site, role=SecurityRole.ADMINISTRATOR, assigned_contacts_only="A")
    body = basic_client(admin.user.username).get(f"{BASE}/account").json()
    assert body["SecurityRole"] == "Administrator"
    # Never restricted (only A restricts); not N, so the app shows its "My ToDos" screen.
    assert body["Rights"]["AssignedContactsOnly"] == "V"
    assert body["Rights"]["CreateChangeRequest"] == "A"
    assert body["Rights"]["ViewOutreachHistory"] == "A"
    assert [t["ConnectionTypeId"] for t in body["ConnectionTypes"]] == [1, 2]


# --- types, responses, teams -----------------------------------------------------------------


def test_connection_types_show_the_callers_permission_and_hide_n(caller):
    assert caller.get(f"{BASE}/types/connections").json() == [
        {
            "ConnectionTypeId": 1,
            "ConnectionTypeDesc": "First Time Guest",
            "ConnectionCategory": "O",
            "Permission": "A",
        },
        {
            "ConnectionTypeId": 2,
            "ConnectionTypeDesc": "New Member Class",
            "ConnectionCategory": "I",
            "Permission": "V",
        },
    ]


def test_responses_of_a_type(caller):
    assert caller.get(f"{BASE}/types/responses/1").json() == [
        {"RespID": 1, "Resp_Desc": "Left a message"},
        {"RespID": 2, "Resp_Desc": "Spoke with them"},
    ]
    assert caller.get(f"{BASE}/types/responses/2").json() == [
        {"RespID": 3, "Resp_Desc": "Registered"}
    ]


def test_responses_of_a_type_with_n_are_not_found(lookup_site, basic_client):
    member = make_member(lookup_site, type_rights={1: Right.GRANTED})
    client = basic_client(member.user.username)
    assert client.get(f"{BASE}/types/responses/2").status_code == 404


def test_teams_with_member_counts(caller, lookup_site):
    TeamFactory(site=lookup_site.site, number=2, name="Greeters")
    assert caller.get(f"{BASE}/connections/teams").json() == [
        {"TeamId": 1, "TeamName": "Care Team", "TeamMemberCount": 2},
        {"TeamId": 2, "TeamName": "Greeters", "TeamMemberCount": 0},
    ]


# --- individuals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["wright", "WRIGHT", "tom", "thom", "tom.wright@example", "WRIGHT@EXAMPLE", "555-0176"]
)
def test_individual_search_is_case_insensitive_on_names_email_and_phone(caller, query):
    body = caller.get(f"{BASE}/individuals", {"q": query}).json()
    assert [item["IndvId"] for item in body["Page"]] == [76]


def test_individual_search_item_shape(caller):
    body = caller.get(f"{BASE}/individuals", {"q": "wright"}).json()
    assert body == {
        "Page": [
            {
                "IndvId": 76,
                "FamId": 25,
                "FamilyPosition": "Head",
                "Title": "",
                "FirstName": "Thomas",
                "MiddleName": "",
                "LastName": "Wright",
                "GoesByName": "Tom",
                "Suffix": "",
                "PictureUrl": "",
                "Company": "",
                "Address": "",
                "Address2": "",
                "City": "",
                "State": "",
                "Zipcode": "",
                "Country": "",
                "CityStateZip": "",
                "Email": "Tom.Wright@Example.org",
                "EmailListed": True,
                "PhoneNumber": "801-555-0176",
                "PhoneListed": True,
                "Phone": "801-555-0176",
            }
        ],
        "PageIndex": 0,
        "PageCount": 1,
        "PageSize": 25,
    }


def test_individual_search_pages_from_zero(caller, lookup_site):
    for number in range(200, 205):
        IndividualFactory(site=lookup_site.site, number=number, last_name=f"Zed{number}")
    first = caller.get(f"{BASE}/individuals", {"q": "zed", "pageSize": 2}).json()
    last = caller.get(f"{BASE}/individuals", {"q": "zed", "pageSize": 2, "pageIndex": 2}).json()
    past = caller.get(f"{BASE}/individuals", {"q": "zed", "pageSize": 2, "pageIndex": 9}).json()
    assert [i["IndvId"] for i in first["Page"]] == [200, 201]
    assert (first["PageIndex"], first["PageCount"], first["PageSize"]) == (0, 3, 2)
    assert [i["IndvId"] for i in last["Page"]] == [204]
    assert past["Page"] == [] and past["PageIndex"] == 9


def test_individual_search_without_q_lists_the_site(caller):
    body = caller.get(f"{BASE}/individuals").json()
    assert {item["IndvId"] for item in body["Page"]} >= {70, 74, 76}
    assert all(item["FirstName"] != "Olivia" for item in body["Page"])


def test_individual_page_size_is_capped_at_100(caller):
    assert caller.get(f"{BASE}/individuals", {"pageSize": 5000}).json()["PageSize"] == 100


@pytest.mark.parametrize(
    "params, field",
    [
        ({"pageIndex": "-1"}, "pageIndex"),
        ({"pageIndex": "first"}, "pageIndex"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"pageSize": "2.5"}, "pageSize"),
    ],
)
def test_bad_paging_is_400_naming_the_parameter(caller, params, field):
    response = caller.get(f"{BASE}/individuals", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_individual_detail_without_addresses_or_pictures(caller):
    body = caller.get(f"{BASE}/individuals/76").json()
    assert body["IndvId"] == 76 and body["PrimFamily"] == body["FamId"] == 25
    assert (body["FirstName"], body["GoesbyName"], body["LastName"]) == ("Thomas", "Tom", "Wright")
    assert body["FullName"] == "Thomas Wright" and body["FriendlyName"] == "Tom Wright"
    assert body["PictureUrl"] == body["FamilyPictureUrl"] == body["DateOfBirth"] == ""
    assert body["MemberStatus"] == "Member"
    assert body["Addresses"] == [] and body["FamilyMembers"] == []
    assert [e["Email"] for e in body["Emails"]] == ["Tom.Wright@Example.org"]
    assert [p["PhoneNumber"] for p in body["Phones"]] == ["801-555-0176"]


def test_unknown_individual_is_404(caller):
    assert caller.get(f"{BASE}/individuals/9999").status_code == 404


# --- connections -----------------------------------------------------------------------------


def test_connection_detail_shape(caller, lookup_site):
    team_connection = lookup_site.connections["team"]
    team_connection.responses.set(lookup_site.types[1].responses.all())
    body = caller.get(f"{BASE}/connections/2").json()
    assert body["ConnectionId"] == 2
    assert body["ConnectionTypeId"] == 1
    assert body["ConnectionTypeDescription"] == "First Time Guest"
    assert body["ContactType"] == "O"
    assert body["DueDate"] == "06/12/2015"
    assert body["Completed"] is False and body["CompletedDate"] is None
    assert body["FamilyConnection"] is False
    assert body["ContactInformation"]["IndvId"] == 70
    assert body["FamId"] == body["ContactInformation"]["FamId"]
    assert body["Caller"] is None
    assert body["Team"] == {"TeamId": 1, "TeamName": "Care Team"}
    assert [m["IndvId"] for m in body["TeamMembers"]] == [74, 76]
    assert body["Responses"] == [
        {"RespID": 1, "Resp_Desc": "Left a message"},
        {"RespID": 2, "Resp_Desc": "Spoke with them"},
    ]
    assert body["Comments"] == []
    assert len(body["DateCreated"].split("/")) == 3


def test_connection_detail_with_caller_and_comments(caller):
    body = caller.get(f"{BASE}/connections/1").json()
    assert body["Caller"]["IndvId"] == 70
    assert body["Team"] is None and body["TeamMembers"] == []
    assert [c["Comment"] for c in body["Comments"]] == ["Called once"]
    assert set(body["Comments"][0]) == {"Author", "Date", "Comment"}


def test_completed_connection_shows_the_completed_date(caller, lookup_site):
    OutreachConnectionFactory(
        site=lookup_site.site,
        number=9,
        connection_type=lookup_site.types[1],
        contact=lookup_site.contact,
        completed=True,
        completed_date=date(2015, 6, 5),
    )
    body = caller.get(f"{BASE}/connections/9").json()
    assert body["Completed"] is True and body["CompletedDate"] == "06/05/2015"


@pytest.mark.parametrize("right, shown", [("A", True), ("V", True), ("N", False)])
def test_comments_only_with_view_add_comments_v_or_a(lookup_site, basic_client, right, shown):
    member = make_member(lookup_site, view_add_comments=right)
    body = basic_client(member.user.username).get(f"{BASE}/connections/1").json()
    assert ("Comments" in body) is shown


@pytest.mark.parametrize("connection, status", [("mine", 200), ("team", 200), ("other", 404)])
def test_assigned_contacts_only_sees_own_and_team_connections(
    lookup_site, basic_client, connection, status
):
    team_mate = lookup_site.team.members.get(number=74)
    member = make_member(lookup_site, individual=team_mate, assigned_contacts_only=Right.GRANTED)
    lookup_site.connections["mine"].caller = team_mate
    lookup_site.connections["mine"].save()
    number = lookup_site.connections[connection].number
    client = basic_client(member.user.username)
    assert client.get(f"{BASE}/connections/{number}").status_code == status


def test_assigned_contacts_only_without_a_directory_entry_sees_nothing(lookup_site, basic_client):
    member = make_member(lookup_site, assigned_contacts_only=Right.GRANTED)
    member.individual = None
    member.save()
    client = basic_client(member.user.username)
    assert client.get(f"{BASE}/connections/1").status_code == 404


# --- assignments -----------------------------------------------------------------------------


def _assign(lookup_site, number, *, type_number=1, due=None, completed=False, **assignee):
    return OutreachConnectionFactory(
        site=lookup_site.site,
        number=number,
        connection_type=lookup_site.types[type_number],
        contact=lookup_site.contact,
        due_date=due or date(2015, 6, 12),
        completed=completed,
        **assignee,
    )


def test_assignment_summary_per_type(caller, lookup_site):
    me = lookup_site.caller_individual
    _assign(lookup_site, 10, due=date(2015, 6, 1), caller=me)
    _assign(lookup_site, 11, due=date(2015, 5, 1), caller=me, completed=True)
    _assign(lookup_site, 12, type_number=2, due=date(2015, 8, 1), caller=me)
    _assign(lookup_site, 13, type_number=2, due=date(2015, 4, 1))  # someone else's
    assert caller.get(f"{BASE}/connections/assignments").json()["Page"] == [
        {
            "ConnectionTypeId": 1,
            "ConnectionTypeDescription": "First Time Guest",
            "TotalConnections": 2,  # connection 1 and 10; 11 is completed
            "EarliestDueDate": "06/01/2015",
        },
        {
            "ConnectionTypeId": 2,
            "ConnectionTypeDescription": "New Member Class",
            "TotalConnections": 1,
            "EarliestDueDate": "08/01/2015",
        },
    ]


def test_assignments_count_team_connections_of_my_teams(lookup_site, basic_client):
    team_mate = lookup_site.team.members.get(number=74)
    member = make_member(lookup_site, individual=team_mate)
    body = basic_client(member.user.username).get(f"{BASE}/connections/assignments").json()
    assert body["Page"] == [
        {
            "ConnectionTypeId": 1,
            "ConnectionTypeDescription": "First Time Guest",
            "TotalConnections": 1,
            "EarliestDueDate": "06/12/2015",
        }
    ]


def test_assignments_of_a_type_with_filters(caller, lookup_site):
    me = lookup_site.caller_individual
    _assign(lookup_site, 10, due=date(2015, 6, 1), caller=me)
    _assign(lookup_site, 11, due=date(2015, 5, 1), caller=me, completed=True)
    _assign(lookup_site, 12, type_number=2, caller=me)
    _assign(lookup_site, 13, due=date(2015, 6, 2))  # someone else's

    def numbers(**params):
        response = caller.get(f"{BASE}/connections/assignments/1", params)
        assert response.status_code == 200
        return [item["ConnectionId"] for item in response.json()["Page"]]

    assert numbers() == [11, 10, 1]  # by due date
    assert numbers(completed="false") == [10, 1]
    assert numbers(completed="true") == [11]
    assert numbers(dueDateFrom="06/01/2015") == [10, 1]
    assert numbers(dueDateTo="06/01/2015") == [11, 10]
    assert numbers(dueDateFrom="05/02/2015", dueDateTo="06/11/2015", completed="false") == [10]


def test_assignment_item_shape(caller):
    item = caller.get(f"{BASE}/connections/assignments/1").json()["Page"][0]
    assert set(item) == set(outputs.ConnectionSummary.__annotations__)
    assert item["Caller"]["IndvId"] == 70


@pytest.mark.parametrize(
    "params, field",
    [
        ({"dueDateFrom": "2015-06-05"}, "dueDateFrom"),
        ({"dueDateTo": "02/30/2015"}, "dueDateTo"),
        ({"completed": "maybe"}, "completed"),
    ],
)
def test_bad_assignment_filters_are_400_naming_the_parameter(caller, params, field):
    response = caller.get(f"{BASE}/connections/assignments/1", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_assignments_of_an_unknown_type_are_404(caller):
    assert caller.get(f"{BASE}/connections/assignments/42").status_code == 404


def test_site_connections_is_left_to_the_change_request_post(caller):
    """`<site>/connections` is the change-request POST, never a lookup."""
    assert caller.get(f"{BASE}/connections").status_code == 405


# --- shapes ----------------------------------------------------------------------------------


def _keys(shape) -> set[str]:
    return set(shape.__annotations__)


@pytest.mark.parametrize(
    "path, shape",
    [
        ("account", outputs.Account),
        ("account/merchant", outputs.Merchant),
        ("individuals/76", outputs.IndividualDetail),
        ("individuals?q=wright", outputs.IndividualPage),
        ("connections/assignments", outputs.AssignmentSummaryPage),
        ("connections/assignments/1", outputs.ConnectionPage),
    ],
)
def test_bodies_have_the_keys_their_shape_declares(caller, lookup_site, path, shape):
    GivingMerchantFactory(site=lookup_site.site)
    body = caller.get(f"{BASE}/{path}").json()
    assert set(body) == _keys(shape)


def test_connection_detail_has_the_keys_its_shape_declares(caller):
    body = caller.get(f"{BASE}/connections/1").json()
    assert set(body) == _keys(outputs.ConnectionDetail)
    assert set(body["ContactInformation"]) == _keys(outputs.Contact)


@pytest.mark.parametrize(
    "path, shape",
    [
        ("types/connections", outputs.ConnectionType),
        ("types/responses/1", outputs.ResponseType),
        ("connections/teams", outputs.ConnectionTeam),
    ],
)
def test_list_items_have_the_keys_their_shape_declares(caller, lookup_site, path, shape):
    body = caller.get(f"{BASE}/{path}").json()
    assert body and all(set(item) == _keys(shape) for item in body)
