"""Every read of this app: querysets already scoped to the caller.

Another organization's upload is simply not in the queryset, so the API answers 404.
"""

import uuid
from collections.abc import Iterable
from typing import Annotated, TypedDict

from django.db.models import QuerySet

from connect_api.api.outputs import DateTime, Doc
from connect_api.errors import DomainError, shown
from organizations.models import Organization
from uploads.models import Upload, UploadCheck, UploadCheckStatus


def uploads_for(user) -> QuerySet[Upload]:
    """Uploads the caller's organization made (staff: every upload): the list endpoint."""
    return Upload.objects.restrict(user)


def readable_uploads_for(user) -> QuerySet[Upload]:
    """Uploads the caller may read: its organization's, those granted to it (the
    counterpart of an approved request the upload is attached to), staff all."""
    return Upload.objects.readable_by(user)


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


NO_SPEC_REASON = "No integration of the request implies a file spec."


class UploadCheckErrorOutput(TypedDict):
    row: Annotated[int | None, Doc("The file's row (1: the header; for X12, the segment).")]
    field: Annotated[str | None, Doc("The spec's column name.")]
    message: str


class UploadCheckOutput(TypedDict):
    specs: Annotated[
        list[str],
        Doc("The specs the request's integrations allow; the file's header picks one."),
    ]
    spec: Annotated[str | None, Doc("The spec checked against (x12-envelope for X12 EDI).")]
    status: UploadCheckStatus
    rows_checked: int | None
    error_count: int | None
    errors: Annotated[list[UploadCheckErrorOutput], Doc("The first 100 errors.")]
    reason: Annotated[str | None, Doc("Why the file was not checked row by row, if it was not.")]
    checked_at: DateTime | None


def upload_check_data(check: UploadCheck | None) -> UploadCheckOutput | None:
    """A check as the API, the admin and the `upload.checked` event show it (None: the file
    was attached before checks existed)."""
    if check is None:
        return None
    return {
        "specs": check.specs.split(),
        "spec": check.spec or None,
        "status": check.status,
        "rows_checked": check.rows_checked,
        "error_count": check.error_count,
        "errors": check.errors,
        "reason": check.reason or None,
        "checked_at": check.finished.isoformat().replace("+00:00", "Z") if check.finished else None,
    }


def upload_check_for(checks: Iterable[UploadCheck], specs_key: str) -> UploadCheckOutput | None:
    """The check against these specs among an upload's `checks` (already read: no query);
    not_applicable when there are no specs to check against."""
    if not specs_key:
        return {
            "specs": [],
            "spec": None,
            "status": UploadCheckStatus.NOT_APPLICABLE,
            "rows_checked": None,
            "error_count": None,
            "errors": [],
            "reason": NO_SPEC_REASON,
            "checked_at": None,
        }
    check = next((check for check in checks if check.specs == specs_key), None)
    return upload_check_data(check)
