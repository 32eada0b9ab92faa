"""Every read of this app: querysets already scoped to the caller and prefetched.

A view starts from these, so another organization's row is simply not found (404).
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import QuerySet

from connect_api.prepared import PreparedList, PreparedModels, PreparedRows
from connections.choices import ConnectionRequestStatus
from connections.models import (
    Connection,
    ConnectionRequest,
    Integration,
    ReviewEntry,
    ShownRequestDay,
    ShownRequestDayOfAll,
)
from organizations.querysets import EVERY_ORGANIZATION, Visible, visible_organizations
from uploads.models import UploadCheck


def connection_requests_for(user) -> QuerySet[ConnectionRequest]:
    """Requests the caller may see (staff: all), with what their representation reads
    (integrations, uploaded files and history come from `with_child_rows` once the page is
    known)."""
    return _requests_of(visible_organizations(user))


# An organization's profile and discovery columns, which no connection or request output reads.
ORGANIZATION_PROFILE = (
    "description",
    "fulfillment_percentage",
    "number_of_skus",
    "discoverable_since",
    "discovery_catalog_uuid",
    "discovery_requested_by",
    "discovery_approved_by",
)

# The requester's columns a request's outputs, events and services never read (they read its
# uuid, name, type and status), left unread.
_REQUESTER_UNREAD = tuple(
    f"requester__{name}"
    for name in ("website", "created_date", "active_date", "account_manager", "contact")
) + tuple(f"requester__{name}" for name in ORGANIZATION_PROFILE)


def _requests_of(organizations: Visible) -> QuerySet[ConnectionRequest]:
    return (
        ConnectionRequest.objects.visible_to(organizations)
        .select_related("requester", "decided_by__person")
        .defer(*_REQUESTER_UNREAD)
    )


_request_by_uuid = PreparedModels(
    lambda organizations, uuid: _requests_of(organizations).filter(uuid=uuid),
    lambda: ConnectionRequest._meta.get_field("requester"),
    lambda: ConnectionRequest._meta.get_field("uuid"),
)


def connection_request_by_uuid(user, uuid: str | UUID) -> ConnectionRequest | None:
    """`connection_requests_for(user).filter(uuid=uuid)`'s one request, or None: the same
    query, compiled once per kind of caller (connect_api.prepared), as every call on one
    request (GET, PATCH, DELETE, the decisions) starts with it."""
    try:
        found = _request_by_uuid(visible_organizations(user), uuid)
    except ValidationError:  # not a uuid: no request has it
        return None
    return found[0] if found else None


def review_entries() -> QuerySet[ReviewEntry]:
    """History lines with who wrote them, oldest first."""
    return ReviewEntry.objects.select_related("account_manager__person", "user").order_by(
        "created_at", "id"
    )


class IntegrationRow(NamedTuple):
    request_id: int
    uuid: UUID
    integration_type: str
    update_frequency: str
    time_zone: str
    file_locations: str
    file_specs: str
    rules: str
    date_created: datetime


class UploadCheckRow(NamedTuple):
    """An UploadCheck's columns under its own attribute names (`upload_check_data` reads it)."""

    upload_id: int
    specs: str
    status: str
    spec: str
    rows_checked: int | None
    error_count: int | None
    errors: list
    reason: str
    finished: datetime | None


class UploadedFileRow(NamedTuple):
    request_id: int
    upload_id: int
    name: str
    uuid: UUID
    checks: list[UploadCheckRow]  # one per set of specs asked for


class PersonRow(NamedTuple):
    uuid: UUID
    first_name: str
    last_name: str
    email: str
    phone: str
    job_title: str


class AccountManagerRow(NamedTuple):
    uuid: UUID
    person: PersonRow


def _person_columns(path: str) -> list[str]:
    """The columns of the PersonRow at `path` (`decided_by__person`), in its order."""
    return [f"{path}__{name}" for name in PersonRow._fields]


def _manager_columns(path: str) -> list[str]:
    """The columns of the AccountManagerRow at `path`: its uuid, then its person's."""
    return [f"{path}__uuid", *_person_columns(f"{path}__person")]


def _person(columns: tuple) -> PersonRow | None:
    return None if columns[0] is None else PersonRow(*columns)


def _manager(columns: tuple) -> AccountManagerRow | None:
    """The AccountManagerRow of `_manager_columns`' values (None: no manager)."""
    return None if columns[0] is None else AccountManagerRow(columns[0], PersonRow(*columns[1:]))


class UserNameRow(NamedTuple):
    first_name: str
    last_name: str
    username: str


class ReviewEntryRow(NamedTuple):
    """A history line under ReviewEntry's attribute names, with who wrote it (an account
    manager and their person, or a user's names; None where the line has none)."""

    request_id: int
    uuid: UUID
    action: str
    created_at: datetime
    message: str
    integrations: list
    uploaded_files: list
    account_manager: AccountManagerRow | None
    user: UserNameRow | None

    @classmethod
    def from_columns(cls, row: tuple) -> "ReviewEntryRow":
        user = UserNameRow(*row[14:17]) if row[16] is not None else None
        return cls(*row[:7], account_manager=_manager(row[7:14]), user=user)


# The child queries of every request list and detail, compiled once (connect_api.prepared).
_integration_rows = PreparedRows(
    lambda request_ids: (
        Integration.objects.filter(request_id__in=request_ids)
        .order_by("date_created", "id")
        .values_list(*IntegrationRow._fields)
    )
)
_uploaded_file_rows = PreparedRows(
    lambda request_ids: (
        ConnectionRequest.uploaded_files.through.objects.filter(
            connectionrequest_id__in=request_ids
        )
        .order_by("-upload__created", "-upload__id")  # Upload's own order
        .values_list("connectionrequest_id", "upload_id", "upload__name", "upload__uuid")
    )
)
_upload_check_rows = PreparedRows(
    lambda upload_ids: (
        UploadCheck.objects.filter(upload_id__in=upload_ids)
        .order_by("id")  # UploadCheck's own order
        .values_list(*UploadCheckRow._fields)
    )
)
_review_entry_rows = PreparedRows(
    lambda request_ids: (
        review_entries()
        .filter(request_id__in=request_ids)
        .values_list(
            "request_id",
            "uuid",
            "action",
            "created_at",
            "message",
            "integrations",
            "uploaded_files",
            *_manager_columns("account_manager"),
            *(f"user__{name}" for name in UserNameRow._fields),
        )
    )
)


# What the list's output builder (connection_request_data) reads of a request and its joined
# rows; their other columns (most of the organization's) are left unread, and unconverted.
_LIST_COLUMNS = (
    "uuid",
    "requester__org_type",
    "counterpart_name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "account_number",
    "additional_information",
    "request_date",
    "status",
    "rejection_reason",
    *_manager_columns("decided_by"),
)


def with_list_columns(queryset: QuerySet[ConnectionRequest]) -> QuerySet[ConnectionRequest]:
    """`connection_requests_for`'s rows reading only what the list shows."""
    return queryset.only(*_LIST_COLUMNS)


class RequesterRow(NamedTuple):
    org_type: str


class ConnectionRequestRow:
    """A listed request under ConnectionRequest's attribute names, from the page's columns
    (`pk` and _LIST_COLUMNS): connection_request_data reads it as it reads an instance, and
    with_child_rows gives it its children."""

    __slots__ = (
        "account_number",
        "additional_information",
        "contact_email",
        "contact_name",
        "contact_phone",
        "counterpart_name",
        "decided_by",
        "history_rows",
        "integration_rows",
        "pk",
        "rejection_reason",
        "request_date",
        "requester",
        "status",
        "uploaded_file_rows",
        "uuid",
    )

    def __init__(self, columns: tuple):
        (
            self.pk,
            self.uuid,
            org_type,
            self.counterpart_name,
            self.contact_name,
            self.contact_phone,
            self.contact_email,
            self.account_number,
            self.additional_information,
            self.request_date,
            self.status,
            self.rejection_reason,
        ) = columns[:12]
        self.requester = RequesterRow(org_type)
        self.decided_by = _manager(columns[12:])

    @property
    def is_approved(self) -> bool:
        return self.status == ConnectionRequestStatus.APPROVED


def _listed(organizations: Visible) -> QuerySet[ConnectionRequest]:
    """The list with no filter: the shown requests, with the columns it reads."""
    return with_list_columns(_requests_of(organizations).listed())


def _listed_rows(build, *fields) -> PreparedList:
    """`build(organizations, *values)` (a queryset of `_listed`'s) compiled and read as
    ConnectionRequestRow; `fields`: the model fields the further values are compared with."""
    return PreparedList(
        build,
        lambda: ConnectionRequest._meta.get_field("requester"),
        *fields,
        columns=("pk", *_LIST_COLUMNS),
        row=ConnectionRequestRow,
    )


_listed_requests = _listed_rows(_listed)

# The same list from a day's end back (ShownDays.rows_from): the bound is a parameter of the
# compiled query, so every deep page runs one compile's SQL, read as rows like the first pages.
_listed_requests_before = _listed_rows(
    lambda organizations, bound: _listed(organizations).filter(request_date__lt=bound),
    lambda: ConnectionRequest._meta.get_field("request_date"),
)


class ConnectionRequestDetailRow(ConnectionRequestRow):
    """A request as its detail reads it: the listed columns, with the `version` and
    `updated_at` its ETag and Last-Modified come from."""

    __slots__ = ("updated_at", "version")

    def __init__(self, columns: tuple):
        super().__init__(columns[:-2])
        self.version, self.updated_at = columns[-2:]


_request_row_by_uuid = PreparedModels(
    lambda organizations, uuid: (
        _requests_of(organizations)
        .filter(uuid=uuid)
        .values_list("pk", *_LIST_COLUMNS, "version", "updated_at")
    ),
    lambda: ConnectionRequest._meta.get_field("requester"),
    lambda: ConnectionRequest._meta.get_field("uuid"),
)


def connection_request_row_by_uuid(user, uuid: str | UUID) -> ConnectionRequestDetailRow | None:
    """`connection_request_by_uuid(user, uuid)` as a row for reading (the detail): the same
    request, or None, from one query compiled once per kind of caller, reading only what the
    output and its validators show; no request, requester or account manager instance built
    (the calls that change a request start from the instance instead)."""
    try:
        found = _request_row_by_uuid(visible_organizations(user), uuid)
    except ValidationError:  # not a uuid: no request has it
        return None
    return ConnectionRequestDetailRow(found[0]) if found else None


def listed_requests_for(user) -> QuerySet[ConnectionRequest]:
    """`connection_requests_for(user)` as the list shows it with no filter (all but WITHDRAWN),
    its count and pages run by queries compiled once per kind of caller and page
    (connect_api.prepared.PreparedList): compiling them cost more than running them. A page
    read so is ConnectionRequestRow's, not instances: building 50 requests and their
    requesters cost more than the page's query."""
    organizations = visible_organizations(user)
    listed = _listed_requests(organizations)
    listed.shown_days = ShownDays(organizations)
    return listed


class Placed(NamedTuple):
    """Where a list's row `start` is: the list's exact length; the end of the day that holds
    it (`bound`: its rows and every older one are those before it, None when `start` is at or
    past the end) and how many of that day's rows come before it (`skipped`)."""

    total: int
    bound: datetime | None
    skipped: int


# The days with shown requests, newest first, and how many each has (ShownDays.place): SQL
# written once, without the ORM's compiling of an aggregate on every deep page.
_DAYS_OF_ALL = (
    f"SELECT day, sum(shown) FROM {ShownRequestDayOfAll._meta.db_table} "
    "GROUP BY day HAVING sum(shown) > 0 ORDER BY day DESC"
)
_DAYS_OF = (
    f"SELECT day, sum(shown) FROM {ShownRequestDay._meta.db_table} "
    "WHERE requester_id = ANY(%s) GROUP BY day HAVING sum(shown) > 0 ORDER BY day DESC"
)


class ShownDays:
    """The shown requests of `organizations` (the list with no filter) counted per day
    (ShownRequestDay; staff's, of every organization, ShownRequestDayOfAll), for the
    paginator to place a deep `start` (connect_api.api.pagination.StartLimitPagination): the
    days after the one holding it are skipped by their counts, and only that day's rows
    before it are walked, where walking every row before it cost a scan of half a million
    index entries at `start=450000`.

    One query reads the counts (a row per day with requests, newest first); the rows are then
    read from the start of the day (`request_date` before the next day's midnight, UTC), the
    list's order being newest first. Both are PostgreSQL's reads: `place` answers None
    elsewhere, and for organizations given as a subquery, and the paginator reads as before.
    The counts and the page are two statements: a request written between them changes the
    page as one written between two pages would."""

    def __init__(self, organizations: Visible):
        self.organizations = organizations

    def place(self, start: int) -> Placed | None:
        organizations = self.organizations
        if not (organizations is EVERY_ORGANIZATION or isinstance(organizations, list)):
            return None
        database = router.db_for_read(ShownRequestDay)
        if connections[database].vendor != "postgresql":
            return None
        if organizations is EVERY_ORGANIZATION:
            sql, params = _DAYS_OF_ALL, []
        else:
            sql, params = _DAYS_OF, [organizations]
        with connections[database].cursor() as cursor:
            cursor.execute(sql, params)
            days = cursor.fetchall()
        total = sum(shown for _, shown in days)
        before = 0
        for day, shown in days:
            if before + shown > start:
                bound = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
                return Placed(total, bound, start - before)
            before += shown
        return Placed(total, None, 0)

    def rows_from(self, placed: Placed) -> QuerySet:
        """The list's rows from the start of the day `place` found, in the list's order: its
        pages are compiled once per window and read as rows, as the list's own are."""
        return _listed_requests_before(self.organizations, placed.bound)


def with_child_rows(
    connection_requests: Sequence[ConnectionRequest],
) -> Sequence[ConnectionRequest]:
    """Give each request `integration_rows` (its integrations as named rows, `row.uuid`,
    `row.rules` ..., oldest first), `uploaded_file_rows` (`row.name`, `row.uuid`, newest
    first, Upload's order, with `row.checks`, the upload's spec checks) and `history_rows`
    (its ReviewEntry lines, oldest first, with who wrote them), in one query each (the checks'
    only when there are files).

    Rows, not instances: the request list is the hot read path, and building Integration,
    Upload and ReviewEntry instances (with a related manager per request for each
    `.all()`) cost more than all the rest of it (benchmarks/speed.py). Each query is compiled
    once per number of keys (connect_api.prepared). The same answer as `integrations.all()`,
    `uploaded_files.all()`, `checks.all()` and `history` with `review_entries()` prefetched,
    in as many queries (tests/connections/test_child_rows.py)."""
    integrations: dict[int, list] = {row.pk: [] for row in connection_requests}
    uploads: dict[int, list] = {row.pk: [] for row in connection_requests}
    history: dict[int, list] = {row.pk: [] for row in connection_requests}
    keys = list(integrations)
    for row in _integration_rows(keys):
        integrations[row[0]].append(IntegrationRow(*row))
    file_rows = _uploaded_file_rows(keys)
    checks: dict[int, list] = {row[1]: [] for row in file_rows}
    for row in _upload_check_rows(list(checks)):
        checks[row[0]].append(UploadCheckRow(*row))
    for row in _review_entry_rows(keys):
        history[row[0]].append(ReviewEntryRow.from_columns(row))
    for row in file_rows:
        uploads[row[0]].append(UploadedFileRow(*row, checks=checks[row[1]]))
    for connection_request in connection_requests:
        connection_request.integration_rows = integrations[connection_request.pk]
        connection_request.uploaded_file_rows = uploads[connection_request.pk]
        connection_request.history_rows = history[connection_request.pk]
    return connection_requests


def integrations_of(connection_request: ConnectionRequest) -> dict[str, Integration]:
    return {str(item.uuid): item for item in connection_request.integrations.all()}


_PARTY = (
    "retailer__contact",
    "retailer__account_manager__person",
    "supplier__contact",
    "supplier__account_manager__person",
    "account_manager__person",
)


def connections_for(user) -> QuerySet[Connection]:
    """Connections the caller's organization is a side of (staff: all)."""
    return _connections_of(visible_organizations(user))


# The organizations' columns no connection output shows (organization_data), left unread.
_UNSHOWN = tuple(
    f"{side}__{name}" for side in ("retailer", "supplier") for name in ORGANIZATION_PROFILE
)


def _connections_of(organizations: Visible) -> QuerySet[Connection]:
    return Connection.objects.visible_to(organizations).select_related(*_PARTY).defer(*_UNSHOWN)


class OrganizationRow(NamedTuple):
    """One side of a connection under Organization's attribute names (organization_data)."""

    uuid: UUID
    name: str
    website: str
    org_type: str
    status: str
    created_date: datetime
    active_date: datetime | None
    account_manager: AccountManagerRow | None
    contact: PersonRow | None


class ConnectionRow(NamedTuple):
    """A connection under Connection's attribute names, with its parties (connection_data)."""

    uuid: UUID
    status: str
    allocation_type: str
    suppliers_retailer_account_number: str
    retailers_supplier_account_number: str
    deactivated_date: datetime | None
    account_manager: AccountManagerRow | None
    retailer: OrganizationRow
    supplier: OrganizationRow


def _organization_columns(side: str) -> list[str]:
    own = ("uuid", "name", "website", "org_type", "status", "created_date", "active_date")
    return [
        *(f"{side}__{name}" for name in own),
        *_manager_columns(f"{side}__account_manager"),
        *_person_columns(f"{side}__contact"),
    ]


_CONNECTION_COLUMNS = (
    *ConnectionRow._fields[:6],
    *_manager_columns("account_manager"),
    *_organization_columns("retailer"),
    *_organization_columns("supplier"),
)


def _organization(columns: tuple) -> OrganizationRow:
    return OrganizationRow(*columns[:7], _manager(columns[7:14]), _person(columns[14:20]))


def _connection_row(row: tuple) -> ConnectionRow:
    return ConnectionRow(
        *row[:6], _manager(row[6:13]), _organization(row[13:33]), _organization(row[33:53])
    )


_connection_rows = PreparedModels(
    lambda organizations: Connection.objects.visible_to(organizations).values_list(
        *_CONNECTION_COLUMNS
    ),
    lambda: Connection._meta.get_field("retailer"),
)


def connection_list(user) -> list[ConnectionRow]:
    """`connections_for(user)`'s connections as rows, with their parties, account managers
    and contacts (what connection_data reads, under the same attribute names), in one query
    compiled once per kind of caller (connect_api.prepared): its nine joined tables cost more
    to compile than to run, and their instances more to build than the output
    (tests/connections/test_connection_list.py)."""
    return [_connection_row(row) for row in _connection_rows(visible_organizations(user))]
