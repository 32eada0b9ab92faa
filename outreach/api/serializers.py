"""Shapes of the outreach API, with the vendor app's PascalCase names and MM/DD/YYYY dates.

Lookups (read paths) build plain dicts (`*_data` functions, ~1.6x faster than nested
ModelSerializers); the Serializer classes beside each describe the same shape for the OpenAPI
schema, and tests check that both name the same keys.

The change-request POST body is validated strictly: JSON integers, booleans and strings only
(no "1" for 1), dates as MM/DD/YYYY, the fields each kind of change needs. Unknown keys are
ignored. The validated data uses the snake_case form of each field name, which is also the
shape a change request's stored payload keeps.
"""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from outreach.choices import (
    ChangeRequestKind,
    ChangeRequestStatus,
    ConnectionCategory,
    Right,
    SecurityRole,
)
from outreach.dates import us_date, us_date_parse, us_datetime
from outreach.models import (
    ChangeRequest,
    Connection,
    ConnectionComment,
    Individual,
    Response,
    Team,
)

NONE = -1
"""The vendor's "nothing": a new connection's ConnectionId, no caller/team, no responses."""

MAX_ID = 2**31 - 1

# --- fields: strict JSON, MM/DD/YYYY -------------------------------------------------------


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: "1", 1.0 and true are refused."""

    default_error_messages = {"invalid": "Must be a JSON integer (not a string or a boolean)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean: "true", 1 and "yes" are refused."""

    default_error_messages = {"invalid": "Must be a JSON boolean (true or false)."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    """A JSON string: numbers are refused."""

    default_error_messages = {"invalid": "Must be a JSON string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "pattern": r"^\d{2}/\d{2}/\d{4}$", "example": "06/05/2015"})
class UsDateField(serializers.Field):
    """`MM/DD/YYYY`, as the vendor app sends and reads dates; impossible dates are refused."""

    default_error_messages = {
        "format": "Use the MM/DD/YYYY format (for example 06/05/2015).",
        "impossible": "{value} is not a date that exists.",
    }

    def to_internal_value(self, data):
        try:
            parsed = us_date_parse(data) if isinstance(data, str) else None
        except ValueError:
            self.fail("impossible", value=data)
        if parsed is None:
            self.fail("format")
        return parsed

    def to_representation(self, value):
        return us_date(value)


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


# --- types, responses, teams ---------------------------------------------------------------


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


# --- individuals ---------------------------------------------------------------------------


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


# --- connections ---------------------------------------------------------------------------


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
    Date = UsDateField()
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
    DueDate = UsDateField(allow_null=True)
    Completed = serializers.BooleanField()
    CompletedDate = UsDateField(allow_null=True)
    FamilyConnection = serializers.BooleanField()
    FamId = serializers.IntegerField(allow_null=True, help_text="The contact's family.")
    DateCreated = UsDateField()
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
    EarliestDueDate = UsDateField(allow_null=True)


# --- change requests: the POST body --------------------------------------------------------

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    ChangeRequestKind.ADD: (
        "ConnectionId",
        "Complete",
        "ConnectionDate",
        "ConnectionTypeId",
        "FamilyConnection",
        "ContactIndvId",
        "Reassign",
        "NewCallerIndvId",
        "NewTeamId",
        "Comment",
        "ResponseIdList",
    ),
    ChangeRequestKind.REASSIGN: (
        "ConnectionId",
        "Complete",
        "ConnectionDate",
        "Reassign",
        "NewCallerIndvId",
        "NewTeamId",
        "Comment",
        "ResponseIdList",
    ),
    ChangeRequestKind.COMPLETE: (
        "ConnectionId",
        "Complete",
        "ConnectionDate",
        "Reassign",
        "Comment",
        "ResponseIdList",
    ),
}
REQUIRED_FIELDS[ChangeRequestKind.MODIFY] = REQUIRED_FIELDS[ChangeRequestKind.COMPLETE]

PAYLOAD_KEYS: dict[str, tuple[str, ...]] = {
    ChangeRequestKind.ADD: (
        "connection_type_id",
        "contact_indv_id",
        "family_connection",
        "complete",
        "connection_date",
        "new_caller_indv_id",
        "new_team_id",
        "open_category_id",
        "comment",
        "response_ids",
    ),
    ChangeRequestKind.REASSIGN: (
        "connection_date",
        "new_caller_indv_id",
        "new_team_id",
        "comment",
        "response_ids",
    ),
    ChangeRequestKind.COMPLETE: ("connection_date", "comment", "response_ids"),
    ChangeRequestKind.MODIFY: ("connection_date", "comment", "response_ids"),
}
"""What each kind of change uses from the body; the rest of a body is not stored."""


class ChangeRequestInputSerializer(serializers.Serializer):
    """The body of `POST <site>/connections` (seed 004). Which fields are required depends on
    the kind of change, read from ConnectionId, Reassign and Complete."""

    ConnectionId = StrictIntegerField(
        source="connection_id",
        min_value=NONE,
        required=False,
        help_text="-1 adds a new connection; an existing ConnectionId completes, modifies or "
        "(with Reassign) reassigns it.",
    )
    Complete = StrictBooleanField(
        source="complete", required=False, help_text="Connection completed?"
    )
    ConnectionDate = UsDateField(
        source="connection_date",
        required=False,
        help_text="MM/DD/YYYY. The due date (add, modify, reassign) or the date contact was "
        "made (complete).",
    )
    ConnectionTypeId = StrictIntegerField(
        source="connection_type_id",
        min_value=1,
        required=False,
        help_text="Add only: the connection's type (Connection Types API).",
    )
    FamilyConnection = StrictBooleanField(
        source="family_connection",
        required=False,
        help_text="Add only: a family connection rather than an individual one.",
    )
    ContactIndvId = StrictIntegerField(
        source="contact_indv_id",
        min_value=1,
        required=False,
        help_text="Add only: who will be contacted (Individual Search API).",
    )
    OpenCategoryId = StrictIntegerField(
        source="open_category_id",
        min_value=1,
        required=False,
        default=1,
        help_text="Not used by the vendor; defaults to 1.",
    )
    Reassign = StrictBooleanField(
        source="reassign",
        required=False,
        help_text="true reassigns the existing connection to NewCallerIndvId or NewTeamId.",
    )
    NewCallerIndvId = StrictIntegerField(
        source="new_caller_indv_id",
        min_value=NONE,
        required=False,
        help_text="Add and reassign: the individual making the contact, or -1 when a team does.",
    )
    NewTeamId = StrictIntegerField(
        source="new_team_id",
        min_value=NONE,
        required=False,
        help_text="Add and reassign: the team making the contact, or -1 when an individual does.",
    )
    Comment = StrictCharField(
        source="comment",
        required=False,
        allow_blank=True,
        max_length=4000,
        trim_whitespace=True,
        help_text="Appended to the connection's comments (never replacing earlier ones).",
    )
    ResponseIdList = serializers.ListField(
        source="response_ids",
        child=StrictIntegerField(min_value=NONE),
        required=False,
        max_length=200,
        help_text="[-1] for no responses, or RespIDs of the connection's type (Available "
        "Responses API); replaces the connection's responses.",
    )

    def validate(self, attrs):
        kind = self._kind(attrs)
        missing = [name for name in REQUIRED_FIELDS[kind] if self._absent(name, attrs)]
        if missing:
            raise serializers.ValidationError(
                {name: [f"This field is required to {kind.label.lower()}."] for name in missing}
            )
        errors: dict[str, list[str]] = {}
        if kind in (ChangeRequestKind.ADD, ChangeRequestKind.REASSIGN):
            errors.update(self._assignee_errors(attrs))
        if kind == ChangeRequestKind.REASSIGN and attrs["complete"]:
            errors["Complete"] = ["A reassign cannot also complete the connection."]
        errors.update(self._response_errors(attrs))
        if errors:
            raise serializers.ValidationError(errors)
        return self._normalised(kind, attrs)

    def _kind(self, attrs) -> ChangeRequestKind:
        if "connection_id" not in attrs:
            raise serializers.ValidationError({"ConnectionId": ["This field is required."]})
        if attrs["connection_id"] == 0:
            raise serializers.ValidationError(
                {"ConnectionId": ["Use -1 to add a connection, or an existing ConnectionId."]}
            )
        if attrs["connection_id"] == NONE:
            return ChangeRequestKind.ADD
        if "reassign" not in attrs:
            raise serializers.ValidationError({"Reassign": ["This field is required."]})
        if attrs["reassign"]:
            return ChangeRequestKind.REASSIGN
        if "complete" not in attrs:
            raise serializers.ValidationError({"Complete": ["This field is required."]})
        return ChangeRequestKind.COMPLETE if attrs["complete"] else ChangeRequestKind.MODIFY

    def _absent(self, field_name: str, attrs) -> bool:
        return self.fields[field_name].source not in attrs

    @staticmethod
    def _assignee_errors(attrs) -> dict[str, list[str]]:
        caller, team = attrs["new_caller_indv_id"], attrs["new_team_id"]
        if (caller == NONE) == (team == NONE):
            message = (
                "Exactly one of NewCallerIndvId and NewTeamId must be -1: the connection is "
                "assigned to an individual or to a team."
            )
            return {"NewCallerIndvId": [message], "NewTeamId": [message]}
        errors = {}
        for name, value in (("NewCallerIndvId", caller), ("NewTeamId", team)):
            if value == 0:
                errors[name] = ["Must be -1 or an existing id."]
        return errors

    @staticmethod
    def _response_errors(attrs) -> dict[str, list[str]]:
        ids = attrs["response_ids"]
        if NONE in ids and len(ids) > 1:
            return {"ResponseIdList": ["Send [-1] for no responses, or response ids: not both."]}
        if any(value < 1 for value in ids if value != NONE):
            return {"ResponseIdList": ["Response ids are positive integers (or [-1] for none)."]}
        return {}

    @staticmethod
    def _normalised(kind: ChangeRequestKind, attrs) -> dict:
        data = {key: attrs[key] for key in PAYLOAD_KEYS[kind] if key in attrs}
        data["response_ids"] = sorted({value for value in attrs["response_ids"] if value != NONE})
        for key in ("new_caller_indv_id", "new_team_id"):
            if key in data and data[key] == NONE:
                data[key] = None
        return {"kind": kind, "connection_id": attrs["connection_id"], **data}


class ChangeRequestRejectInputSerializer(serializers.Serializer):
    Message = StrictCharField(
        source="message",
        required=False,
        allow_blank=True,
        max_length=4000,
        default="",
        help_text="Why the change request is rejected (optional).",
    )


class ChangeRequestListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ChangeRequestStatus.choices, required=False, help_text="Any case."
    )
    kind = serializers.ChoiceField(
        choices=ChangeRequestKind.choices, required=False, help_text="Any case."
    )
    submitter = serializers.CharField(
        required=False, max_length=150, help_text="The submitter's username."
    )

    def to_internal_value(self, data):
        data = {key: data[key] for key in self.fields if key in data}
        for key in ("status", "kind"):
            if isinstance(data.get(key), str):
                data[key] = data[key].upper()
        return super().to_internal_value(data)


# --- change requests: output ---------------------------------------------------------------

_SUBMITTED_NAMES = {
    field.source: name for name, field in ChangeRequestInputSerializer().fields.items()
}
"""The POST body's name of each stored payload key (the input fields' `source`s, reversed)."""


def submitted_fields(change_request: ChangeRequest) -> dict:
    """The stored payload in the POST body's own vocabulary (-1 for none, MM/DD/YYYY)."""
    payload = change_request.payload
    if change_request.kind == ChangeRequestKind.ADD:
        fields = {"ConnectionId": NONE}
    else:
        fields = {"ConnectionId": change_request.connection.number}
    fields["Reassign"] = change_request.kind == ChangeRequestKind.REASSIGN
    for key, value in payload.items():
        if key == "connection_date":
            value = us_date(date.fromisoformat(value))
        elif key == "response_ids":
            value = value or [NONE]
        elif value is None:
            value = NONE
        fields[_SUBMITTED_NAMES[key]] = value
    if change_request.kind != ChangeRequestKind.ADD:
        fields["Complete"] = change_request.kind == ChangeRequestKind.COMPLETE
    return fields


def change_request_data(change_request: ChangeRequest) -> dict:
    """One change request as the review endpoints show it (built by hand: the list's path)."""
    connection = change_request.connection
    submitter, reviewer = change_request.submitted_by, change_request.reviewed_by
    return {
        "ConnectionCRId": change_request.number,
        "Kind": change_request.kind,
        "Status": change_request.status,
        "ConnectionId": connection.number if connection else None,
        "BaseVersion": change_request.base_version,
        "SubmittedBy": submitter.get_username() if submitter else None,
        "SubmittedAt": us_datetime(change_request.submitted_at),
        "ReviewedBy": reviewer.get_username() if reviewer else None,
        "ReviewedAt": us_datetime(change_request.reviewed_at),
        "ReviewMessage": change_request.review_message,
        "FailureReason": change_request.failure_reason,
        "Request": submitted_fields(change_request),
    }


class SubmittedFieldsSerializer(serializers.Serializer):
    """The fields the change request carries, as the POST body named them."""

    ConnectionId = serializers.IntegerField(help_text="-1 for an add.")
    Reassign = serializers.BooleanField()
    Complete = serializers.BooleanField()
    ConnectionDate = UsDateField()
    ConnectionTypeId = serializers.IntegerField(required=False, help_text="Add only.")
    ContactIndvId = serializers.IntegerField(required=False, help_text="Add only.")
    FamilyConnection = serializers.BooleanField(required=False, help_text="Add only.")
    OpenCategoryId = serializers.IntegerField(required=False, help_text="Add only.")
    NewCallerIndvId = serializers.IntegerField(required=False, help_text="Add and reassign.")
    NewTeamId = serializers.IntegerField(required=False, help_text="Add and reassign.")
    Comment = serializers.CharField()
    ResponseIdList = serializers.ListField(child=serializers.IntegerField())


class ChangeRequestOutputSerializer(serializers.Serializer):
    """Schema of `change_request_data` (the representation is built by hand)."""

    ConnectionCRId = serializers.IntegerField()
    Kind = serializers.ChoiceField(choices=ChangeRequestKind.choices)
    Status = serializers.ChoiceField(choices=ChangeRequestStatus.choices)
    ConnectionId = serializers.IntegerField(
        allow_null=True, help_text="null for an add not applied yet."
    )
    BaseVersion = serializers.IntegerField(
        allow_null=True, help_text="The connection's version when submitted (null for an add)."
    )
    SubmittedBy = serializers.CharField(allow_null=True)
    SubmittedAt = serializers.CharField(help_text="MM/DD/YYYY HH:MM:SS (server time zone).")
    ReviewedBy = serializers.CharField(allow_null=True)
    ReviewedAt = serializers.CharField(
        allow_null=True, help_text="MM/DD/YYYY HH:MM:SS (server time zone)."
    )
    ReviewMessage = serializers.CharField(allow_blank=True)
    FailureReason = serializers.CharField(
        allow_blank=True, help_text="Why the last apply failed (the request stays PENDING)."
    )
    Request = SubmittedFieldsSerializer()


class ApplyFailureSerializer(serializers.Serializer):
    ConnectionCRId = serializers.IntegerField()
    Reason = serializers.CharField()


class ApplyAllOutputSerializer(serializers.Serializer):
    Applied = serializers.ListField(
        child=serializers.IntegerField(), help_text="ConnectionCRIds applied."
    )
    Failed = ApplyFailureSerializer(many=True, help_text="Left PENDING or already decided.")
