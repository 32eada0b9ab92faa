"""Files an organization uploaded, and which other organizations may read them.

The bytes live in `default_storage` (STORAGES["default"]) under a path the server picks;
the client's file name is only ever a display name. This app knows organizations only:
whoever shares a file with another organization (approving a connection request the file
is attached to) writes an `UploadGrant`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organizations.models import Organization
from organizations.querysets import TenantQuerySet


class UploadQuerySet(TenantQuerySet):
    def owned_by(self, organizations) -> Q:
        return Q(organization__in=organizations)

    def shared_with(self, organizations) -> Q:
        """Their own uploads and those granted to them."""
        granted = UploadGrant.objects.filter(organization__in=organizations).values("upload_id")
        return self.owned_by(organizations) | Q(pk__in=granted)

    def readable_by(self, user):
        return self.restrict(user, rule=self.shared_with)


def upload_storage_path(upload: "Upload", filename: str) -> str:
    """`uploads/<organization uuid>/<upload uuid>`: never derived from the client's name."""
    return f"uploads/{upload.organization.uuid}/{upload.uuid}"


class Upload(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="uploads")
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

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["organization", "-created"])]

    def __str__(self):
        return f"{self.name} ({self.uuid})"


class UploadGrant(models.Model):
    """`organization` may read `upload` (besides the uploading organization and staff)."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="grants")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="upload_grants"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "organization"], name="upload_grant_once_per_organization"
            )
        ]

    def __str__(self):
        return f"{self.organization.name} may read {self.upload.name}"
