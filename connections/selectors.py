"""Every read of this app: querysets already scoped to the caller and prefetched.

A view starts from these, so another organization's row is simply not found (404).
"""

from collections.abc import Sequence

from django.db.models import QuerySet

from connections.models import Connection, ConnectionRequest, Integration


def connection_requests_for(user) -> QuerySet[ConnectionRequest]:
    """Requests the caller may see (staff: all), with what their representation reads
    (integrations come from `with_integration_rows` once the page is known)."""
    return (
        ConnectionRequest.objects.restrict(user)
        .select_related("requester", "decided_by__person")
        .prefetch_related("uploaded_files__checks")
    )


def with_integration_rows(
    connection_requests: Sequence[ConnectionRequest],
) -> Sequence[ConnectionRequest]:
    """Give each request `integration_rows`: its integrations as named rows (`row.uuid`,
    `row.rules` ...), oldest first, in one query. The request list is the hot read path and
    building Integration instances cost more than all the rest of it
    (benchmarks/connections_list.py)."""
    by_request: dict[int, list] = {row.pk: [] for row in connection_requests}
    if by_request:
        rows = (
            Integration.objects.filter(request_id__in=by_request)
            .order_by("date_created", "id")
            .values_list(
                "request_id",
                "uuid",
                "integration_type",
                "update_frequency",
                "file_locations",
                "file_specs",
                "rules",
                "date_created",
                named=True,
            )
        )
        for row in rows:
            by_request[row.request_id].append(row)
    for connection_request in connection_requests:
        connection_request.integration_rows = by_request[connection_request.pk]
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
