"""The outreach side's events (connect_api.events): one payload builder for change requests."""

from connect_api.events import EventName, event_publish
from outreach.models import ChangeRequest


def change_request_event_publish(*, name: EventName, change_request: ChangeRequest) -> None:
    """change_request.submitted / applied / rejected, for the change request's site."""
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
        },
        refs={
            "site": site.pk,
            "change_request": change_request.pk,
            "submitter": change_request.submitted_by_id,
            "reviewer": change_request.reviewed_by_id,
        },
    )
