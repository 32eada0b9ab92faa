"""Supplier connection requests (with integrations) and the connections approval opens.

The organizations they join are the tenant app's (`organizations`).

Integer keys stay inside the server: every row the API shows has a `uuid`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from connections.choices import (
    ConnectionRequestStatus,
    ConnectionStatus,
    IntegrationType,
    ReviewAction,
)
from connections.cron import DEFAULT_TIME_ZONE
from organizations.models import AccountManager, Organization
from organizations.querysets import TenantQuerySet


class ConnectionRequestQuerySet(TenantQuerySet):
    def owned_by(self, organizations) -> Q:
        return Q(requester__in=organizations)

    def listed(self) -> "ConnectionRequestQuerySet":
        """What the list shows unless a status is asked for: every request but WITHDRAWN."""
        return self.exclude(status=ConnectionRequestStatus.WITHDRAWN)


class ConnectionQuerySet(TenantQuerySet):
    def owned_by(self, organizations) -> Q:
        return Q(retailer__in=organizations) | Q(supplier__in=organizations)


class ConnectionRequest(models.Model):
    """An organization asking to be connected to a counterpart it names and describes."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    requester = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="connection_requests"
    )
    counterpart = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incoming_connection_requests",
    )
    counterpart_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200)
    contact_phone = models.CharField(max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    account_number = models.CharField(max_length=100, blank=True)
    additional_information = models.TextField(blank=True)
    request_date = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20,
        choices=ConnectionRequestStatus.choices,
        default=ConnectionRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        AccountManager,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_requests",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change (its ETag; If-Match is checked against it)."
    )
    updated_at = models.DateTimeField(default=timezone.now, help_text="The last change.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_files = models.ManyToManyField(
        "uploads.Upload",
        blank=True,
        related_name="connection_requests",
        # Created by `uploads` when the link was declared there; the name (and data) stay.
        db_table="uploads_upload_connection_requests",
    )

    objects = ConnectionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-request_date", "-id"]
        permissions = [
            ("approve_connectionrequest", "Can approve connection request"),
            ("reject_connectionrequest", "Can reject connection request"),
            ("request_changes_connectionrequest", "Can ask for changes to connection request"),
        ]
        # The list's order for one organization and for staff, over the rows it shows unless
        # asked otherwise (WITHDRAWN is hidden by default): the count and a deep `start` walk
        # these index-only, without a filter per entry; status is included for is_approved=
        # and status=. Search: pg_trgm indexes of migration 0005, PostgreSQL only.
        indexes = [
            models.Index(
                fields=["requester", "-request_date", "-id"],
                include=["status"],
                condition=~Q(status=ConnectionRequestStatus.WITHDRAWN),
                name="connreq_shown_requester_idx",
            ),
            models.Index(
                fields=["-request_date", "-id"],
                include=["status"],
                condition=~Q(status=ConnectionRequestStatus.WITHDRAWN),
                name="connreq_shown_date_idx",
            ),
            models.Index(fields=["status", "-request_date"]),
        ]

    def __str__(self):
        return f"{self.requester.name} -> {self.counterpart_name} ({self.status})"

    @property
    def is_approved(self) -> bool:
        return self.status == ConnectionRequestStatus.APPROVED


class ShownPerDay(models.Model):
    """How many requests are shown (every status but WITHDRAWN, what the list shows unless
    asked otherwise) on a UTC day of their `request_date`, for what `of` names.

    Kept by PostgreSQL itself: statement triggers on the requests' table add what each
    INSERT, UPDATE and DELETE changes, in the same transaction (migration 0012), whoever
    writes (the ORM, a bulk update, raw SQL). The list reads them to place a deep `start`
    without walking every row before it (connections.selectors.ShownDays). Not kept on
    SQLite, where the list never reads them."""

    of = ""  # the field that, with the day, names a row

    day = models.DateField()
    shown = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.of} {getattr(self, self.of)}, {self.day}: {self.shown}"


class ShownRequestDay(ShownPerDay):
    """An organization's shown requests per day. `requester_id` names the organization
    without a foreign key: an organization's requests are deleted before it, and their
    trigger then writes here, which a key to the row being deleted would refuse."""

    of = "requester_id"

    requester_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester_id", "day"], name="shown_request_day_key")
        ]


class ShownRequestDayOfAll(ShownPerDay):
    """Every organization's shown requests per day (staff's list), in SHOWN_REQUEST_PARTS rows
    a day (`part`: the requester's id modulo that): one row a day would make every request
    written that day wait for the one before it to commit, and a row per organization and day
    would make staff's read as long as the number of organizations."""

    of = "part"

    part = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "part"], name="shown_request_day_of_all_key")
        ]


SHOWN_REQUEST_PARTS = 8
"""The rows a day of ShownRequestDayOfAll is kept in (migration 0012's triggers)."""


class Integration(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        ConnectionRequest, on_delete=models.CASCADE, related_name="integrations"
    )
    integration_type = models.CharField(max_length=20, choices=IntegrationType.choices)
    update_frequency = models.CharField(max_length=100, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        help_text="IANA zone update_frequency is read in (e.g. Europe/Berlin).",
    )
    file_locations = models.TextField(blank=True)
    file_specs = models.TextField(blank=True)
    rules = models.TextField(blank=True)
    date_created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date_created", "id"]
        # The list's `integration_type=` filter (an EXISTS per request), index-only.
        indexes = [models.Index(fields=["integration_type", "request"])]

    def __str__(self):
        return f"{self.integration_type} ({self.update_frequency})"


class ReviewEntry(models.Model):
    """One line of a request's history: who decided or resubmitted what, when, and why.

    Staff act as their AccountManager (`account_manager`); the requester's users as themselves
    (`user`). Written by the services that change the request's status, in their transaction.
    """

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(ConnectionRequest, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    account_manager = models.ForeignKey(
        AccountManager, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(blank=True)
    integrations = models.JSONField(
        default=list, blank=True, help_text="uuids of the integrations the message is about."
    )
    uploaded_files = models.JSONField(
        default=list, blank=True, help_text="uuids of the files the message is about."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "review entries"

    def __str__(self):
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class Connection(models.Model):
    """A retailer-supplier link made when staff approve a request; the counterpart confirms."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    retailer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="retailer_connections"
    )
    supplier = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="supplier_connections"
    )
    status = models.CharField(
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.CONFIRMATION_WAITING,
    )
    account_manager = models.ForeignKey(
        AccountManager,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="connections",
    )
    allocation_type = models.CharField(max_length=50, blank=True)
    suppliers_retailer_account_number = models.CharField(max_length=100, blank=True)
    retailers_supplier_account_number = models.CharField(max_length=100, blank=True)
    created_date = models.DateTimeField(default=timezone.now)
    confirmed_date = models.DateTimeField(null=True, blank=True)
    deactivated_date = models.DateTimeField(null=True, blank=True)
    request = models.OneToOneField(
        ConnectionRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="connection",
    )

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "-id"]
        permissions = [("deactivate_connection", "Can deactivate connection")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(retailer=F("supplier")), name="connection_two_organizations"
            ),
            models.UniqueConstraint(
                fields=["retailer", "supplier"],
                condition=~Q(status=ConnectionStatus.DEACTIVATED),
                name="connection_one_live_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.retailer.name} <-> {self.supplier.name} ({self.status})"
