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


class UploadCheckStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class UploadCheck(models.Model):
    """The file checked against the spec its header picks among `specs` (the specs a
    connection request's integrations allow, space-separated, sorted). The bytes of an upload
    never change, so one check per (upload, specs) serves every request that asks for it."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="checks")
    specs = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=UploadCheckStatus.choices, default=UploadCheckStatus.PENDING
    )
    spec = models.CharField(max_length=40, blank=True, help_text="The spec the header picked.")
    rows_checked = models.PositiveIntegerField(null=True, blank=True)
    error_count = models.PositiveIntegerField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="The first 100 errors.")
    reason = models.TextField(blank=True, help_text="Why the file was not checked row by row.")
    created = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "specs"], name="upload_check_once_per_specs")
        ]

    def __str__(self):
        return f"{self.upload.name} against {self.spec or self.specs or 'no spec'}: {self.status}"
