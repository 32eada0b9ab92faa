"""The OpenAPI schema documents the lookups with their PascalCase names; the alias is left out."""

import pytest
from drf_spectacular.generators import SchemaGenerator

BASE = "/api_accessacs_mobile/v2/{site_number}"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_lookups_are_documented_and_the_alias_is_not(schema):
    paths = set(schema["paths"])
    for path in [
        "account/",
        "types/connections/",
        "types/responses/{connection_type_id}/",
        "connections/teams/",
        "individuals/",
        "individuals/{individual_id}/",
        "connections/{connection_id}/",
        "connections/assignments/",
        "connections/assignments/{connection_type_id}/",
        "account/merchant/",
        "individuals/{individual_id}/picture/",
        "families/{family_id}/picture/",
        "individuals/{individual_id}/connections/",
        "types/comments/",
        "individuals/{individual_id}/comments/",
        "individuals/{individual_id}/comments/{comment_type_id}/",
    ]:
        assert f"{BASE}/{path}" in paths
    assert "/api_accessacs_mobile/v2/accounts/findbyemail/" in paths
    assert not [path for path in paths if "api_accesssacs_mobile" in path]


@pytest.mark.parametrize(
    "component, fields",
    [
        (
            "ConnectionType",
            {"ConnectionTypeId", "ConnectionTypeDesc", "ConnectionCategory", "Permission"},
        ),
        ("ResponseType", {"RespID", "Resp_Desc"}),
        ("ConnectionTeam", {"TeamId", "TeamName", "TeamMemberCount"}),
        ("IndividualPage", {"Page", "PageIndex", "PageCount", "PageSize"}),
        ("ConnectionPage", {"Page", "PageIndex", "PageCount", "PageSize"}),
        ("CommentTypeShape", {"CommentTypeID", "CommentTypeDesc", "CommentColor"}),
        (
            "AssignmentSummary",
            {
                "ConnectionTypeId",
                "ConnectionTypeDescription",
                "TotalConnections",
                "EarliestDueDate",
            },
        ),
        (
            "Account",
            {
                "SiteNumber",
                "SiteName",
                "UserName",
                "FullName",
                "Email",
                "IndvId",
                "FamId",
                "SecurityRole",
                "CalendarDisabled",
                "OrgsAvailable",
                "Rights",
                "ConnectionTypes",
            },
        ),
    ],
)
def test_components_use_the_vendor_names(schema, component, fields):
    assert set(schema["components"]["schemas"][component]["properties"]) == fields


def test_connection_detail_names(schema):
    properties = schema["components"]["schemas"]["ConnectionDetail"]["properties"]
    assert {
        "ConnectionId",
        "ConnectionTypeId",
        "ConnectionTypeDescription",
        "ContactType",
        "DueDate",
        "Completed",
        "CompletedDate",
        "FamilyConnection",
        "FamId",
        "Comments",
        "DateCreated",
        "ContactInformation",
        "Caller",
        "Team",
        "TeamMembers",
        "Responses",
        "DueDateLong",
        "TeamMemberCount",
        "PermissionLevel",
        "Comment",
    } <= set(properties)
    assert properties["TeamMemberCount"]["type"] == "integer"
    assert properties["DueDateLong"]["type"] == "string"


def test_the_rights_map_names_every_right_the_app_checks(schema):
    rights = schema["components"]["schemas"]["Rights"]
    assert (
        set(rights["required"])
        == set(rights["properties"])
        == {
            "CreateChangeRequest",
            "LocatePerson",
            "MemberSearch",
            "ViewAddComments",
            "ReassignConnection",
            "AssignedContactsOnly",
            "AssignContacts",
            "ViewOutreachHistory",
            "LocateOrganizations",
            "ViewOrganizationRecord",
            "ViewStaffRoster",
        }
    )


def test_lookups_use_basic_auth_and_document_application_id(schema):
    operation = schema["paths"][f"{BASE}/types/connections/"]["get"]
    assert operation["security"][0] == {"basicAuth": []}
    assert any(
        p["name"] == "ApplicationId" and p["in"] == "header" for p in operation["parameters"]
    )


def test_the_search_page_says_its_page_count_is_exact_only_up_to_the_cap(schema):
    description = schema["components"]["schemas"]["IndividualPage"]["description"]
    assert "exact while the search matches at most 3,000 people" in description
    assert "lower bound" in description
