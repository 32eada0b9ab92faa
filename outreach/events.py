"""The outreach side's events (connect_api.events): one payload builder for change requests."""

from connect_api.events import EventName, event_publish
from outreach.dates import us_date
from outreach.models import ChangeRequest, Connection
from outreach.names import full_name_of


def change_request_event_publish(*, name: EventName, change_request: ChangeRequest) -> None:
    """change_request.submitted / applied / rejected / stale, for the change request's site
    (`reason`: why a stale one could not be applied; None otherwise)."""
    site = change_request.site
    connection = change_request.connection
    event_publish(
        name=name,
        data={
            "site": site.number,
            "change_request_id": change_request.number,
            "kind": change_request.kind,
            "status": change_request.status,
            "connection_id": connection.number if connection else None,
            "message": change_request.review_message or None,
            "reason": change_request.failure_reason or None,
        },
        refs={
            "site": site.pk,
            "change_request": change_request.pk,
            "submitter": change_request.submitted_by_id,
            "reviewer": change_request.reviewed_by_id,
        },
    )


def connection_due_event_publish(*, connection: Connection) -> None:
    """outreach_connection.due, for whoever the connection is assigned to (caller or team)."""
    event_publish(
        name=EventName.OUTREACH_CONNECTION_DUE,
        data={
            "site": connection.site.number,
            "connection_id": connection.number,
            "connection_type": connection.connection_type.description,
            "contact": {
                "individual_id": connection.contact.number,
                "name": full_name_of(connection.contact),
            },
            "due_date": us_date(connection.due_date),
            "caller_id": connection.caller.number if connection.caller_id else None,
            "team_id": connection.team.number if connection.team_id else None,
        },
        refs={
            "site": connection.site_id,
            "connection": connection.pk,
            "caller": connection.caller_id,
            "team": connection.team_id,
        },
    )
