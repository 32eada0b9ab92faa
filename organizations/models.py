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
from organizations.querysets import TenantQuerySet


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

    # Discovery participation (set by staff: GET/POST /discovery/participation/<uuid>/); the
    # organization participates while `discoverable_since` is set.
    discovery_catalog_uuid = models.UUIDField(
        null=True, blank=True, help_text="The catalog it shows in the discovery catalog."
    )
    discovery_requested_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its employee who asked to be listed in the discovery catalog.",
    )
    discovery_approved_by = models.ForeignKey(
        AccountManager,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account manager who listed it.",
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


class MembershipQuerySet(TenantQuerySet):
    def owned_by(self, organizations):
        return models.Q(organization__in=organizations)


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
    person = models.OneToOneField(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership",
        help_text="The member's name, e-mail, phone and job title as the API shows them.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        db_table = "connections_organizationmembership"
        ordering = ["id"]

    def __str__(self):
        return f"{self.user} @ {self.organization.name}"


class InvitationQuerySet(TenantQuerySet):
    def owned_by(self, organizations):
        return models.Q(organization__in=organizations)


class Invitation(models.Model):
    """A one-time link that lets an invited colleague set a password and join the
    organization. Only a digest of the token is stored; the token itself exists in the mail
    (issued by the worker when it sends it, so it never sits in the job queue)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    membership = models.ForeignKey(
        OrganizationMembership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    issued = models.DateTimeField(
        null=True, blank=True, help_text="When the mail's token was made."
    )
    expires = models.DateTimeField(null=True, blank=True)
    accepted = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["membership", "revoked", "accepted"])]

    def __str__(self):
        return f"{self.email} -> {self.organization.name}"
