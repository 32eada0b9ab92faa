"""Webhook endpoints (an organization's or a site's) and their deliveries of events."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from connect_api.models import Event
from organizations.models import Organization
from organizations.querysets import TenantQuerySet
from outreach.models import Site, SiteQuerySet
from webhooks.choices import DeliveryStatus, EndpointStatus


class EndpointQuerySet(TenantQuerySet):
    def owned_by(self, organizations):
        return Q(organization_id__in=organizations)


class Endpoint(models.Model):
    """A URL an owner (exactly one of an organization or a site) registered for some events.

    `secret` signs every delivery (Standard Webhooks, `whsec_<base64>`); the API shows it
    once, in the answer to the registration. `number` is the per-site id of a site's
    endpoint (the outreach API's EndpointId)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="The event names delivered here.")
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="The secret before the last rotation: it still signs until "
        "previous_secret_expires.",
    )
    previous_secret_expires = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=EndpointStatus.choices, default=EndpointStatus.ACTIVE
    )
    failing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The first failed attempt since the last success (cleared by a success).",
    )
    disabled_date = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    owner_notified_date = models.DateTimeField(
        null=True, blank=True, help_text="When the owner was told it was disabled."
    )
    created_date = models.DateTimeField(default=timezone.now)

    objects = EndpointQuerySet.as_manager()
    site_objects = SiteQuerySet.as_manager()
    """A site's endpoints: `Endpoint.site_objects.restrict(site)`."""

    class Meta:
        ordering = ["-created_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, site__isnull=True, number__isnull=True)
                | Q(organization__isnull=True, site__isnull=False, number__isnull=False),
                name="webhooks_endpoint_one_owner",
            ),
            models.UniqueConstraint(
                fields=["site", "number"], name="webhooks_endpoint_site_number"
            ),
        ]

    def __str__(self):
        return f"{self.url} ({self.organization or self.site})"

    @property
    def is_active(self) -> bool:
        return self.status == EndpointStatus.ACTIVE

    @property
    def disabled_reason_or_none(self) -> str | None:
        return self.disabled_reason or None


class Delivery(models.Model):
    """One event sent (or being sent) to one endpoint: at most one per (event, endpoint),
    so a dispatch that runs twice delivers once. `next_attempt_at` is when the next attempt
    is due (null once it succeeded or gave up); a job claiming an attempt moves it past the
    attempt's time-out, so a second job for the same row finds nothing to do."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts made, in all.")
    round_attempts = models.PositiveIntegerField(
        default=0, help_text="Attempts since the delivery was (re)scheduled: the backoff step."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_date = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_response_excerpt = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_date = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_date", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event.name} -> {self.endpoint.url}"

    @property
    def last_error_or_none(self) -> str | None:
        return self.last_error or None
