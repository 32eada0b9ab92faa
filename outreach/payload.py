"""The change request's payload: one typed home for what `POST <site>/connections` asks for.

`ChangeRequestPayload` has one attribute per row of `outreach.fields.CHANGE_REQUEST_FIELDS`, the
one place that names each field's vendor key, its rules, how it is stored and what applying it
writes. Everything else goes through this type:

- parsed from the wire: the input serializer checks each key's JSON type (its fields are made
  from the table) and hands the values to `ChangeRequestPayload.from_fields`, which applies
  the body's rules (the kind of change, what it needs, caller xor team, ResponseIdList);
- stored: `to_stored()` is the JSON kept in `ChangeRequest.payload` (stored names as keys,
  ISO dates, null for the vendor's -1: the format stored payloads already have);
- applied by the service and shown by the review endpoints and the admin: `of(change_request)`
  reads a stored change request back, `connection_writes()` is what applying it writes on the
  connection, `to_wire()` shows it in the vendor's names.

Adding a field: docs/change-request-fields.md.
"""

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from connect_api.errors import DomainError
from outreach.choices import ChangeRequestKind
from outreach.dates import us_date
from outreach.fields import (
    ASSIGNING,
    CHANGE_REQUEST_FIELDS,
    CONNECTION_WRITES,
    DEFAULT_OPEN_CATEGORY,
    FIELD,
    NONE,
    REQUIRED,
    Applies,
    ChangeRequestField,
    OnConnection,
)


def _fields_from_the_table(cls):
    """`cls` as a frozen, keyword-only dataclass with one attribute per row of the table,
    named by its stored name and None by default."""
    cls.__annotations__ = {spec.stored: spec.type | None for spec in CHANGE_REQUEST_FIELDS}
    for spec in CHANGE_REQUEST_FIELDS:
        setattr(cls, spec.stored, None)
    return dataclass(frozen=True, kw_only=True)(cls)


@_fields_from_the_table
class ChangeRequestPayload:
    """A connection change as the mobile app asks for it (seed 004, the vendor's app): one
    attribute per row of `outreach.fields.CHANGE_REQUEST_FIELDS`, by its stored name.

    Ids are the site's numbers; None stands for the vendor's -1 (no connection yet: an add; no
    caller; no team). Attributes the kind does not use are None.
    """

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
            spec.stored: values.get(spec.stored, spec.absent)
            for spec in CHANGE_REQUEST_FIELDS
            if spec.stored in values or spec.absent is not REQUIRED
        }
        kind = _kind_of(values)
        missing = [
            spec.wire
            for spec in CHANGE_REQUEST_FIELDS
            if kind in spec.needed_by and spec.stored not in values
        ]
        if missing:
            message = f"This field is required to {kind.label.lower()}."
            raise PayloadError({name: [message] for name in missing})
        errors: dict[str, list[str]] = {}
        if kind in ASSIGNING:
            errors.update(_assignee_errors(values["new_caller_indv_id"], values["new_team_id"]))
        if kind == ChangeRequestKind.REASSIGN and values["complete"]:
            errors[FIELD["complete"].wire] = ["A reassign cannot also complete the connection."]
        errors.update(_response_errors(values["response_ids"]))
        if errors:
            raise PayloadError(errors)

        used = {
            spec.stored: _none(values[spec.stored]) if spec.absent == NONE else values[spec.stored]
            for spec in _needed(kind)
        }
        used["reassign"] = kind == ChangeRequestKind.REASSIGN
        used["response_ids"] = tuple(sorted({n for n in used["response_ids"] if n != NONE}))
        if "open_category_id" in used:
            used["open_category_id"] = max(used["open_category_id"], DEFAULT_OPEN_CATEGORY)
        return cls(**used)

    def to_wire(self) -> dict[str, Any]:
        """The fields the kind uses, in the POST body's names and values (-1 for none,
        MM/DD/YYYY): what the review endpoints and the admin show as the Request."""
        shown = {}
        for spec in _needed(self.kind):
            value = getattr(self, spec.stored)
            if spec.left_out(value):
                continue
            if isinstance(value, date):
                value = us_date(value)
            elif isinstance(value, tuple):
                value = list(value) or [NONE]
            elif value is None and spec.absent == NONE:
                value = NONE
            shown[spec.wire] = value
        return shown

    def connection_writes(
        self, applies: Applies = Applies.SETS
    ) -> list[tuple[ChangeRequestField, OnConnection, Any]]:
        """What applying writes on the connection the way `applies` says, in the history's
        order: each field and attribute of the Connection its kind writes (`OnConnection.on`
        and `when`), with the payload's value (a row's number, None for none; dates as dates).
        An add sets every field of its new connection; a complete, Completed and CompletedDate;
        a modify, DueDate; a reassign, DueDate, CallerIndvId and TeamId. An optional field
        left out writes nothing."""
        kind = self.kind
        return [
            (spec, target, getattr(self, spec.stored))
            for spec, target in CONNECTION_WRITES
            if target.applies is applies
            and kind in target.on
            and (target.when is None or getattr(self, target.when))
            and not spec.left_out(getattr(self, spec.stored))
        ]

    # --- storage ------------------------------------------------------------------------

    def to_stored(self) -> dict[str, Any]:
        """`ChangeRequest.payload`: the fields the kind stores, JSON-ready."""
        stored = {}
        for spec in CHANGE_REQUEST_FIELDS:
            value = getattr(self, spec.stored)
            if self.kind in spec.stored_by and not spec.left_out(value):
                if isinstance(value, date):
                    value = value.isoformat()
                elif isinstance(value, tuple):
                    value = list(value)
                stored[spec.stored] = value
        return stored

    @classmethod
    def of(cls, change_request) -> "ChangeRequestPayload":
        """The payload of a stored ChangeRequest (its kind, connection and `payload` JSON)."""
        kind = ChangeRequestKind(change_request.kind)
        stored = change_request.payload
        values = {
            spec.stored: _stored_value(spec, stored.get(spec.stored))
            for spec in CHANGE_REQUEST_FIELDS
            if kind in spec.stored_by
        }
        if kind != ChangeRequestKind.ADD:
            values["connection_id"] = change_request.connection.number
            values["complete"] = kind == ChangeRequestKind.COMPLETE
        values["reassign"] = kind == ChangeRequestKind.REASSIGN
        return cls(**values)


class PayloadError(DomainError):
    """A POST body that breaks the change request's rules (400, naming the wire keys)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("Invalid change request: " + ", ".join(errors), errors=errors)


def _needed(kind: ChangeRequestKind) -> list[ChangeRequestField]:
    return [spec for spec in CHANGE_REQUEST_FIELDS if kind in spec.needed_by]


def _stored_value(spec: ChangeRequestField, value):
    """A value of `ChangeRequest.payload` as the payload holds it: dates from ISO, lists as
    tuples; a missing key or null is what an absent key means (nothing, for a required one)."""
    if typing.get_origin(spec.type) is tuple:
        return tuple(value or ())
    if value is None:
        return None if spec.absent in (REQUIRED, NONE) else spec.absent
    if spec.type is date:
        return date.fromisoformat(value)
    return value


def _none(value: int) -> int | None:
    return None if value == NONE else value


def _kind_of(values: Mapping[str, Any]) -> ChangeRequestKind:
    """The kind of change a body describes, from ConnectionId, Reassign and Complete."""
    connection_id = values["connection_id"]
    if connection_id == 0:
        raise PayloadError(
            {FIELD["connection_id"].wire: ["Use -1 (or leave it out) to add a connection."]}
        )
    if connection_id == NONE:
        return ChangeRequestKind.ADD
    for selector in ("reassign", "complete"):
        if selector not in values:
            raise PayloadError({FIELD[selector].wire: ["This field is required."]})
    if values["reassign"]:
        return ChangeRequestKind.REASSIGN
    return ChangeRequestKind.COMPLETE if values["complete"] else ChangeRequestKind.MODIFY


def _assignee_errors(caller: int, team: int) -> dict[str, list[str]]:
    caller_name, team_name = FIELD["new_caller_indv_id"].wire, FIELD["new_team_id"].wire
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
    name = FIELD["response_ids"].wire
    if NONE in ids and len(ids) > 1:
        return {name: ["Send [-1] (or []) for no responses, or response ids: not both."]}
    if any(value < 1 for value in ids if value != NONE):
        return {name: ["Response ids are positive integers (or [-1] for none)."]}
    return {}


def history_value(value):
    """A value as the history (and the API) shows it: dates MM/DD/YYYY, a site's row (an
    individual, a team, a connection type) by its number."""
    if isinstance(value, date):
        return us_date(value)
    return getattr(value, "number", value)
