"""The one answer to "give me this upload's bytes", shared by the API's download action and the
admin's download view (both decide who may ask; this only answers)."""

from django.http import FileResponse, HttpResponseRedirect

from connect_api.storage import presigned_download_url
from uploads.models import Upload


def download_response(upload: Upload):
    """The bytes as an attachment under the upload's display name, or (S3 with presigned
    downloads on) a redirect to a short-lived URL."""
    presigned = presigned_download_url(
        upload.file, filename=upload.name, content_type=upload.content_type
    )
    if presigned is not None:
        return HttpResponseRedirect(presigned)
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.name,
        content_type=upload.content_type,
    )
    response["Content-Length"] = str(upload.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
