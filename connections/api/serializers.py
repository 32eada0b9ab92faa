"""Input and output shapes of the supplier connection API.

Input serializers accept the seeds' aliases and map them onto one internal name (the model
field, through `source`). Each output is a TypedDict (connect_api.api.outputs: the schema is
derived from it) built by one `*_data` function from prefetched rows (the request list is the
hot read path: `selectors.with_child_rows` is its batch step).
"""

import uuid
from collections.abc import Callable, Mapping
from typing import Annotated, NotRequired, TypedDict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from connect_api.api.booleans import BooleanField
from connect_api.api.outputs import (
    ContactOutput,
    DateTime,
    Doc,
    Uuid,
    iso_utc,
    or_null,
    person_data,
)
from connect_api.errors import shown
from connect_api.serializers import BoundedListField, CheapFieldCopiesSerializer
from connections.choices import ConnectionRequestStatus, IntegrationType, ReviewAction, specs_for
from connections.cron import (
    DEFAULT_TIME_ZONE,
    MIN_INTERVAL_MINUTES,
    NEXT_RUNS,
    describe_cron,
    next_runs,
    schedule_warnings,
)
from connections.models import Connection, ConnectionRequest, ReviewEntry
from connections.selectors import IntegrationRow, ReviewEntryRow, UploadedFileRow
from connections.validators import (
    VALID_CRON_FORMS,
    validate_time_zone,
    validate_update_frequency,
)
from organizations.choices import OrganizationType
from organizations.models import AccountManager, Organization
from uploads.selectors import UploadCheckOutput, upload_check_for
from uploads.services import specs_key

# --- input -------------------------------------------------------------------------------


class AliasedSerializer(CheapFieldCopiesSerializer):
    """`aliases = {"field": ("alias", ...)}`: any one spelling is accepted, two of them -> 400.

    Errors name the field the way the client spelled it.
    """

    aliases: dict[str, tuple[str, ...]] = {}

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        data = dict(data)
        sent_as: dict[str, str] = {}
        conflicts: dict[str, list[str]] = {}
        for field, alternatives in self.aliases.items():
            present = [name for name in (field, *alternatives) if name in data]
            if len(present) > 1:
                conflicts[present[1]] = [
                    f"Give only one of {', '.join(present)}: they name the same field."
                ]
            elif present and present[0] != field:
                data[field] = data.pop(present[0])
                sent_as[field] = present[0]
        if conflicts:
            raise serializers.ValidationError(conflicts)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, Mapping):
                raise serializers.ValidationError(
                    {sent_as.get(key, key): value for key, value in error.detail.items()}
                ) from None
            raise


@extend_schema_field(
    {
        "type": "string",
        "enum": [*IntegrationType.values, *(f"{value}s" for value in IntegrationType.values)],
        "description": "Singular or plural spelling; responses give the singular.",
    }
)
class IntegrationTypeField(serializers.ChoiceField):
    """`item`, `order`, ... also spelled in the plural (`items`) as the seeds do; any case."""

    default_error_messages = {
        "invalid_choice": (
            '"{input}" is not a valid integration type: use item, order, allocation, '
            "tracking or other (plural spellings such as items are accepted)."
        )
    }

    def __init__(self, **kwargs):
        super().__init__(choices=IntegrationType.choices, **kwargs)

    def to_internal_value(self, data):
        value = IntegrationType.from_spelling(data)
        if value is None:
            self.fail("invalid_choice", input=shown(data))
        return value


class IntegrationInputSerializer(AliasedSerializer):
    """One integration of a POST or PATCH body.

    On PATCH `record_uuid` names an integration of this request to update (only the fields
    given) or, with `"delete": true`, to remove; without it the item is a new integration.
    On POST `record_uuid` is read-only and ignored.
    """

    aliases = {"type": ("integration_type",), "file_locations": ("feed_source_file_locations",)}

    record_uuid = serializers.UUIDField(required=False, help_text="PATCH only; ignored on POST.")
    delete = BooleanField(
        required=False, default=False, help_text="PATCH only: remove the integration."
    )
    type = IntegrationTypeField(source="integration_type", help_text="Alias: integration_type.")
    update_frequency = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        validators=[validate_update_frequency],
        error_messages={"blank": "Give an update frequency or null: " + VALID_CRON_FORMS},
        help_text="Cron, or null (or omitted) for none: " + VALID_CRON_FORMS,
    )
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        validators=[validate_time_zone],
        help_text=(
            "IANA time zone update_frequency is read in (e.g. Europe/Berlin); "
            f"omitted or null: {DEFAULT_TIME_ZONE}."
        ),
    )
    file_locations = serializers.CharField(
        required=False, allow_blank=True, help_text="Alias: feed_source_file_locations."
    )
    file_specs = serializers.CharField(required=False, allow_blank=True)
    rules = serializers.CharField(required=False, allow_blank=True)

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not self.context.get("merging", False):
            data = _without_merge_keys(data)
        return _integration_nulls_read(super().to_internal_value(data))

    def validate(self, attrs):
        refusal = _merge_refusal(attrs) if self.context.get("merging", False) else None
        if refusal:
            raise serializers.ValidationError(refusal)
        return attrs


def _without_merge_keys(data: Mapping) -> dict:
    """A POST's integration: `record_uuid` and `delete` are PATCH's, ignored."""
    return {key: value for key, value in data.items() if key not in ("record_uuid", "delete")}


def _integration_nulls_read(attrs: dict) -> dict:
    """A null schedule is stored as none (answered as null); a null zone is the default."""
    if attrs.get("update_frequency", "") is None:
        attrs["update_frequency"] = ""
    if "time_zone" in attrs and attrs["time_zone"] is None:
        attrs["time_zone"] = DEFAULT_TIME_ZONE
    return attrs


def _merge_refusal(attrs: dict) -> dict | None:
    """Why a PATCH's integration cannot be merged (a field's errors), or None."""
    if attrs.get("delete") and "record_uuid" not in attrs:
        return {"delete": ["Name the integration to delete with its record_uuid."]}
    if "record_uuid" not in attrs and "integration_type" not in attrs:
        return {"type": ["This field is required for a new integration."]}
    return None


def _repeated_record_uuid(items: list[dict]) -> bool:
    named = [item["record_uuid"] for item in items if "record_uuid" in item]
    return len(named) != len(set(named))


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "object",
                "properties": {"uuid": {"type": "string", "format": "uuid"}},
                "required": ["uuid"],
            },
            {"type": "string", "format": "uuid"},
        ]
    }
)
class UploadReferenceField(serializers.Field):
    """An upload named as `{"uuid": ...}` or as a bare uuid string; kept as a string."""

    default_error_messages = {"invalid": 'Give an upload as {{"uuid": "<uuid>"}} or "<uuid>".'}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            data = data.get("uuid")
        if not isinstance(data, str) or not data:
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return {"uuid": str(value)}


class ConnectionRequestInputSerializer(AliasedSerializer):
    """POST (all required fields) and PATCH (`partial=True`, integrations merged) body."""

    aliases = {
        "organization_name": ("org_name",),
        "primary_contact_name": ("org_contact_full_name",),
        "organization_account_number": ("retailer_account_number", "supplier_account_number"),
        "integrations": ("requested_integrations",),
    }

    organization_name = serializers.CharField(
        source="counterpart_name", max_length=200, help_text="Alias: org_name."
    )
    primary_contact_name = serializers.CharField(
        source="contact_name", max_length=200, help_text="Alias: org_contact_full_name."
    )
    primary_contact_phone = serializers.CharField(
        source="contact_phone", max_length=20, required=False, allow_blank=True
    )
    primary_contact_email = serializers.EmailField(
        source="contact_email", required=False, allow_blank=True
    )
    organization_account_number = serializers.CharField(
        source="account_number",
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=(
            "The requester's account number in the counterpart's system. "
            "Aliases: retailer_account_number, supplier_account_number."
        ),
    )
    additional_information = serializers.CharField(required=False, allow_blank=True)
    integrations = IntegrationInputSerializer(
        many=True, required=False, max_length=50, help_text="Alias: requested_integrations."
    )
    uploaded_files = BoundedListField(
        child=UploadReferenceField(),
        required=False,
        max_length=100,
        help_text="Uploads of the caller's organization; on PATCH the list replaces the set.",
    )

    def validate_integrations(self, items):
        if _repeated_record_uuid(items):
            raise serializers.ValidationError("Each record_uuid may appear only once.")
        return items


# The POST and PATCH body checked plainly. DRF validates the create body with a field object
# per value and a nested serializer per integration (copied, bound and run for every request):
# most of the input's cost. A body the serializer would accept as it stands (JSON strings,
# lists and objects; booleans for `delete`) is checked here by the same rules, read from the
# serializer's declared fields, into the same validated data; anything else (any error, a
# number where a string goes, a form body) goes through the serializer, so every refusal and
# its message is DRF's own. Pinned by tests/connections/test_plain_input.py.

_CHAR_FIELD_OWN = (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)
_UNCHECKED = object()
"""What a check answers for a value the plain rules do not take: the serializer decides."""


def _plain_text(field: serializers.CharField) -> Callable[[object, bool], object]:
    """A CharField's value for a JSON string it accepts (trimmed, then its validators)."""
    max_length, blank = field.max_length, field.allow_blank
    others = [
        validator for validator in field.validators if not isinstance(validator, _CHAR_FIELD_OWN)
    ]

    def check(value, partial):
        if type(value) is not str:
            return _UNCHECKED
        value = value.strip()
        if not value:
            return "" if blank else _UNCHECKED  # blank: DRF runs no validator either
        if (max_length is not None and len(value) > max_length) or "\x00" in value:
            return _UNCHECKED
        if not value.isascii():
            try:
                value.encode()  # a surrogate cannot be
            except UnicodeEncodeError:
                return _UNCHECKED
        for validator in others:
            try:
                validator(value)
            except (serializers.ValidationError, DjangoValidationError):
                return _UNCHECKED
        return value

    return check


def _plain_uuid(value):
    if type(value) is not str:
        return _UNCHECKED
    try:
        return uuid.UUID(hex=value)  # what UUIDField reads a string as
    except ValueError:
        return _UNCHECKED


def _plain_upload(value):
    """UploadReferenceField's value: the uuid string, bare or as {"uuid": ...}."""
    if type(value) is dict:
        value = value.get("uuid")
    return value if type(value) is str and value else _UNCHECKED


def _plain_list(field: serializers.ListField | serializers.ListSerializer, item):
    def check(value, partial):
        if type(value) is not list or (not value and not field.allow_empty):
            return _UNCHECKED
        if field.max_length is not None and len(value) > field.max_length:
            return _UNCHECKED
        if field.min_length is not None and len(value) < field.min_length:
            return _UNCHECKED
        items = []
        for one in value:
            checked = item(one, partial)
            if checked is _UNCHECKED:
                return _UNCHECKED
            items.append(checked)
        return items

    return check


def _plain_check(field: serializers.Field) -> Callable:
    """`check(value, partial)`: what `field` makes of a value it accepts, or _UNCHECKED."""
    kind = type(field)
    if kind is BoundedListField and type(field.child) is UploadReferenceField:
        return _plain_list(field, lambda value, partial: _plain_upload(value))
    if kind is serializers.ListSerializer and type(field.child) is IntegrationInputSerializer:
        return _plain_list(field, _plain_integration)
    if kind in (serializers.CharField, serializers.EmailField):
        if field.trim_whitespace and field.min_length is None:
            return _plain_text(field)
    elif not field.validators:
        if kind is serializers.UUIDField:
            return lambda value, partial: _plain_uuid(value)
        if kind is BooleanField:
            return lambda value, partial: value if type(value) is bool else _UNCHECKED
        if kind is IntegrationTypeField:
            # from_spelling answers None for anything but a string
            return lambda value, partial: IntegrationType.from_spelling(value) or _UNCHECKED
    return lambda value, partial: _UNCHECKED


def _plain_shape(serializer_class: type[AliasedSerializer]) -> list[tuple]:
    """Per declared field: its name, its aliases, its source, whether required, its default,
    whether null is taken, and its check."""
    shape = []
    for name, field in serializer_class._declared_fields.items():
        if field.read_only:
            continue
        aliases = tuple(serializer_class.aliases.get(name, ()))
        source = field.source or name
        check = _plain_check(field)
        shape.append(
            (name, aliases, source, field.required, field.default, field.allow_null, check)
        )
    return shape


_ABSENT = object()


def _plain_object(shape: list[tuple], data, partial: bool):
    """The attrs a serializer of `shape` validates `data` into, or _UNCHECKED (a field given
    under two of its spellings too)."""
    if type(data) is not dict:
        return _UNCHECKED
    attrs = {}
    given = data.get
    for name, aliases, source, required, default, allow_null, check in shape:
        value = given(name, _ABSENT)
        for alias in aliases:
            if alias in data:
                if value is not _ABSENT:
                    return _UNCHECKED
                value = data[alias]
        if value is _ABSENT:
            if partial:
                continue
            if default is serializers.empty:
                if required:
                    return _UNCHECKED
                continue
            if callable(default):
                return _UNCHECKED
            attrs[source] = default
            continue
        if value is None:
            if not allow_null:
                return _UNCHECKED
            attrs[source] = None
            continue
        value = check(value, partial)
        if value is _UNCHECKED:
            return _UNCHECKED
        attrs[source] = value
    return attrs


def _plain_integration(data, partial: bool):
    """IntegrationInputSerializer's attrs (on PATCH, `partial`, merged by record_uuid)."""
    if not partial and type(data) is dict and ("record_uuid" in data or "delete" in data):
        data = _without_merge_keys(data)
    attrs = _plain_object(_INTEGRATION_SHAPE, data, partial)
    if attrs is _UNCHECKED:
        return _UNCHECKED
    attrs = _integration_nulls_read(attrs)
    if partial and _merge_refusal(attrs):
        return _UNCHECKED
    return attrs


_INTEGRATION_SHAPE = _plain_shape(IntegrationInputSerializer)
_REQUEST_SHAPE = _plain_shape(ConnectionRequestInputSerializer)


def plain_request_input(data, *, partial: bool = False) -> dict | None:
    """ConnectionRequestInputSerializer's validated data for a body it accepts as it stands
    (`partial`: a PATCH's, integrations merged), or None: ask the serializer."""
    attrs = _plain_object(_REQUEST_SHAPE, data, partial)
    if attrs is _UNCHECKED:
        return None
    if _repeated_record_uuid(attrs.get("integrations", [])):
        return None
    return attrs


def connection_request_input(data, *, partial: bool = False) -> dict:
    """The POST body (`partial`: the PATCH body, integrations merged by record_uuid) as
    ConnectionRequestInputSerializer validates it: checked plainly when it can be
    (plain_request_input), else by the serializer, which raises its ValidationError."""
    attrs = plain_request_input(data, partial=partial)
    if attrs is not None:
        return attrs
    serializer = ConnectionRequestInputSerializer(
        data=data, partial=partial, context={"merging": partial}
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ApproveInputSerializer(serializers.Serializer):
    supplier_uuid = serializers.UUIDField(
        required=False, help_text="Existing supplier to link (when a retailer requested)."
    )
    retailer_uuid = serializers.UUIDField(
        required=False, help_text="Existing retailer to link (when a supplier requested)."
    )

    def validate(self, attrs):
        if len(attrs) > 1:
            raise serializers.ValidationError(
                {"retailer_uuid": ["Give supplier_uuid or retailer_uuid, not both."]}
            )
        return attrs


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RequestChangesInputSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=2000, help_text="What the requester should change (shown and mailed to them)."
    )
    integrations = BoundedListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=50,
        help_text="record_uuids of the request's integrations the message is about.",
    )
    uploaded_files = BoundedListField(
        child=UploadReferenceField(),
        required=False,
        max_length=100,
        help_text="The request's files the message is about.",
    )


# --- output ------------------------------------------------------------------------------


class PersonOutput(ContactOutput):
    # organizations' contact shape under the component name the generated clients know.
    pass


class AccountManagerOutput(TypedDict):
    uuid: Uuid
    person: PersonOutput


class IntegrationOutput(TypedDict):
    record_uuid: Uuid
    integration_type: IntegrationType
    update_frequency: str | None
    time_zone: Annotated[str, Doc("IANA time zone update_frequency is read in.")]
    next_runs: Annotated[
        list[DateTime] | None,
        Doc(
            f"The next {NEXT_RUNS} times update_frequency fires, in time_zone (ISO 8601 with "
            "its offset; `Z` for UTC); null without one."
        ),
    ]
    next_runs_utc: Annotated[
        list[DateTime] | None, Doc("The same times in UTC; null without a schedule.")
    ]
    schedule_description: Annotated[
        str | None,
        Doc("update_frequency in plain English, naming time_zone; null without one."),
    ]
    schedule_warnings: Annotated[
        list[str],
        Doc(
            "Plain sentences for a schedule that is almost surely a mistake (more than once a "
            f"minute, more often than every {MIN_INTERVAL_MINUTES} minutes, only in some "
            "years); empty otherwise. Warnings never refuse a request."
        ),
    ]
    feed_source_file_locations: str | None
    file_specs: str | None
    rules: str | None
    date_created: DateTime


class UploadedFileOutput(TypedDict):
    name: str
    uuid: Uuid
    checks: Annotated[
        UploadCheckOutput | None,
        Doc(
            "The file checked against the docs' flat-file spec its integrations imply "
            "(run in the job queue: pending until then); null for a file attached before checks."
        ),
    ]


class ReviewEntryOutput(TypedDict):
    uuid: Uuid
    action: ReviewAction
    at: DateTime
    by: Annotated[str | None, Doc("The name of who did it.")]
    account_manager: Annotated[
        AccountManagerOutput | None,
        Doc("Staff's lines: the account manager; null for the requester's."),
    ]
    message: Annotated[
        str | None, Doc("What to change (CHANGES REQUESTED), or the rejection reason.")
    ]
    integrations: Annotated[list[Uuid], Doc("record_uuids of the integrations concerned.")]
    uploaded_files: Annotated[list[Uuid], Doc("uuids of the files concerned.")]


class ConnectionRequestOutput(TypedDict):
    """A connection request: its fields, integrations, files and review history."""

    record_uuid: Uuid
    org_name: str
    org_contact_full_name: str
    primary_contact_phone: str | None
    primary_contact_email: str | None
    retailer_account_number: NotRequired[
        Annotated[str | None, Doc("Present when the requester is a retailer.")]
    ]
    supplier_account_number: NotRequired[
        Annotated[str | None, Doc("Present when the requester is a supplier.")]
    ]
    additional_information: str | None
    request_date: DateTime
    status: Annotated[
        str,
        Doc(
            "PENDING, APPROVED, REJECTED, WITHDRAWN, or CHANGES REQUESTED (only once "
            "staff asked for changes; the requester's next change makes it PENDING again)."
        ),
    ]
    is_approved: bool
    approved_by: AccountManagerOutput | None
    rejection_reason: Annotated[
        str | None, Doc("Why the request was rejected; null unless REJECTED.")
    ]
    integrations: list[IntegrationOutput]
    uploaded_files: list[UploadedFileOutput]
    changes_requested: Annotated[
        ReviewEntryOutput | None,
        Doc("While status is CHANGES REQUESTED: what staff asked to change; else null."),
    ]
    history: Annotated[
        list[ReviewEntryOutput],
        Doc(
            "Every decision and resubmission (staff asking for changes, the requester's "
            "resubmission, approval, rejection, withdrawal), oldest first."
        ),
    ]


class ConnectionRequestCreated(TypedDict):
    request_uuid: Uuid
    request_date: DateTime


class OrganizationDetailOutput(TypedDict):
    uuid: Uuid
    name: str
    website: str | None
    org_type: OrganizationType
    status: str
    created_date: DateTime
    active_date: DateTime | None
    account_manager: AccountManagerOutput | None
    retailer_uuid: Annotated[str, Doc('The retailer\'s uuid, or "" for a supplier.')]
    supplier_uuid: Annotated[str, Doc('The supplier\'s uuid, or "" for a retailer.')]


class ConnectionPartyOutput(TypedDict):
    uuid: Uuid
    organization: OrganizationDetailOutput
    contact: PersonOutput | None


class ConnectionOutput(TypedDict):
    """A connection between a retailer and a supplier."""

    uuid: Uuid
    retailer: ConnectionPartyOutput
    supplier: ConnectionPartyOutput
    status: str
    account_manager: AccountManagerOutput | None
    allocation_type: str | None
    suppliers_retailer_account_number: str | None
    retailers_supplier_account_number: str | None
    deactivated_date: DateTime | None


def connection_request_created_data(
    connection_request: ConnectionRequest,
) -> ConnectionRequestCreated:
    """What a POST that created the request answers."""
    return {
        "request_uuid": str(connection_request.uuid),
        "request_date": iso_utc(connection_request.request_date),
    }


def account_manager_data(manager: AccountManager | None) -> AccountManagerOutput | None:
    if manager is None:
        return None
    return {"uuid": str(manager.uuid), "person": person_data(manager.person)}


def iso_local(value) -> str:
    """ISO 8601 with the value's own offset (`Z` for UTC, as iso_utc writes it)."""
    return value.isoformat().replace("+00:00", "Z")


_formatted_runs: dict[int, tuple[list, list[str], list[str]]] = {}
"""ISO 8601 strings (in the zone, and in UTC) of the lists `next_runs` hands out, by the
list's identity."""


def _runs_iso(runs: list) -> tuple[list[str], list[str]]:
    """`runs` as ISO 8601 strings in their zone and in UTC, formatted once per list:
    `next_runs` hands out the same list for an expression and zone until its first run passes
    (a list of many rows with one schedule formats its datetimes once, not once per row)."""
    cached = _formatted_runs.get(id(runs))
    if cached is None or cached[0] is not runs:
        if len(_formatted_runs) >= 4096:
            _formatted_runs.clear()
        cached = _formatted_runs[id(runs)] = (
            runs,
            [iso_local(run) for run in runs],
            [iso_utc(run) for run in runs],
        )
    return [*cached[1]], [*cached[2]]


def schedule_data(update_frequency: str, time_zone: str) -> dict:
    """What a schedule means: its next fire times in its zone (ISO 8601 with that zone's
    offset) and in UTC, an English description naming the zone (null for these three without
    a schedule), and warnings for a schedule that is almost surely a mistake."""
    runs = next_runs(update_frequency, time_zone=time_zone)
    local, utc = (None, None) if runs is None else _runs_iso(runs)
    return {
        "time_zone": time_zone,
        "next_runs": local,
        "next_runs_utc": utc,
        "schedule_description": describe_cron(update_frequency, time_zone),
        "schedule_warnings": schedule_warnings(update_frequency),
    }


def _by(entry: ReviewEntry) -> str | None:
    """Who wrote a history line: the account manager's name, else the user's."""
    if entry.account_manager is not None:
        person = entry.account_manager.person
        return f"{person.first_name} {person.last_name}".strip()
    if entry.user is not None:  # User.get_full_name(), else the username
        user = entry.user
        return f"{user.first_name} {user.last_name}".strip() or user.username
    return None


def review_entry_data(entry: ReviewEntry | ReviewEntryRow) -> ReviewEntryOutput:
    return {
        "uuid": str(entry.uuid),
        "action": entry.action,
        "at": iso_utc(entry.created_at),
        "by": _by(entry),
        "account_manager": account_manager_data(entry.account_manager),
        "message": or_null(entry.message),
        "integrations": entry.integrations,
        "uploaded_files": entry.uploaded_files,
    }


def changes_requested_data(
    connection_request: ConnectionRequest, history: list[ReviewEntryOutput]
) -> ReviewEntryOutput | None:
    """While the request is CHANGES REQUESTED: what staff asked for (the last such line)."""
    if connection_request.status != ConnectionRequestStatus.CHANGES_REQUESTED:
        return None
    asked = [entry for entry in history if entry["action"] == ReviewAction.CHANGES_REQUESTED]
    return asked[-1] if asked else None


def connection_request_data(connection_request: ConnectionRequest) -> ConnectionRequestOutput:
    """The request as the API shows it, from `connection_requests_for` rows given their
    `integration_rows`, `uploaded_file_rows` and `history_rows` by `with_child_rows`."""
    approved = connection_request.is_approved
    history = [review_entry_data(entry) for entry in connection_request.history_rows]
    checked_specs = specs_key(
        specs_for(row.integration_type for row in connection_request.integration_rows)
    )
    account_key = (
        "supplier_account_number"
        if connection_request.requester.org_type == OrganizationType.SUPPLIER
        else "retailer_account_number"
    )
    return {
        "record_uuid": str(connection_request.uuid),
        "org_name": connection_request.counterpart_name,
        "org_contact_full_name": connection_request.contact_name,
        "primary_contact_phone": or_null(connection_request.contact_phone),
        "primary_contact_email": or_null(connection_request.contact_email),
        account_key: or_null(connection_request.account_number),
        "additional_information": or_null(connection_request.additional_information),
        "request_date": iso_utc(connection_request.request_date),
        "status": connection_request.status,
        "is_approved": approved,
        "approved_by": account_manager_data(connection_request.decided_by) if approved else None,
        "rejection_reason": (
            connection_request.rejection_reason
            if connection_request.status == ConnectionRequestStatus.REJECTED
            else None
        ),
        "integrations": [integration_data(row) for row in connection_request.integration_rows],
        "uploaded_files": [
            uploaded_file_data(upload, checked_specs)
            for upload in connection_request.uploaded_file_rows
        ],
        "changes_requested": changes_requested_data(connection_request, history),
        "history": history,
    }


def integration_data(row: IntegrationRow) -> IntegrationOutput:
    return {
        "record_uuid": str(row.uuid),
        "integration_type": row.integration_type,
        "update_frequency": or_null(row.update_frequency),
        **schedule_data(row.update_frequency, row.time_zone),
        "feed_source_file_locations": or_null(row.file_locations),
        "file_specs": or_null(row.file_specs),
        "rules": or_null(row.rules),
        "date_created": iso_utc(row.date_created),
    }


def uploaded_file_data(upload: UploadedFileRow, checked_specs: str) -> UploadedFileOutput:
    """`upload.checks`: its checks, already read (`with_child_rows`)."""
    return {
        "name": upload.name,
        "uuid": str(upload.uuid),
        "checks": upload_check_for(upload.checks, checked_specs),
    }


def organization_data(organization: Organization) -> ConnectionPartyOutput:
    """One side of a connection as the docs show it: the party's uuid, its organization
    (naming the party again as `retailer_uuid` or `supplier_uuid`; the other one is "", as in
    the docs' example) and its contact person."""
    party = str(organization.uuid)
    is_retailer = organization.org_type == OrganizationType.RETAILER
    return {
        "uuid": party,
        "organization": {
            "uuid": party,
            "name": organization.name,
            "website": or_null(organization.website),
            "org_type": organization.org_type,
            "status": organization.status,
            "created_date": iso_utc(organization.created_date),
            "active_date": iso_utc(organization.active_date),
            "account_manager": account_manager_data(organization.account_manager),
            "retailer_uuid": party if is_retailer else "",
            "supplier_uuid": "" if is_retailer else party,
        },
        "contact": person_data(organization.contact),
    }


def connection_data(connection: Connection) -> ConnectionOutput:
    return {
        "uuid": str(connection.uuid),
        "retailer": organization_data(connection.retailer),
        "supplier": organization_data(connection.supplier),
        "status": connection.status,
        "account_manager": account_manager_data(connection.account_manager),
        "allocation_type": or_null(connection.allocation_type),
        "suppliers_retailer_account_number": or_null(connection.suppliers_retailer_account_number),
        "retailers_supplier_account_number": or_null(connection.retailers_supplier_account_number),
        "deactivated_date": iso_utc(connection.deactivated_date),
    }


class ConnectionRequestDecision(TypedDict):
    """What an approve/reject answers: the decision and, on approval, the new connection."""

    record_uuid: Uuid
    status: str
    is_approved: bool
    approved_by: AccountManagerOutput | None
    decided_at: DateTime
    rejection_reason: str
    connection_uuid: Uuid | None


def connection_request_decision_data(
    connection_request: ConnectionRequest,
) -> ConnectionRequestDecision:
    """`connection_request` as the approve/reject service returned it (with `connection`
    set on approval)."""
    approved = connection_request.is_approved
    connection = getattr(connection_request, "connection", None)
    return {
        "record_uuid": str(connection_request.uuid),
        "status": connection_request.status,
        "is_approved": approved,
        "approved_by": account_manager_data(connection_request.decided_by) if approved else None,
        "decided_at": iso_utc(connection_request.decided_at),
        "rejection_reason": connection_request.rejection_reason,
        "connection_uuid": str(connection.uuid) if connection is not None else None,
    }
