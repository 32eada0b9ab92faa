"""The supplier side's tenants: organizations (retailers and suppliers), the people who are
their contacts, the operator's account managers, and which user belongs to which
organization.

These tables were created by the `connections` app; they keep their names (`db_table`), so
moving the models here moved no data.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from organizations.choices import OrganizationStatus, OrganizationType, PermissionVisibility


class Person(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    job_title = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "connections_person"
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email or str(self.uuid)


class AccountManager(models.Model):
    """A staff user of the operator who looks after organizations and decides requests."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_manager"
    )
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="account_manager")

    class Meta:
        db_table = "connections_accountmanager"
        ordering = ["id"]

    def __str__(self):
        return str(self.person)


class Organization(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    org_type = models.CharField(max_length=10, choices=OrganizationType.choices)
    status = models.CharField(
        max_length=10, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    created_date = models.DateTimeField(default=timezone.now)
    active_date = models.DateTimeField(null=True, blank=True)
    account_manager = models.ForeignKey(
        AccountManager,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    contact = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="organizations"
    )
    # What discovery shows of it (POST /discovery/suppliers/).
    description = models.TextField(
        null=True, blank=True, help_text="What the organization offers, in its own words."
    )
    fulfillment_percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of the SKUs ordered from it that it delivered (0-100).",
    )
    number_of_skus = models.PositiveIntegerField(
        default=0, help_text="SKUs it made visible in the discovery catalog."
    )
    discoverable_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it made its products available in the discovery catalog "
        "(discovery's `recent` filter).",
    )

    class Meta:
        db_table = "connections_organization"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["org_type", "status"], name="connections_org_typ_464237_idx")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_org_type_display()})"


class Permission(models.Model):
    """A right a member of an organization may be assigned (the platform's catalog: names,
    display names and groupings as its docs list them)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    display_name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    visibility = models.CharField(max_length=10, choices=PermissionVisibility.choices)
    grouping = models.CharField(max_length=50)

    class Meta:
        ordering = ["grouping", "name"]

    def __str__(self):
        return self.display_name


class OrganizationMembership(models.Model):
    """One organization per non-staff user: the tenant everything they see is scoped to
    (the platform's "organization user", whose uuid its login answers as `user_uuid`)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_membership",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    created_date = models.DateTimeField(default=timezone.now)
    permissions = models.ManyToManyField(Permission, blank=True, related_name="memberships")

    class Meta:
        db_table = "connections_organizationmembership"
        ordering = ["id"]

    def __str__(self):
        return f"{self.user} @ {self.organization.name}"
