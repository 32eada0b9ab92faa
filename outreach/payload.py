"""The change request's payload: one typed home for what `POST <site>/connections` asks for.

`ChangeRequestPayload` has one attribute per field of the body. Each attribute's `Wire` spec
(beside it, below) is the one place that names the vendor's PascalCase key and says which
kinds of change need it, which kinds store it and what an absent key means. Everything else
goes through this type:

- parsed from the wire: the input serializer checks each key's JSON type (its fields are made
  from these specs) and hands the values to `ChangeRequestPayload.from_fields`, which applies
  the body's rules (the kind of change, what it needs, caller xor team, ResponseIdList);
- stored: `to_stored()` is the JSON kept in `ChangeRequest.payload` (attribute names as keys,
  ISO dates, null for the vendor's -1: the format stored payloads already have);
- applied by the service and shown by the review endpoints and the admin: `of(change_request)`
  reads a stored change request back, `to_wire()` shows it in the vendor's names.

Adding a field: one attribute here, and what applying it does in `outreach/services.py`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from connect_api.errors import DomainError
from outreach.choices import ChangeRequestKind
from outreach.dates import us_date

NONE = -1
"""The vendor's "nothing": a new connection's ConnectionId, no caller / team, no responses."""

DEFAULT_OPEN_CATEGORY = 1

ALL_KINDS = frozenset(ChangeRequestKind)
ADD_ONLY = frozenset({ChangeRequestKind.ADD})
ASSIGNING = frozenset({ChangeRequestKind.ADD, ChangeRequestKind.REASSIGN})
NO_KIND = frozenset()

REQUIRED = object()
"""`Wire.absent` of a key the body must carry when its kind needs it."""


@dataclass(frozen=True)
class Wire:
    """How one payload attribute travels: its vendor name and the rules of its kinds."""

    name: str
    """The vendor's PascalCase key in the POST body and in the review endpoints' Request."""
    needed_by: frozenset
    """Kinds of change that use it (absent and without `absent` -> 400)."""
    stored_by: frozenset
    """Kinds whose stored payload keeps it (the rest is said by the kind or the connection)."""
    help: str
    absent: Any = REQUIRED
    """The wire value an absent key means (the vendor's app leaves out what it does not use)."""
    min_value: int | None = None
    max_length: int | None = None


def _wire(name: str, needed_by: frozenset, *, stored_by: frozenset | None = None, **rules):
    """The dataclass field metadata carrying an attribute's Wire spec."""
    return {"wire": Wire(name, needed_by, needed_by if stored_by is None else stored_by, **rules)}


@dataclass(frozen=True, kw_only=True)
class ChangeRequestPayload:
    """A connection change as the mobile app asks for it (seed 004, the vendor's app).

    Ids are the site's numbers; None stands for the vendor's -1 (no connection yet: an add; no
    caller; no team). Attributes the kind does not use are None.
    """

    connection_id: int | None = field(
        default=None,
        metadata=_wire(
            "ConnectionId",
            ALL_KINDS,
            stored_by=NO_KIND,
            absent=NONE,
            min_value=NONE,
            help="-1 or absent adds a new connection; an existing ConnectionId completes, modifies "
            "or (with Reassign) reassigns it.",
        ),
    )
    complete: bool | None = field(
        default=None,
        metadata=_wire(
            "Complete",
            ALL_KINDS,
            stored_by=ADD_ONLY,
            help="Completed? (an add already completed; on an existing connection: complete it).",
        ),
    )
    connection_date: date | None = field(
        default=None,
        metadata=_wire(
            "ConnectionDate",
            ALL_KINDS,
            help="MM/DD/YYYY. The due date (add, modify, reassign) or the date contact was made "
            "(complete, or an add with Complete).",
        ),
    )
    connection_type_id: int | None = field(
        default=None,
        metadata=_wire(
            "ConnectionTypeId",
            ADD_ONLY,
            min_value=1,
            help="Add: the connection's type (types/connections). Ignored otherwise.",
        ),
    )
    family_connection: bool | None = field(
        default=None,
        metadata=_wire(
            "FamilyConnection",
            ADD_ONLY,
            help="Add: a family connection rather than an individual one. Ignored otherwise.",
        ),
    )
    contact_indv_id: int | None = field(
        default=None,
        metadata=_wire(
            "ContactIndvId",
            ADD_ONLY,
            min_value=1,
            help="Add: who will be contacted (individuals). Ignored otherwise.",
        ),
    )
    open_category_id: int | None = field(
        default=None,
        metadata=_wire(
            "OpenCategoryId",
            ADD_ONLY,
            absent=DEFAULT_OPEN_CATEGORY,
            help="Add: not used by the vendor (its app sends 0); any integer, below 1 means 1.",
        ),
    )
    reassign: bool | None = field(
        default=None,
        metadata=_wire(
            "Reassign",
            ALL_KINDS,
            stored_by=NO_KIND,
            help="true reassigns the existing connection to NewCallerIndvId or NewTeamId.",
        ),
    )
    new_caller_indv_id: int | None = field(
        default=None,
        metadata=_wire(
            "NewCallerIndvId",
            ASSIGNING,
            absent=NONE,
            min_value=NONE,
            help="Add and reassign: the individual making the contact; -1 or absent when a team "
            "does.",
        ),
    )
    new_team_id: int | None = field(
        default=None,
        metadata=_wire(
            "NewTeamId",
            ASSIGNING,
            absent=NONE,
            min_value=NONE,
            help="Add and reassign: the team making the contact; -1 or absent when an individual "
            "does.",
        ),
    )
    comment: str | None = field(
        default=None,
        metadata=_wire(
            "Comment",
            ALL_KINDS,
            max_length=4000,
            help="Appended to the connection's comments (never replacing earlier ones); empty adds "
            "none.",
        ),
    )
    response_ids: tuple[int, ...] | None = field(
        default=None,
        metadata=_wire(
            "ResponseIdList",
            ALL_KINDS,
            min_value=NONE,
            max_length=200,
            help="[-1] or [] for none, or RespIDs of the connection's type (types/responses); "
            "replaces the connection's responses.",
        ),
    )

    @property
    def kind(self) -> ChangeRequestKind:
        if self.connection_id is None:
            return ChangeRequestKind.ADD
        if self.reassign:
            return ChangeRequestKind.REASSIGN
        return ChangeRequestKind.COMPLETE if self.complete else ChangeRequestKind.MODIFY

    # --- the wire -------------------------------------------------------------------------

    @classmethod
    def from_fields(cls, values: Mapping[str, Any]) -> "ChangeRequestPayload":
        """The payload of a POST body whose keys were type-checked: `values` maps attribute
        names to the wire values sent (absent keys left out). Raises PayloadError (400,
        naming the wire keys) when the body breaks a rule."""
        values = {
            spec.attribute: values.get(spec.attribute, spec.absent)
            for spec in PAYLOAD_FIELDS
            if spec.attribute in values or spec.absent is not REQUIRED
        }
        kind = _kind_of(values)
        missing = [
            spec.name
            for spec in PAYLOAD_FIELDS
            if kind in spec.needed_by and spec.attribute not in values
        ]
        if missing:
            message = f"This field is required to {kind.label.lower()}."
            raise PayloadError({name: [message] for name in missing})
        errors: dict[str, list[str]] = {}
        if kind in ASSIGNING:
            errors.update(_assignee_errors(values["new_caller_indv_id"], values["new_team_id"]))
        if kind == ChangeRequestKind.REASSIGN and values["complete"]:
            errors[WIRE["complete"].name] = ["A reassign cannot also complete the connection."]
        errors.update(_response_errors(values["response_ids"]))
        if errors:
            raise PayloadError(errors)

        used = {spec.attribute: values[spec.attribute] for spec in _needed(kind)}
        used["connection_id"] = _none(used["connection_id"])
        used["reassign"] = kind == ChangeRequestKind.REASSIGN
        used["response_ids"] = tuple(sorted({n for n in used["response_ids"] if n != NONE}))
        for name in ("new_caller_indv_id", "new_team_id"):
            if name in used:
                used[name] = _none(used[name])
        if "open_category_id" in used:
            used["open_category_id"] = max(used["open_category_id"], DEFAULT_OPEN_CATEGORY)
        return cls(**used)

    def to_wire(self) -> dict[str, Any]:
        """The fields the kind uses, in the POST body's names and values (-1 for none,
        MM/DD/YYYY): what the review endpoints and the admin show as the Request."""
        shown = {}
        for spec in _needed(self.kind):
            value = getattr(self, spec.attribute)
            if isinstance(value, date):
                value = us_date(value)
            elif isinstance(value, tuple):
                value = list(value) or [NONE]
            elif value is None and spec.absent == NONE:
                value = NONE
            shown[spec.name] = value
        return shown

    def connection_values(self) -> dict[str, Any]:
        """What applying sets on the connection, by the history's field names (CONNECTION_FIELDS):
        every field of a new connection (add); Completed and CompletedDate (complete); DueDate
        (modify); DueDate, CallerIndvId and TeamId (reassign). Dates as dates, the caller and
        the team as their numbers (None for none). Responses and the comment come beside."""
        kind = self.kind
        if kind == ChangeRequestKind.COMPLETE:
            return {"Completed": True, "CompletedDate": self.connection_date}
        if kind == ChangeRequestKind.ADD:
            values = {
                "ConnectionTypeId": self.connection_type_id,
                "ContactIndvId": self.contact_indv_id,
                "FamilyConnection": self.family_connection,
                "CallerIndvId": self.new_caller_indv_id,
                "TeamId": self.new_team_id,
                "DueDate": self.connection_date,
                "Completed": self.complete,
            }
            if self.complete:
                values["CompletedDate"] = self.connection_date
            return values
        values = {"DueDate": self.connection_date}
        if kind == ChangeRequestKind.REASSIGN:
            values.update(CallerIndvId=self.new_caller_indv_id, TeamId=self.new_team_id)
        return values

    # --- storage ------------------------------------------------------------------------

    def to_stored(self) -> dict[str, Any]:
        """`ChangeRequest.payload`: the fields the kind stores, JSON-ready."""
        stored = {}
        for spec in PAYLOAD_FIELDS:
            if self.kind in spec.stored_by:
                value = getattr(self, spec.attribute)
                if isinstance(value, date):
                    value = value.isoformat()
                elif isinstance(value, tuple):
                    value = list(value)
                stored[spec.attribute] = value
        return stored

    @classmethod
    def of(cls, change_request) -> "ChangeRequestPayload":
        """The payload of a stored ChangeRequest (its kind, connection and `payload` JSON)."""
        kind = ChangeRequestKind(change_request.kind)
        stored = change_request.payload
        values = {
            spec.attribute: stored.get(spec.attribute)
            for spec in PAYLOAD_FIELDS
            if kind in spec.stored_by
        }
        values["connection_date"] = date.fromisoformat(values["connection_date"])
        values["response_ids"] = tuple(values["response_ids"] or ())
        if kind != ChangeRequestKind.ADD:
            values["connection_id"] = change_request.connection.number
            values["complete"] = kind == ChangeRequestKind.COMPLETE
        if kind == ChangeRequestKind.ADD and values.get("open_category_id") is None:
            values["open_category_id"] = DEFAULT_OPEN_CATEGORY
        values["reassign"] = kind == ChangeRequestKind.REASSIGN
        return cls(**values)


class PayloadError(DomainError):
    """A POST body that breaks the change request's rules (400, naming the wire keys)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("Invalid change request: " + ", ".join(errors), errors=errors)


@dataclass(frozen=True)
class PayloadField(Wire):
    """A payload attribute with its Wire spec (what the serializers are built from)."""

    attribute: str = ""
    type: Any = None


PAYLOAD_FIELDS: tuple[PayloadField, ...] = tuple(
    PayloadField(**vars(f.metadata["wire"]), attribute=f.name, type=f.type)
    for f in fields(ChangeRequestPayload)
)
"""Every payload attribute with its spec, in the body's order."""

WIRE: dict[str, PayloadField] = {spec.attribute: spec for spec in PAYLOAD_FIELDS}


def _needed(kind: ChangeRequestKind) -> list[PayloadField]:
    return [spec for spec in PAYLOAD_FIELDS if kind in spec.needed_by]


def _none(value: int) -> int | None:
    return None if value == NONE else value


def _kind_of(values: Mapping[str, Any]) -> ChangeRequestKind:
    """The kind of change a body describes, from ConnectionId, Reassign and Complete."""
    connection_id = values["connection_id"]
    if connection_id == 0:
        raise PayloadError(
            {WIRE["connection_id"].name: ["Use -1 (or leave it out) to add a connection."]}
        )
    if connection_id == NONE:
        return ChangeRequestKind.ADD
    for selector in ("reassign", "complete"):
        if selector not in values:
            raise PayloadError({WIRE[selector].name: ["This field is required."]})
    if values["reassign"]:
        return ChangeRequestKind.REASSIGN
    return ChangeRequestKind.COMPLETE if values["complete"] else ChangeRequestKind.MODIFY


def _assignee_errors(caller: int, team: int) -> dict[str, list[str]]:
    caller_name, team_name = WIRE["new_caller_indv_id"].name, WIRE["new_team_id"].name
    if (caller == NONE) == (team == NONE):
        message = (
            f"Exactly one of {caller_name} and {team_name} names who makes the contact (an "
            "individual or a team); the other is -1 or left out."
        )
        return {caller_name: [message], team_name: [message]}
    return {
        name: ["Must be -1 or an existing id."]
        for name, value in ((caller_name, caller), (team_name, team))
        if value == 0
    }


def _response_errors(ids: list[int]) -> dict[str, list[str]]:
    name = WIRE["response_ids"].name
    if NONE in ids and len(ids) > 1:
        return {name: ["Send [-1] (or []) for no responses, or response ids: not both."]}
    if any(value < 1 for value in ids if value != NONE):
        return {name: ["Response ids are positive integers (or [-1] for none)."]}
    return {}


CONNECTION_FIELDS: dict[str, str] = {
    "ConnectionTypeId": "connection_type",
    "ContactIndvId": "contact",
    "FamilyConnection": "family_connection",
    "CallerIndvId": "caller",
    "TeamId": "team",
    "DueDate": "due_date",
    "Completed": "completed",
    "CompletedDate": "completed_date",
}
"""The Connection attribute behind each field name of `connection_values()` and the history."""


def history_value(value):
    """A value as the history (and the API) shows it: dates MM/DD/YYYY, a site's row (an
    individual, a team, a connection type) by its number."""
    if isinstance(value, date):
        return us_date(value)
    return getattr(value, "number", value)
