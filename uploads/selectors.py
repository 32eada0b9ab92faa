"""Every read of this app: querysets already scoped to the caller.

Another organization's upload is simply not in the queryset, so the API answers 404.
"""

import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from connect_api.errors import DomainError
from connections.choices import ConnectionRequestStatus
from connections.models import Organization
from connections.selectors import organization_for
from connections.validators import shown
from uploads.models import Upload


def uploads_for(user) -> QuerySet[Upload]:
    """Uploads the caller's organization made (staff: every upload): the list endpoint."""
    queryset = Upload.objects.all()
    if user.is_staff:
        return queryset
    organization = organization_for(user)
    if organization is None:
        return queryset.none()
    return queryset.filter(organization=organization)


def readable_uploads_for(user) -> QuerySet[Upload]:
    """Uploads the caller may read: its organization's, staff all, and the counterpart's of
    a request the upload is attached to once that request is APPROVED."""
    queryset = Upload.objects.all()
    if user.is_staff:
        return queryset
    organization = organization_for(user)
    if organization is None:
        return queryset.none()
    shared_with_counterpart = Upload.connection_requests.through.objects.filter(
        connectionrequest__counterpart=organization,
        connectionrequest__status=ConnectionRequestStatus.APPROVED,
    ).values("upload_id")
    return queryset.filter(Q(organization=organization) | Q(pk__in=shared_with_counterpart))


def uploads_for_attachment(*, organization: Organization, uuids: Iterable) -> list[Upload]:
    """The organization's uploads with these uuids, in the order given (duplicates once).

    Any uuid that is not one of the organization's uploads (another organization's, unknown,
    or not a uuid at all) -> 400 naming it, with the same message in every case.
    """
    wanted: dict[uuid.UUID, None] = {}
    unknown: list[str] = []
    for raw in uuids:
        try:
            wanted[raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))] = None
        except ValueError:
            unknown.append(shown(raw))
    found = {
        upload.uuid: upload
        for upload in Upload.objects.filter(organization=organization, uuid__in=list(wanted))
    }
    unknown += [str(value) for value in wanted if value not in found]
    if unknown:
        raise DomainError(
            "Unknown uploaded file: give uuids of your organization's uploads.",
            code="unknown_upload",
            errors={"uploaded_files": [f"Unknown upload {value}." for value in unknown]},
        )
    return [found[value] for value in wanted]
