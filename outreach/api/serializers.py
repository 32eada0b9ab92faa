"""Shapes of the outreach lookups, with the vendor app's PascalCase names.

The read paths build plain dicts (`*_data` functions, ~1.6x faster than nested
ModelSerializers); the Serializer classes beside each describe the same shape for the OpenAPI
schema, and tests check that both name the same keys.
"""

from rest_framework import serializers

from outreach.choices import ConnectionCategory, Right, SecurityRole
from outreach.dates import us_date
from outreach.models import Connection, ConnectionComment, Individual, Response, Team


class USDateField(serializers.CharField):
    """A date shown as MM/DD/YYYY (schema only)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "MM/DD/YYYY")
        super().__init__(**kwargs)


# --- account -------------------------------------------------------------------------------


class TypePermissionSerializer(serializers.Serializer):
    ConnectionTypeId = serializers.IntegerField()
    Permission = serializers.ChoiceField(choices=Right.choices)


class RightsSerializer(serializers.Serializer):
    CreateChangeRequest = serializers.ChoiceField(choices=Right.choices)
    LocatePerson = serializers.ChoiceField(choices=Right.choices)
    MemberSearch = serializers.ChoiceField(choices=Right.choices)
    ViewAddComments = serializers.ChoiceField(choices=Right.choices)
    ReassignConnection = serializers.ChoiceField(choices=Right.choices)
    AssignedContactsOnly = serializers.ChoiceField(choices=Right.choices)
    ConnectionTypes = TypePermissionSerializer(many=True)


class AccountSerializer(serializers.Serializer):
    SiteNumber = serializers.IntegerField()
    UserName = serializers.CharField()
    IndvId = serializers.IntegerField(allow_null=True)
    SecurityRole = serializers.ChoiceField(choices=SecurityRole.labels)
    Rights = RightsSerializer()


# --- types, responses, teams -----------------------------------------------------------------


class ConnectionTypeSerializer(serializers.Serializer):
    ConnectionTypeId = serializers.IntegerField()
    ConnectionTypeDesc = serializers.CharField()
    ConnectionCategory = serializers.ChoiceField(
        choices=ConnectionCategory.choices, help_text="I inward, O outward"
    )
    Permission = serializers.ChoiceField(
        choices=Right.choices, help_text="A or V (types with N are left out)."
    )


def response_data(response: Response) -> dict:
    return {"RespID": response.number, "Resp_Desc": response.description}


class ResponseSerializer(serializers.Serializer):
    RespID = serializers.IntegerField()
    Resp_Desc = serializers.CharField()


def team_data(team: Team) -> dict:
    return {"TeamId": team.number, "TeamName": team.name, "TeamMemberCount": team.member_count}


class TeamSerializer(serializers.Serializer):
    TeamId = serializers.IntegerField()
    TeamName = serializers.CharField()
    TeamMemberCount = serializers.IntegerField()


# --- individuals -----------------------------------------------------------------------------


def individual_data(individual: Individual) -> dict:
    return {
        "IndvId": individual.number,
        "FamId": individual.family_number,
        "FirstName": individual.first_name,
        "LastName": individual.last_name,
        "GoesByName": individual.goes_by_name,
        "FamilyPosition": individual.family_position,
        "Email": individual.email,
        "Phone": individual.phone,
    }


def individual_detail_data(individual: Individual) -> dict:
    return {**individual_data(individual), "MemberStatus": individual.member_status}


class IndividualSerializer(serializers.Serializer):
    IndvId = serializers.IntegerField()
    FamId = serializers.IntegerField(allow_null=True)
    FirstName = serializers.CharField()
    LastName = serializers.CharField()
    GoesByName = serializers.CharField()
    FamilyPosition = serializers.CharField()
    Email = serializers.CharField()
    Phone = serializers.CharField()


class IndividualDetailSerializer(IndividualSerializer):
    MemberStatus = serializers.CharField()


class IndividualSearchQuerySerializer(serializers.Serializer):
    """`?q=&pageIndex=&pageSize=` of the individual search."""

    MAX_PAGE_SIZE = 100

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="Part of a name, email or phone (any case).",
    )
    pageIndex = serializers.IntegerField(
        required=False, min_value=0, default=0, help_text="From 0."
    )
    pageSize = serializers.IntegerField(
        required=False, min_value=1, default=25, help_text="Default 25; above 100 means 100."
    )

    def validate_pageSize(self, value: int) -> int:
        return min(value, self.MAX_PAGE_SIZE)


class IndividualPageSerializer(serializers.Serializer):
    Page = IndividualSerializer(many=True)
    PageIndex = serializers.IntegerField(help_text="From 0.")
    PageCount = serializers.IntegerField()
    PageSize = serializers.IntegerField()


# --- connections -----------------------------------------------------------------------------


def team_ref_data(team: Team | None) -> dict | None:
    return None if team is None else {"TeamId": team.number, "TeamName": team.name}


class TeamRefSerializer(serializers.Serializer):
    TeamId = serializers.IntegerField()
    TeamName = serializers.CharField()


def comment_data(comment: ConnectionComment) -> dict:
    return {
        "Author": comment.author_name,
        "Date": us_date(comment.created),
        "Comment": comment.text,
    }


class CommentSerializer(serializers.Serializer):
    Author = serializers.CharField()
    Date = USDateField()
    Comment = serializers.CharField()


def connection_summary_data(connection: Connection) -> dict:
    """A connection without its comments, team members and responses (assignment lists)."""
    connection_type = connection.connection_type
    contact = connection.contact
    return {
        "ConnectionId": connection.number,
        "ConnectionTypeId": connection_type.number,
        "ConnectionTypeDescription": connection_type.description,
        "ContactType": connection_type.category,
        "DueDate": us_date(connection.due_date),
        "Completed": connection.completed,
        "CompletedDate": us_date(connection.completed_date),
        "FamilyConnection": connection.family_connection,
        "FamId": contact.family_number,
        "DateCreated": us_date(connection.created),
        "ContactInformation": individual_data(contact),
        "Caller": None if connection.caller is None else individual_data(connection.caller),
        "Team": team_ref_data(connection.team),
    }


def connection_detail_data(connection: Connection, *, with_comments: bool) -> dict:
    data = connection_summary_data(connection)
    data["TeamMembers"] = (
        []
        if connection.team is None
        else [individual_data(m) for m in connection.team.members.all()]
    )
    data["Responses"] = [response_data(response) for response in connection.responses.all()]
    if with_comments:
        data["Comments"] = [comment_data(comment) for comment in connection.comments.all()]
    return data


class ConnectionSummarySerializer(serializers.Serializer):
    ConnectionId = serializers.IntegerField()
    ConnectionTypeId = serializers.IntegerField()
    ConnectionTypeDescription = serializers.CharField()
    ContactType = serializers.ChoiceField(
        choices=ConnectionCategory.choices, help_text="The type's category: I inward, O outward."
    )
    DueDate = USDateField(allow_null=True)
    Completed = serializers.BooleanField()
    CompletedDate = USDateField(allow_null=True)
    FamilyConnection = serializers.BooleanField()
    FamId = serializers.IntegerField(allow_null=True, help_text="The contact's family.")
    DateCreated = USDateField()
    ContactInformation = IndividualSerializer()
    Caller = IndividualSerializer(allow_null=True)
    Team = TeamRefSerializer(allow_null=True)


class ConnectionDetailSerializer(ConnectionSummarySerializer):
    TeamMembers = IndividualSerializer(many=True)
    Responses = ResponseSerializer(many=True)
    Comments = CommentSerializer(
        many=True,
        required=False,
        help_text="Present only for callers with ViewAddComments V or A.",
    )


class AssignmentSerializer(serializers.Serializer):
    ConnectionTypeId = serializers.IntegerField()
    ConnectionTypeDescription = serializers.CharField()
    TotalConnections = serializers.IntegerField(help_text="Open connections assigned to you.")
    EarliestDueDate = USDateField(allow_null=True)
