"""Files an organization uploaded, attachable to its connection requests.

The bytes live in `default_storage` (STORAGES["default"]) under a path the server picks;
the client's file name is only ever a display name.
"""

import uuid

from django.conf import settings
from django.db import models


def upload_storage_path(upload: "Upload", filename: str) -> str:
    """`uploads/<organization uuid>/<upload uuid>`: never derived from the client's name."""
    return f"uploads/{upload.organization.uuid}/{upload.uuid}"


class Upload(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "connections.Organization", on_delete=models.CASCADE, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
    name = models.CharField(max_length=255, help_text="Sanitised display name.")
    file = models.FileField(upload_to=upload_storage_path, max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)
    connection_requests = models.ManyToManyField(
        "connections.ConnectionRequest", related_name="uploaded_files", blank=True
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["organization", "-created"])]

    def __str__(self):
        return f"{self.name} ({self.uuid})"
