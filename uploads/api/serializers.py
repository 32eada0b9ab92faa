from rest_framework import serializers

from uploads.filenames import display_name


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


class UploadCreatedSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()


class UploadOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    content_type = serializers.CharField(help_text="Decided from the bytes.")
    sha256 = serializers.CharField(help_text="Hex digest of the stored bytes.")
    created = serializers.DateTimeField()
