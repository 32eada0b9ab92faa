"""Every read of this app: querysets already scoped to the caller and prefetched.

A view starts from these, so another organization's row is simply not found (404).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from connect_api.prepared import PreparedRows
from connections.models import Connection, ConnectionRequest, Integration, ReviewEntry
from uploads.models import UploadCheck


def connection_requests_for(user) -> QuerySet[ConnectionRequest]:
    """Requests the caller may see (staff: all), with what their representation reads
    (integrations and uploaded files come from `with_child_rows` once the page is known)."""
    return (
        ConnectionRequest.objects.restrict(user)
        .select_related("requester", "decided_by__person")
        .prefetch_related(Prefetch("history", queryset=review_entries()))
    )


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


class UploadedFileRow(NamedTuple):
    request_id: int
    upload_id: int
    name: str
    uuid: UUID
    checks: list  # the upload's UploadChecks (one per set of specs asked for)


# The two child queries of every request list and detail, compiled once (connect_api.prepared).
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


def with_child_rows(
    connection_requests: Sequence[ConnectionRequest],
) -> Sequence[ConnectionRequest]:
    """Give each request `integration_rows` (its integrations as named rows, `row.uuid`,
    `row.rules` ..., oldest first) and `uploaded_file_rows` (`row.name`, `row.uuid`, newest
    first, Upload's order, with `row.checks`, the upload's spec checks), in one query each
    (the checks' only when there are files).

    Rows, not instances: the request list is the hot read path, and building Integration and
    Upload instances (with a related manager per request for `uploaded_files.all()`) cost more
    than all the rest of it (benchmarks/connections_list.py, benchmarks/speed.py). The same
    answer as `integrations.all()` and `uploaded_files.all()` with a prefetch, in as many
    queries (tests/connections/test_child_rows.py)."""
    integrations: dict[int, list] = {row.pk: [] for row in connection_requests}
    uploads: dict[int, list] = {row.pk: [] for row in connection_requests}
    keys = list(integrations)
    for row in _integration_rows(keys):
        integrations[row[0]].append(IntegrationRow(*row))
    file_rows = _uploaded_file_rows(keys)
    checks: dict[int, list] = {row[1]: [] for row in file_rows}
    if checks:
        for check in UploadCheck.objects.filter(upload_id__in=checks):
            checks[check.upload_id].append(check)
    for row in file_rows:
        uploads[row[0]].append(UploadedFileRow(*row, checks=checks[row[1]]))
    for connection_request in connection_requests:
        connection_request.integration_rows = integrations[connection_request.pk]
        connection_request.uploaded_file_rows = uploads[connection_request.pk]
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
    return Connection.objects.restrict(user).select_related(*_PARTY)
