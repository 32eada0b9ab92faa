"""The upload API's input (a multipart body) and outputs: each output a TypedDict
(connect_api.api.outputs: the schema is derived from it) built by one `*_data` function."""

from typing import Annotated, TypedDict

from rest_framework import serializers

from connect_api.api.outputs import DateTime, Doc, Uuid, iso_utc
from uploads.filenames import display_name
from uploads.models import Upload


class DisplayNameField(serializers.CharField):
    """Any string is accepted and sanitised (path parts, NUL and control characters dropped,
    255 characters at most) instead of rejected."""

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, allow_blank=True, **kwargs)

    def to_internal_value(self, data):
        return display_name(super().to_internal_value(data))


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    filename = DisplayNameField(
        required=False,
        help_text="Display name; default the uploaded file's name. Its extension "
        "(else the file's) names the type the bytes must prove.",
    )


class UploadCreated(TypedDict):
    uuid: Uuid
    name: str


def upload_created_data(upload: Upload) -> UploadCreated:
    return {"uuid": str(upload.uuid), "name": upload.name}


class UploadOutput(TypedDict):
    uuid: Uuid
    name: str
    size: Annotated[int, Doc("Bytes.")]
    content_type: Annotated[str, Doc("Decided from the bytes.")]
    sha256: Annotated[str, Doc("Hex digest of the stored bytes.")]
    created: DateTime


def upload_data(upload: Upload) -> UploadOutput:
    return {
        "uuid": str(upload.uuid),
        "name": upload.name,
        "size": upload.size,
        "content_type": upload.content_type,
        "sha256": upload.sha256,
        "created": iso_utc(upload.created),
    }
