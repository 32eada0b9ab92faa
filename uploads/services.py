"""Every write of this app."""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from organizations.models import Organization
from uploads.filenames import display_name
from uploads.inspection import claimed_kind, inspect_upload
from uploads.models import Upload, UploadGrant


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
