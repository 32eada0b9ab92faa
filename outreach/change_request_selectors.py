"""Reads of the outreach change requests, always scoped to one site."""

from django.db.models import QuerySet

from connect_api.errors import NotFound
from outreach.models import ChangeRequest, Site


def change_requests_for(
    *,
    site: Site,
    status: str | None = None,
    kind: str | None = None,
    submitter: str | None = None,
) -> QuerySet[ChangeRequest]:
    """The site's change requests, newest first, with what the list shows joined in."""
    change_requests = ChangeRequest.objects.filter(site=site).select_related(
        "submitted_by", "reviewed_by", "connection__connection_type"
    )
    if status:
        change_requests = change_requests.filter(status=status)
    if kind:
        change_requests = change_requests.filter(kind=kind)
    if submitter:
        change_requests = change_requests.filter(submitted_by__username=submitter)
    return change_requests.order_by("-number")


def change_request_get(*, site: Site, number: int) -> ChangeRequest:
    change_request = change_requests_for(site=site).filter(number=number).first()
    if change_request is None:
        raise NotFound(f"Change request {number} not found.")
    return change_request
