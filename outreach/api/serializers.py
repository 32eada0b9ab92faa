"""Shapes of the outreach API, with the vendor app's PascalCase names and MM/DD/YYYY dates.

What the lookups (read paths) answer is declared and built in `outreach.api.outputs`; this
module holds their query parameters and request bodies.

The change-request POST body is validated strictly: JSON integers, booleans and strings only
(no "1" for 1), dates as MM/DD/YYYY. Its fields, their vendor names and the body's rules come
from `outreach.fields` (the validated data is a ChangeRequestPayload); the review endpoints
show the same payload with `to_wire()`.
"""

import re
import typing
from collections.abc import Callable
from datetime import date
from typing import Annotated, NotRequired, TypedDict

from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connect_api.api.booleans import JSON_BOOLEAN, ZERO_OR_ONE, BooleanField, parse_boolean
from connect_api.api.outputs import Doc, SchemaField
from connect_api.api.pagination import PageQuerySerializer
from connect_api.serializers import BoundedListField, CheapFieldCopiesSerializer
from outreach.api.outputs import review_data
from outreach.choices import ChangeRequestKind, ChangeRequestStatus
from outreach.dates import US_DATE_SCHEMA, us_date, us_date_parse
from outreach.fields import ALL_KINDS, CHANGE_REQUEST_FIELDS, ChangeRequestField
from outreach.models import ChangeRequest
from outreach.payload import ChangeRequestPayload, PayloadError

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


class JsonBooleanField(BooleanField):
    """A JSON boolean: "true", 1 and "yes" are refused."""

    default_error_messages = {"invalid": "Must be a JSON boolean (true or false)."}
    spellings = JSON_BOOLEAN


class StrictCharField(serializers.CharField):
    """A JSON string: numbers are refused."""

    default_error_messages = {"invalid": "Must be a JSON string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(US_DATE_SCHEMA)
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


# --- lookups: query parameters and the directory's request bodies ---------------------------
# (What the lookups answer is declared in `outreach.api.outputs`.)


class IndividualSearchQuerySerializer(PageQuerySerializer):
    """`?q=&pageIndex=&pageSize=` of the individual search."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="Part of a name, email or phone (any case).",
    )


# ASCII digits only: IntegerField also reads " 5", "+5", "5.0", "1_000" and other scripts'
# digits, which the plain check leaves to it.
_PLAIN_NUMBER = re.compile("[0-9]{1,10}")


def _plain_query_number(params, field: serializers.IntegerField) -> int:
    if field.field_name not in params:
        return field.default
    value = params[field.field_name]
    if value == "":  # a blank optional number is its default, as in a form
        return field.default
    if type(value) is not str or not _PLAIN_NUMBER.fullmatch(value):
        raise _NotPlain
    number = int(value)
    if not field.min_value <= number <= field.max_value:
        raise _NotPlain
    return number


def _plain_query_text(params, field: serializers.CharField) -> str:
    if field.field_name not in params:
        return field.default
    value = params[field.field_name]
    if type(value) is not str:
        raise _NotPlain
    value = value.strip()  # blank (or only spaces) is "", as allow_blank answers it
    if value and (len(value) > field.max_length or _REFUSED_CHARACTERS.search(value)):
        raise _NotPlain
    return value


def individual_search_query(params) -> dict:
    """IndividualSearchQuerySerializer's validated data for the query string `params`
    (`pageIndex`, `pageSize` capped at MAX_PAGE_SIZE, `q`, in that order). A query string
    whose values the fields take as sent (ASCII digits in range, a text within its length)
    is read without building and running the serializer's fields, most of its cost on the
    search; any other goes through the serializer, so every refusal is its own 400
    (tests/outreach/test_search_query.py)."""
    fields = _SEARCH_QUERY_FIELDS
    try:
        return {
            "pageIndex": _plain_query_number(params, fields["pageIndex"]),
            "pageSize": min(
                _plain_query_number(params, fields["pageSize"]),
                IndividualSearchQuerySerializer.MAX_PAGE_SIZE,
            ),
            "q": _plain_query_text(params, fields["q"]),
        }
    except _NotPlain:
        query = IndividualSearchQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        return query.validated_data


_SEARCH_QUERY_FIELDS = IndividualSearchQuerySerializer().fields
"""The search's query fields, bound once (their names, defaults and bounds for the plain
check: the declared ones, so the two cannot drift apart)."""


class ConnectionQuerySerializer(serializers.Serializer):
    includeSelf = BooleanField(
        required=False,
        default=False,
        help_text="true: the caller's own person stays in TeamMembers (the app sends true on "
        "a connection's detail); otherwise it is left out.",
    )


class FindByEmailInputSerializer(serializers.Serializer):
    """The body of `PUT accounts/findbyemail` (the app's keys are lower case)."""

    email = StrictCharField(max_length=254)
    password = StrictCharField(max_length=4096, trim_whitespace=False)


class CommentChangeRequestListQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(
        choices=ChangeRequestStatus.choices, required=False, help_text="Any case."
    )

    def to_internal_value(self, data):
        data = {key: data[key] for key in self.fields if key in data}
        if isinstance(data.get("status"), str):
            data["status"] = data["status"].upper()
        return super().to_internal_value(data)


class CommentChangeRequestInputSerializer(serializers.Serializer):
    """The app's CoreCommentChangeRequest. The person and the comment type are the URL's;
    IndvID and CommentTypeId, when sent, must name the same ones. FamilyComment is 0 or 1 (the
    app's int; a JSON boolean is accepted too)."""

    IndvID = StrictIntegerField(required=False, min_value=1)
    CommentTypeId = StrictIntegerField(required=False, min_value=1)
    CommentType = StrictCharField(
        required=False, allow_blank=True, max_length=200, help_text="Ignored (the type's name)."
    )
    Comment = StrictCharField(source="text", max_length=4000, trim_whitespace=True)
    FamilyComment = serializers.JSONField(
        source="family_comment", required=False, default=0, help_text="1: every family member."
    )

    def validate_FamilyComment(self, value) -> bool:
        try:
            return parse_boolean(value, ZERO_OR_ONE)
        except ValueError:
            raise serializers.ValidationError("Must be 0 or 1.") from None

    def validate(self, attrs):
        errors = {}
        for name, expected in (
            ("IndvID", self.context["individual"].number),
            ("CommentTypeId", self.context["comment_type"].number),
        ):
            if name in attrs and attrs[name] != expected:
                errors[name] = [f"Must be {expected}, the one in the URL."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- change requests: the POST body --------------------------------------------------------


def _payload_input_field(spec: ChangeRequestField) -> serializers.Field:
    """The strict JSON field of one payload attribute (absent keys are the payload's rule)."""
    common = {"source": spec.stored, "required": False, "help_text": spec.help}
    value_type = _value_type(spec)
    if value_type is bool:
        return JsonBooleanField(**common)
    if value_type is int:
        return StrictIntegerField(min_value=spec.min_value, **common)
    if value_type is str:
        return StrictCharField(allow_blank=True, max_length=spec.max_length, **common)
    if value_type is date:
        return UsDateField(**common)
    child = StrictIntegerField(min_value=spec.min_value)
    return BoundedListField(child=child, max_length=spec.max_length, **common)


def _value_type(spec: ChangeRequestField) -> type:
    """bool, int, str, date or tuple (of ints)."""
    return typing.get_origin(spec.type) or spec.type


class _NotPlain(Exception):
    """A value the plain check leaves to its DRF field."""


# Characters CharField's validators refuse (NUL, and the surrogates a JSON \ud800 escape makes).
_REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def _plain_integer(value, min_value: int | None) -> int:
    if type(value) is not int or value > MAX_ID or (min_value is not None and value < min_value):
        raise _NotPlain
    return value


def _plain_check(spec: ChangeRequestField) -> Callable[[object], object]:
    """What `_payload_input_field(spec)` answers for a value it takes, found without DRF: the
    value (a string trimmed, a date parsed, a list copied). A value the field might refuse
    raises _NotPlain (the field then checks the whole body and words the errors)."""
    value_type = _value_type(spec)
    if value_type is bool:

        def check(value):
            if type(value) is not bool:
                raise _NotPlain
            return value

    elif value_type is int:

        def check(value):
            return _plain_integer(value, spec.min_value)

    elif value_type is str:

        def check(value):
            if type(value) is not str:
                raise _NotPlain
            value = value.strip()
            too_long = spec.max_length is not None and len(value) > spec.max_length
            if too_long or _REFUSED_CHARACTERS.search(value):
                raise _NotPlain
            return value

    elif value_type is date:

        def check(value):
            try:
                parsed = us_date_parse(value) if type(value) is str else None
            except ValueError:
                parsed = None
            if parsed is None:
                raise _NotPlain
            return parsed

    else:

        def check(value):
            if type(value) is not list or len(value) > spec.max_length:  # (one is required)
                raise _NotPlain
            return [_plain_integer(item, spec.min_value) for item in value]

    return check


_PLAIN_CHECKS = [(spec.wire, spec.stored, _plain_check(spec)) for spec in CHANGE_REQUEST_FIELDS]


def plain_values(data: dict) -> dict | None:
    """What DRF's `to_internal_value` of ChangeRequestInputSerializer answers for a body
    whose every key is taken as sent (the app's bodies), without building and running the
    twelve fields: {stored name: value} in the table's order, absent keys left out. None for
    a body with any value the fields might refuse: they check it (and word the errors)."""
    values = {}
    try:
        for wire, stored, check in _PLAIN_CHECKS:
            if wire in data:
                values[stored] = check(data[wire])
    except _NotPlain:
        return None
    return values


class ChangeRequestInputSerializer(CheapFieldCopiesSerializer):
    """The body of `POST <site>/connections` (seed 004, the vendor's app): one strict JSON
    field per payload attribute, named as the vendor names it (`outreach.payload`). Which keys
    are needed depends on the kind of change, read from ConnectionId, Reassign and Complete;
    unknown keys are ignored. The validated data is a ChangeRequestPayload.

    A body whose values the fields take as sent is read by `plain_values` (the same values,
    without building and running the fields, most of this serializer's cost); any other goes
    through the fields (tests/outreach/test_change_request_body.py)."""

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):  # DRF's stand-in for an empty form-labelled body
            data = data.dict()  # (a form's absent booleans would read as false)
        if type(data) is dict:
            values = plain_values(data)
            if values is not None:
                return values
        return super().to_internal_value(data)

    def run_validators(self, value):
        # DRF's step builds every field to look for read-only defaults; a body with no
        # read-only field and no validators of its own has nothing to run.
        if self.validators or any(field.read_only for field in self._declared_fields.values()):
            super().run_validators(value)

    def validate(self, attrs) -> ChangeRequestPayload:
        try:
            return ChangeRequestPayload.from_fields(attrs)
        except PayloadError as error:
            raise serializers.ValidationError(error.errors) from None


# One strict field per payload attribute, declared once (DRF's metaclass collects only fields
# written in a class body, so these are set after it).
ChangeRequestInputSerializer._declared_fields = {
    spec.wire: _payload_input_field(spec) for spec in CHANGE_REQUEST_FIELDS
}


def change_request_input(data) -> ChangeRequestPayload:
    """The POST body as ChangeRequestInputSerializer validates it: a JSON object whose values
    the fields take as sent (`plain_values`) and whose payload rules hold, read without the
    serializer; any other body goes through it, which raises its own ValidationError
    (tests/outreach/test_change_request_body.py)."""
    if type(data) is dict:
        values = plain_values(data)
        if values is not None:
            try:
                return ChangeRequestPayload.from_fields(values)
            except PayloadError:
                pass  # the serializer words the refusal
    serializer = ChangeRequestInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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
    mine = BooleanField(
        required=False,
        default=False,
        help_text="true: only the caller's own submissions (what a non-Administrator always sees).",
    )

    def to_internal_value(self, data):
        data = {key: data[key] for key in self.fields if key in data}
        for key in ("status", "kind"):
            if isinstance(data.get(key), str):
                data[key] = data[key].upper()
        return super().to_internal_value(data)


# --- change requests: output ---------------------------------------------------------------


def change_request_data(change_request: ChangeRequest) -> "ChangeRequestOutput":
    """One change request as the review endpoints show it (built by hand: the list's path)."""
    connection = change_request.connection
    return {
        "ConnectionCRId": change_request.number,
        "Kind": change_request.kind,
        "Status": change_request.status,
        "ConnectionId": connection.number if connection else None,
        "BaseVersion": change_request.base_version,
        **review_data(change_request),
        "FailureReason": change_request.failure_reason,
        "Request": ChangeRequestPayload.of(change_request).to_wire(),
    }


class ApplyFailure(TypedDict):
    ConnectionCRId: int
    Reason: str


class ApplyAllOutput(TypedDict):
    Applied: Annotated[list[int], Doc("ConnectionCRIds applied.")]
    Failed: Annotated[list[ApplyFailure], Doc("Left PENDING or already decided.")]


def apply_all_data(result: "ApplyAllResult") -> ApplyAllOutput:
    """What `POST <site>/changerequests/apply` answers."""
    return {
        "Applied": result.applied,
        "Failed": [
            {"ConnectionCRId": number, "Reason": reason} for number, reason in result.failed
        ],
    }


def _submitted_hint(spec: ChangeRequestField):
    """The declared type of one submitted field, as its row of the table says."""
    kinds = ", ".join(kind.label for kind in ChangeRequestKind if kind in spec.needed_by)
    value_type = _value_type(spec)
    base = {
        date: Annotated[str, SchemaField(UsDateField)],
        tuple: list[int],
        bool: bool,
        int: int,
    }.get(value_type, str)
    hint = Annotated[base, Doc(f"{kinds}. {spec.help}")]
    return hint if spec.needed_by == ALL_KINDS else NotRequired[hint]


SubmittedFields = TypedDict(
    "SubmittedFields", {spec.wire: _submitted_hint(spec) for spec in CHANGE_REQUEST_FIELDS}
)
SubmittedFields.__doc__ = (
    "The fields the change request carries, as the POST body named them (-1 for none)."
)

US_DATETIME = Doc("MM/DD/YYYY HH:MM:SS (server time zone).")


class ChangeRequestOutput(TypedDict):
    """A connection change request as the site's Administrators review it."""

    ConnectionCRId: int
    Kind: ChangeRequestKind
    Status: ChangeRequestStatus
    ConnectionId: Annotated[int | None, Doc("null for an add not applied yet.")]
    BaseVersion: Annotated[
        int | None, Doc("The connection's version when submitted (null for an add).")
    ]
    SubmittedBy: str | None
    SubmittedAt: Annotated[str, US_DATETIME]
    ReviewedBy: str | None
    ReviewedAt: Annotated[str | None, US_DATETIME]
    ReviewMessage: str
    FailureReason: Annotated[str, Doc("Why the last apply failed (the request stays PENDING).")]
    Request: Annotated[SubmittedFields, Doc("The submitted fields the kind uses.")]
