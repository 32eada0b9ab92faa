"""Presigned download URLs, where the storage backend can sign them."""

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils.http import content_disposition_header


def presigned_download_url(file: FieldFile, *, filename: str, content_type: str) -> str | None:
    """A short-lived URL the object store serves the bytes from, or None to stream them.

    Only with STORAGE_PRESIGNED_DOWNLOADS=true and an S3 backend. The signed request makes the
    store answer with the same Content-Disposition and Content-Type the app would send.
    """
    if not settings.STORAGE_PRESIGNED_DOWNLOADS:
        return None
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:
        return None
    if not isinstance(file.storage, S3Storage):
        return None
    return file.storage.url(
        file.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        },
    )
