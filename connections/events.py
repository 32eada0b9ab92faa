"""The supplier side's events (connect_api.events): one payload builder per subject."""

from connect_api.events import EventName, event_publish
from connections.models import Connection, ConnectionRequest, ReviewEntry
from organizations.models import Organization


def _organization(organization: Organization | None) -> dict | None:
    if organization is None:
        return None
    return {
        "uuid": str(organization.uuid),
        "name": organization.name,
        "org_type": organization.org_type,
    }


def request_event_publish(
    *,
    name: EventName,
    connection_request: ConnectionRequest,
    connection: Connection | None = None,
    review: ReviewEntry | None = None,
) -> None:
    """connection_request.created / approved / rejected / changes_requested, for the requester
    (and, once linked, the counterpart); changes_requested says what to change
    (`changes_requested`: the message and the uuids of the integrations and files concerned)."""
    data = {
        "request_uuid": str(connection_request.uuid),
        "status": connection_request.status,
        "requester": _organization(connection_request.requester),
        "counterpart": _organization(connection_request.counterpart)
        or {"uuid": None, "name": connection_request.counterpart_name, "org_type": None},
        "rejection_reason": connection_request.rejection_reason or None,
        "connection_uuid": str(connection.uuid) if connection else None,
    }
    if review is not None:
        data["changes_requested"] = {
            "message": review.message,
            "integrations": review.integrations,
            "uploaded_files": review.uploaded_files,
        }
    organizations = [connection_request.requester_id]
    if connection_request.counterpart_id:
        organizations.append(connection_request.counterpart_id)
    event_publish(
        name=name,
        data=data,
        refs={
            "organizations": organizations,
            "requester": connection_request.requester_id,
            "counterpart": connection_request.counterpart_id,
            "connection_request": connection_request.pk,
            "connection": connection.pk if connection else None,
        },
    )


def connection_event_publish(*, name: EventName, connection: Connection, user) -> None:
    """connection.confirmed / deactivated, for both sides."""
    event_publish(
        name=name,
        data={
            "connection_uuid": str(connection.uuid),
            "status": connection.status,
            "retailer": _organization(connection.retailer),
            "supplier": _organization(connection.supplier),
        },
        refs={
            "organizations": [connection.retailer_id, connection.supplier_id],
            "connection": connection.pk,
            "by_user": user.pk,
        },
    )
