"""Every write of this app."""

import logging
from collections.abc import Collection, Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from connect_api.events import EventName, event_publish
from organizations.models import Organization
from uploads.filenames import display_name
from uploads.inspection import KINDS, claimed_kind, inspect_upload
from uploads.models import Upload, UploadCheck, UploadCheckStatus, UploadGrant
from uploads.selectors import upload_check_data

logger = logging.getLogger("uploads.checks")


def upload_create(
    *, organization: Organization, user, file: UploadedFile, filename: str = ""
) -> Upload:
    """Store a verified file for the organization under a path the server chooses.

    The display name is `filename` if it survives sanitising, else the uploaded file's
    name; its extension claims a type the bytes must prove (415 otherwise, 400 if empty).
    Storage is not transactional: if the row cannot be written the stored bytes are removed.
    """
    name = display_name(filename) or display_name(file.name or "")
    kind = claimed_kind(name, display_name(file.name or ""))
    inspection = inspect_upload(file, kind=kind)
    upload = Upload(
        organization=organization,
        uploaded_by=user,
        name=name,
        size=inspection.size,
        sha256=inspection.sha256,
        content_type=inspection.content_type,
    )
    upload.file.save("upload", file, save=False)
    try:
        with transaction.atomic():
            upload.save()
    except BaseException:
        upload.file.delete(save=False)
        raise
    return upload


@transaction.atomic
def upload_delete(*, upload: Upload) -> None:
    """Delete the row, then (once committed) its bytes."""
    storage, path = upload.file.storage, upload.file.name
    upload.delete()
    transaction.on_commit(lambda: storage.delete(path))


@transaction.atomic
def upload_grants_create(*, uploads: Iterable[Upload], organization: Organization) -> None:
    """Let `organization` read these uploads (already granted ones stay as they are)."""
    UploadGrant.objects.bulk_create(
        [UploadGrant(upload=upload, organization=organization) for upload in uploads],
        ignore_conflicts=True,
    )


def specs_key(specs: Collection[str]) -> str:
    """How a set of specs is stored and looked up (UploadCheck.specs)."""
    return " ".join(sorted(set(specs)))


@transaction.atomic
def upload_checks_request(*, uploads: Iterable[Upload], specs: Collection[str]) -> None:
    """Have each upload checked against `specs` (the header picks one): a pending row now, the
    check in the job queue once this transaction commits. An upload already checked (or being
    checked) against the same specs keeps its check: the bytes have not changed. No specs: no
    row (the request shows not_applicable)."""
    key = specs_key(specs)
    uploads = list(uploads)
    if not key or not uploads:
        return
    known = set(
        UploadCheck.objects.filter(upload__in=uploads, specs=key).values_list(
            "upload_id", flat=True
        )
    )
    new = [UploadCheck(upload=upload, specs=key) for upload in uploads if upload.pk not in known]
    UploadCheck.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        from uploads.tasks import upload_check_run

        pks = list(
            UploadCheck.objects.filter(
                upload__in=[check.upload for check in new],
                specs=key,
                status=UploadCheckStatus.PENDING,
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: [upload_check_run(pk) for pk in pks])


def _extension(upload: Upload) -> str:
    """The type inspection proved (an upload's content type is one of KINDS')."""
    return next(
        (kind.extension for kind in KINDS.values() if kind.content_type == upload.content_type),
        "",
    )


def upload_check_run(*, check_pk: int) -> UploadCheck | None:
    """Run a pending check (outside any transaction: reading a large file takes a while), then
    store its result and publish `upload.checked` in one transaction. A check already finished
    (a second run of the job) is left as it is."""
    from uploads.checks import CheckResult, check_file

    check = UploadCheck.objects.select_related("upload__organization").filter(pk=check_pk).first()
    if check is None or check.status != UploadCheckStatus.PENDING:
        return check
    upload = check.upload
    try:
        with upload.file.open("rb") as file:
            result = check_file(file, extension=_extension(upload), specs=check.specs.split())
    except Exception as error:  # a file no reader foresaw is a failed check, never a stuck one
        logger.exception("upload check %s failed", check_pk)
        reason = f"The file could not be checked ({type(error).__name__})."
        result = CheckResult(UploadCheckStatus.FAILED, reason=reason)
    with transaction.atomic():
        locked = UploadCheck.objects.select_for_update().filter(pk=check_pk).first()
        if locked is None or locked.status != UploadCheckStatus.PENDING:
            return locked
        locked.status = result.status
        locked.spec = result.spec or ""
        locked.rows_checked = result.rows_checked
        locked.error_count = result.error_count
        locked.errors = result.errors
        locked.reason = result.reason
        locked.finished = timezone.now()
        locked.save()
        event_publish(
            name=EventName.UPLOAD_CHECKED,
            data={
                "upload_uuid": str(upload.uuid),
                "name": upload.name,
                "organization": {
                    "uuid": str(upload.organization.uuid),
                    "name": upload.organization.name,
                },
                **upload_check_data(locked),
            },
            refs={"organizations": [upload.organization_id], "upload": upload.pk},
        )
    return locked
