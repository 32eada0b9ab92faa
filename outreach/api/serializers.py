"""Shapes of the outreach API, with the vendor app's PascalCase names and MM/DD/YYYY dates.

Lookups (read paths) build plain dicts (`*_data` functions, ~1.6x faster than nested
ModelSerializers); the Serializer classes beside each describe the same shape for the OpenAPI
schema, and tests check that both name the same keys.

The change-request POST body is validated strictly: JSON integers, booleans and strings only
(no "1" for 1), dates as MM/DD/YYYY. Its fields, their vendor names and the body's rules come
from `outreach.payload` (the validated data is a ChangeRequestPayload); the review endpoints
show the same payload with `to_wire()`.
"""

import typing
from datetime import date

from django.http import QueryDict
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
from outreach.payload import (
    ALL_KINDS,
    PAYLOAD_FIELDS,
    ChangeRequestPayload,
    PayloadError,
    PayloadField,
)

if typing.TYPE_CHECKING:
    from outreach.services import ApplyAllResult

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


def _payload_input_field(spec: PayloadField) -> serializers.Field:
    """The strict JSON field of one payload attribute (absent keys are the payload's rule)."""
    common = {"source": spec.attribute, "required": False, "help_text": spec.help}
    value_type = _value_type(spec)
    if value_type is bool:
        return StrictBooleanField(**common)
    if value_type is int:
        return StrictIntegerField(min_value=spec.min_value, **common)
    if value_type is str:
        return StrictCharField(allow_blank=True, max_length=spec.max_length, **common)
    if value_type is date:
        return UsDateField(**common)
    child = StrictIntegerField(min_value=spec.min_value)
    return serializers.ListField(child=child, max_length=spec.max_length, **common)


def _payload_output_field(spec: PayloadField) -> serializers.Field:
    kinds = ", ".join(kind.label for kind in ChangeRequestKind if kind in spec.needed_by)
    common = {"required": spec.needed_by == ALL_KINDS, "help_text": f"{kinds}. {spec.help}"}
    value_type = _value_type(spec)
    if value_type is date:
        return UsDateField(**common)
    if value_type is tuple:
        return serializers.ListField(child=serializers.IntegerField(), **common)
    return {bool: serializers.BooleanField, int: serializers.IntegerField}.get(
        value_type, serializers.CharField
    )(**common)


def _value_type(spec: PayloadField) -> type:
    """bool, int, str, date or tuple (of ints): the attribute's type without its None."""
    (value_type,) = (t for t in typing.get_args(spec.type) if t is not type(None))
    return typing.get_origin(value_type) or value_type


class ChangeRequestInputSerializer(serializers.Serializer):
    """The body of `POST <site>/connections` (seed 004, the vendor's app): one strict JSON
    field per payload attribute, named as the vendor names it (`outreach.payload`). Which keys
    are needed depends on the kind of change, read from ConnectionId, Reassign and Complete;
    unknown keys are ignored. The validated data is a ChangeRequestPayload."""

    def get_fields(self):
        return {spec.name: _payload_input_field(spec) for spec in PAYLOAD_FIELDS}

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):  # DRF's stand-in for an empty form-labelled body
            data = data.dict()  # (a form's absent booleans would read as false)
        return super().to_internal_value(data)

    def validate(self, attrs) -> ChangeRequestPayload:
        try:
            return ChangeRequestPayload.from_fields(attrs)
        except PayloadError as error:
            raise serializers.ValidationError(error.errors) from None


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
        "Request": ChangeRequestPayload.of(change_request).to_wire(),
    }


def apply_all_data(result: "ApplyAllResult") -> dict:
    """What `POST <site>/changerequests/apply` answers."""
    return {
        "Applied": result.applied,
        "Failed": [
            {"ConnectionCRId": number, "Reason": reason} for number, reason in result.failed
        ],
    }


class SubmittedFieldsSerializer(serializers.Serializer):
    """The fields the change request carries, as the POST body named them (-1 for none)."""

    def get_fields(self):
        return {spec.name: _payload_output_field(spec) for spec in PAYLOAD_FIELDS}


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
    Request = SubmittedFieldsSerializer(help_text="The submitted fields the kind uses.")


class ApplyFailureSerializer(serializers.Serializer):
    ConnectionCRId = serializers.IntegerField()
    Reason = serializers.CharField()


class ApplyAllOutputSerializer(serializers.Serializer):
    Applied = serializers.ListField(
        child=serializers.IntegerField(), help_text="ConnectionCRIds applied."
    )
    Failed = ApplyFailureSerializer(many=True, help_text="Left PENDING or already decided.")
