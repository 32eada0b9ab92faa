from django.conf import settings
from django.db import models

from notifications.choices import DeliveryStatus, Frequency, MailKind
from outreach.models import SiteQuerySet


class MailPreference(models.Model):
    """How often a user hears about one kind of mail: per site for the outreach kinds, without
    a site for the supplier kinds. No row: the kind's default (choices.default_frequency)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preferences"
    )
    kind = models.CharField(max_length=40, choices=MailKind.choices)
    site = models.ForeignKey(
        "outreach.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mail_preferences",
        help_text="Outreach kinds only.",
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    updated = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["user", "site", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(site__isnull=True),
                name="notifications_preference_unique_without_site",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "site"],
                condition=models.Q(site__isnull=False),
                name="notifications_preference_unique_per_site",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind}: {self.frequency}"


class MailDelivery(models.Model):
    """One mail owed to one recipient for one event: the row that makes sending idempotent (a
    re-dispatched event finds it; a SENT row is never sent again). Digest rows wait QUEUED
    until their daily or weekly job sends them together."""

    event = models.ForeignKey(
        "connect_api.Event", on_delete=models.CASCADE, related_name="mail_deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_deliveries"
    )
    kind = models.CharField(max_length=40, choices=MailKind.choices)
    site = models.ForeignKey(
        "outreach.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mail_deliveries",
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    context = models.JSONField(default=dict, help_text="What the templates render.")
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "mail deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "kind"], name="notifications_delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "frequency"])]

    def __str__(self):
        return f"{self.kind} to {self.recipient} ({self.status})"
