"""Every field of a connection change request, in one table: `CHANGE_REQUEST_FIELDS`.

A row (`ChangeRequestField`) says all there is to say about one key of `POST <site>/connections`:

- on the wire: the vendor's PascalCase key, its JSON type and its rules (which kinds of change
  need it, what an absent key means, its bounds);
- stored: its attribute of `ChangeRequestPayload`, which is also its key in
  `ChangeRequest.payload`, and the kinds whose stored payload keeps it;
- applied: what it does to the Connection (`OnConnection`: the history's field name, the app's
  term for it on the review screens, the Connection's attribute, the kinds whose apply writes
  it and how), and the site's row its number names, if any (`SiteRow`).

Everything else is driven from this table: the payload's attributes and rules
(`outreach.payload`), the POST body's fields and the review endpoints' Request shape
(`outreach.api.serializers`), the apply step and the history it records (`outreach.services`),
the proposal (`outreach.selectors`) and the before/after tables of the admin and the review
console (`outreach.admin`). docs/change-request-fields.md is the recipe for adding a field.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from django.db import models

from outreach.choices import ChangeRequestKind
from outreach.models import Connection, ConnectionType, Individual, Response, Team

NONE = -1
"""The vendor's "nothing": a new connection's ConnectionId, no caller / team, no responses."""

DEFAULT_OPEN_CATEGORY = 1

ALL_KINDS = frozenset(ChangeRequestKind)
ADD_ONLY = frozenset({ChangeRequestKind.ADD})
ASSIGNING = frozenset({ChangeRequestKind.ADD, ChangeRequestKind.REASSIGN})
COMPLETING = frozenset({ChangeRequestKind.ADD, ChangeRequestKind.COMPLETE})
DATING = frozenset({ChangeRequestKind.ADD, ChangeRequestKind.MODIFY, ChangeRequestKind.REASSIGN})
NO_KIND = frozenset()

REQUIRED = object()
"""`ChangeRequestField.absent` of a key the body must carry when its kind needs it."""


class Applies(enum.Enum):
    """How applying a change request writes a field on its connection."""

    SETS = "sets"
    """The attribute takes the value (a number naming a site's row: that row)."""
    REPLACES = "replaces"
    """The many-to-many attribute holds exactly the rows named (of the connection's type)."""
    APPENDS = "appends"
    """A new comment of the connection (never replacing earlier ones); empty adds none."""


@dataclass(frozen=True)
class SiteRow:
    """A site's row that a field names by its per-site number (IndvId, TeamId ...)."""

    model: type[models.Model]
    noun: str
    """What errors call it ("The individual 77 named by this change request is gone.")."""
    name: Callable[[models.Model], str]
    """What the review screens call it."""

    @property
    def number_name(self) -> str:
        """The vendor's name of its number (IndvId, TeamId, ConnectionTypeId, RespID)."""
        return self.model._meta.get_field("number").verbose_name


INDIVIDUAL = SiteRow(
    Individual, "individual", lambda row: f"{row.first_name} {row.last_name}".strip()
)
TEAM = SiteRow(Team, "team", attrgetter("name"))
CONNECTION_TYPE = SiteRow(ConnectionType, "type", attrgetter("description"))
RESPONSE = SiteRow(Response, "response", attrgetter("description"))


@dataclass(frozen=True)
class OnConnection:
    """One attribute of the Connection that applying a field writes."""

    label: str | None
    """The history's field name (the vendor's); None: written without a history entry."""
    term: str | None
    """How the app's screens call it: the before/after tables of the admin and the console."""
    attribute: str
    """The Connection's attribute (for APPENDS, the related comments)."""
    on: frozenset
    """Kinds of change whose apply writes it."""
    applies: Applies = Applies.SETS
    when: str | None = None
    """A payload attribute that must be true as well (the completed date: `complete`)."""
    shown: bool = False
    """A proposal on an existing connection shows it even when the change leaves it alone."""


@dataclass(frozen=True)
class ChangeRequestField:
    """One key of the change request: on the wire, stored and applied."""

    wire: str
    """The vendor's PascalCase key in the POST body and in the review endpoints' Request."""
    stored: str
    """The payload's attribute, and its key in `ChangeRequest.payload`."""
    type: Any
    """The value's type once parsed: bool, int, str, date or tuple[int, ...] (None: unused)."""
    needed_by: frozenset
    """Kinds of change that use it (absent and without `absent` -> 400)."""
    help: str
    stored_by: frozenset | None = None
    """Kinds whose stored payload keeps it (None: those that need it; the rest is said by the
    kind or the connection)."""
    absent: Any = REQUIRED
    """The wire value an absent key means (the vendor's app leaves out what it does not use);
    also what a stored payload without the key (or with null) holds. None makes the field
    optional: left out, it is neither stored nor shown in the Request nor applied, so bodies,
    stored payloads and Requests from before the field existed stay as they were."""
    min_value: int | None = None
    max_length: int | None = None
    row: SiteRow | None = None
    """The site's row the value's numbers name."""
    connection: tuple[OnConnection, ...] = ()
    """What applying it writes on the connection (nothing: it says which kind of change)."""

    def __post_init__(self):
        if self.stored_by is None:
            object.__setattr__(self, "stored_by", self.needed_by)

    def left_out(self, value) -> bool:
        """An optional field's value when the body left it out (None)."""
        return value is None and self.absent is None


CHANGE_REQUEST_FIELDS: tuple[ChangeRequestField, ...] = (
    ChangeRequestField(
        wire="ConnectionId",
        stored="connection_id",
        type=int,
        needed_by=ALL_KINDS,
        stored_by=NO_KIND,
        absent=NONE,
        min_value=NONE,
        help="-1 or absent adds a new connection; an existing ConnectionId completes, modifies "
        "or (with Reassign) reassigns it.",
    ),
    ChangeRequestField(
        wire="Complete",
        stored="complete",
        type=bool,
        needed_by=ALL_KINDS,
        stored_by=ADD_ONLY,
        help="Completed? (an add already completed; on an existing connection: complete it).",
        connection=(OnConnection("Completed", "Completed", "completed", COMPLETING, shown=True),),
    ),
    ChangeRequestField(
        wire="ConnectionDate",
        stored="connection_date",
        type=date,
        needed_by=ALL_KINDS,
        help="MM/DD/YYYY. The due date (add, modify, reassign) or the date contact was made "
        "(complete, or an add with Complete).",
        connection=(
            OnConnection("DueDate", "Due date", "due_date", DATING, shown=True),
            OnConnection(
                "CompletedDate", "Completed date", "completed_date", COMPLETING, when="complete"
            ),
        ),
    ),
    ChangeRequestField(
        wire="ConnectionTypeId",
        stored="connection_type_id",
        type=int,
        needed_by=ADD_ONLY,
        min_value=1,
        help="Add: the connection's type (types/connections). Ignored otherwise.",
        row=CONNECTION_TYPE,
        connection=(
            OnConnection("ConnectionTypeId", "Connection type", "connection_type", ADD_ONLY),
        ),
    ),
    ChangeRequestField(
        wire="FamilyConnection",
        stored="family_connection",
        type=bool,
        needed_by=ADD_ONLY,
        help="Add: a family connection rather than an individual one. Ignored otherwise.",
        connection=(
            OnConnection("FamilyConnection", "Family connection", "family_connection", ADD_ONLY),
        ),
    ),
    ChangeRequestField(
        wire="ContactIndvId",
        stored="contact_indv_id",
        type=int,
        needed_by=ADD_ONLY,
        min_value=1,
        help="Add: who will be contacted (individuals). Ignored otherwise.",
        row=INDIVIDUAL,
        connection=(OnConnection("ContactIndvId", "Contact", "contact", ADD_ONLY),),
    ),
    ChangeRequestField(
        wire="OpenCategoryId",
        stored="open_category_id",
        type=int,
        needed_by=ADD_ONLY,
        absent=DEFAULT_OPEN_CATEGORY,
        help="Add: not used by the vendor (its app sends 0); any integer, below 1 means 1.",
        connection=(OnConnection(None, None, "open_category", ADD_ONLY),),
    ),
    ChangeRequestField(
        wire="Reassign",
        stored="reassign",
        type=bool,
        needed_by=ALL_KINDS,
        stored_by=NO_KIND,
        help="true reassigns the existing connection to NewCallerIndvId or NewTeamId.",
    ),
    ChangeRequestField(
        wire="NewCallerIndvId",
        stored="new_caller_indv_id",
        type=int,
        needed_by=ASSIGNING,
        absent=NONE,
        min_value=NONE,
        help="Add and reassign: the individual making the contact; -1 or absent when a team does.",
        row=INDIVIDUAL,
        connection=(OnConnection("CallerIndvId", "Caller", "caller", ASSIGNING, shown=True),),
    ),
    ChangeRequestField(
        wire="NewTeamId",
        stored="new_team_id",
        type=int,
        needed_by=ASSIGNING,
        absent=NONE,
        min_value=NONE,
        help="Add and reassign: the team making the contact; -1 or absent when an individual does.",
        row=TEAM,
        connection=(OnConnection("TeamId", "Team", "team", ASSIGNING, shown=True),),
    ),
    ChangeRequestField(
        wire="Comment",
        stored="comment",
        type=str,
        needed_by=ALL_KINDS,
        max_length=4000,
        help="Appended to the connection's comments (never replacing earlier ones); empty adds "
        "none.",
        connection=(
            OnConnection(
                "Comment", "Comment (added)", "comments", ALL_KINDS, applies=Applies.APPENDS
            ),
        ),
    ),
    ChangeRequestField(
        wire="ResponseIdList",
        stored="response_ids",
        type=tuple[int, ...],
        needed_by=ALL_KINDS,
        min_value=NONE,
        max_length=200,
        help="[-1] or [] for none, or RespIDs of the connection's type (types/responses); "
        "replaces the connection's responses.",
        row=RESPONSE,
        connection=(
            OnConnection(
                "ResponseIdList", "Responses", "responses", ALL_KINDS, applies=Applies.REPLACES
            ),
        ),
    ),
)
"""Every key of the change request, in the POST body's order (the schema's and the Request's)."""

FIELD: dict[str, ChangeRequestField] = {spec.stored: spec for spec in CHANGE_REQUEST_FIELDS}
"""The rows by stored name."""


def _model_order(write: tuple[ChangeRequestField, OnConnection]) -> tuple[int, int]:
    """The Connection's declaration order (its fields, then its many-to-many fields), then the
    comments: the order of the history's fields."""
    declared = [field.name for field in (*Connection._meta.fields, *Connection._meta.many_to_many)]
    attribute = write[1].attribute
    return (0, declared.index(attribute)) if attribute in declared else (1, 0)


CONNECTION_WRITES: tuple[tuple[ChangeRequestField, OnConnection], ...] = tuple(
    sorted(
        ((spec, target) for spec in CHANGE_REQUEST_FIELDS for target in spec.connection),
        key=_model_order,
    )
)
"""Each field with each attribute of the Connection it writes, in the history's order."""

HISTORY: dict[str, tuple[ChangeRequestField, OnConnection]] = {
    target.label: (spec, target) for spec, target in CONNECTION_WRITES if target.label
}
"""The history's field names, each with its field and its attribute of the Connection."""
