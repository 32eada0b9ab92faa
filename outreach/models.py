"""Outreach sites: memberships with their rights, the directory, teams, connections.

Every id the mobile API shows (IndvId, FamId, TeamId, ConnectionTypeId, RespID, ConnectionId)
is a per-site `number` (unique with the site, issued by `services.site_number_next`);
integer primary keys stay inside the server.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from outreach.choices import (
    ChangeRequestKind,
    ChangeRequestStatus,
    ConnectionCategory,
    Right,
    SecurityRole,
)


def _site_number_constraint(model_name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["site", "number"], name=f"outreach_{model_name}_unique_site_number"
    )


def _right_field(verbose_name: str) -> models.CharField:
    return models.CharField(verbose_name, max_length=1, choices=Right.choices, default=Right.NONE)


class Site(models.Model):
    number = models.PositiveIntegerField(unique=True, help_text="The URL's site_number.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class Individual(models.Model):
    """A person in a site's directory."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="individuals")
    number = models.PositiveIntegerField("IndvId")
    family_number = models.PositiveIntegerField("FamId", null=True, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    goes_by_name = models.CharField(max_length=100, blank=True)
    family_position = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    member_status = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "number"]
        constraints = [_site_number_constraint("individual")]
        indexes = [
            models.Index(fields=["site", "last_name", "first_name", "number"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.number})".strip()


class SiteMembership(models.Model):
    """A user working at a site: the SecurityRole and the A/V/N rights of the vendor's app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    individual = models.ForeignKey(
        Individual,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="This user in the site's directory (whose assignments are 'mine').",
    )
    security_role = models.CharField(
        max_length=20, choices=SecurityRole.choices, default=SecurityRole.MEMBER
    )
    create_change_request = _right_field("CreateChangeRequest")
    locate_person = _right_field("LocatePerson")
    member_search = _right_field("MemberSearch")
    view_add_comments = _right_field("ViewAddComments")
    reassign_connection = _right_field("ReassignConnection")
    assigned_contacts_only = _right_field("AssignedContactsOnly")

    class Meta:
        ordering = ["site__number", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="outreach_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} at {self.site.number} ({self.get_security_role_display()})"


class ConnectionType(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="connection_types")
    number = models.PositiveIntegerField("ConnectionTypeId")
    description = models.CharField(max_length=200)
    category = models.CharField(
        max_length=1, choices=ConnectionCategory.choices, default=ConnectionCategory.OUTWARD
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("connectiontype")]

    def __str__(self):
        return f"{self.number} {self.description}"


class ConnectionTypeRight(models.Model):
    """A membership's right on one connection type; a type without a row means N."""

    membership = models.ForeignKey(
        SiteMembership, on_delete=models.CASCADE, related_name="type_rights"
    )
    connection_type = models.ForeignKey(
        ConnectionType, on_delete=models.CASCADE, related_name="membership_rights"
    )
    right = models.CharField(max_length=1, choices=Right.choices, default=Right.NONE)

    class Meta:
        ordering = ["connection_type__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "connection_type"], name="outreach_type_right_unique"
            )
        ]

    def __str__(self):
        return f"{self.connection_type}: {self.right}"


class Response(models.Model):
    """A response a caller can record on a connection of its type."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="responses")
    number = models.PositiveIntegerField("RespID")
    connection_type = models.ForeignKey(
        ConnectionType, on_delete=models.CASCADE, related_name="responses"
    )
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["connection_type", "number"]
        constraints = [_site_number_constraint("response")]

    def __str__(self):
        return f"{self.number} {self.description}"


class Team(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveIntegerField("TeamId")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(Individual, blank=True, related_name="teams")

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("team")]

    def __str__(self):
        return f"{self.number} {self.name}"


class Connection(models.Model):
    """An outreach task: someone (a caller or a team) is to contact an individual or family."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="connections")
    number = models.PositiveIntegerField("ConnectionId")
    connection_type = models.ForeignKey(
        ConnectionType, on_delete=models.PROTECT, related_name="connections"
    )
    contact = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="connections_as_contact"
    )
    family_connection = models.BooleanField(default=False)
    caller = models.ForeignKey(
        Individual,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="connections_as_caller",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="connections"
    )
    due_date = models.DateField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    completed_date = models.DateField(null=True, blank=True)
    responses = models.ManyToManyField(Response, blank=True, related_name="connections")
    created = models.DateTimeField(default=timezone.now)
    open_category = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(
        default=1, help_text="Incremented by every applied change."
    )

    class Meta:
        ordering = ["site", "number"]
        constraints = [_site_number_constraint("connection")]
        indexes = [
            models.Index(fields=["site", "connection_type", "completed", "due_date"]),
        ]

    def __str__(self):
        return f"Connection {self.number} ({self.connection_type.description})"


class ConnectionComment(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    author_name = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"


class ConnectionHistory(models.Model):
    """One applied change of a connection: who, when, which fields from what to what."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="history")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=ChangeRequestKind.choices)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    change_request = models.ForeignKey(
        "outreach.ChangeRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="history",
        help_text="The change request whose apply made this change.",
    )

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name_plural = "connection history"

    def __str__(self):
        return f"{self.get_kind_display()} of connection {self.connection_id} at {self.changed_at}"


# --- change requests ---


class ChangeRequest(models.Model):
    """A connection change sent from the mobile app (seed 004), waiting for a site
    Administrator to apply or reject it. `number` is the ConnectionCRId the POST returns."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="change_requests")
    number = models.PositiveIntegerField("ConnectionCRId")
    kind = models.CharField(max_length=20, choices=ChangeRequestKind.choices)
    status = models.CharField(
        max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    payload = models.JSONField(
        help_text="The submitted fields the kind uses (snake_case, ISO dates, null for -1)."
    )
    connection = models.ForeignKey(
        Connection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The connection changed; for an add, the one created when applied.",
    )
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The connection's version when submitted."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="outreach_change_requests",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_change_requests_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_message = models.TextField(blank=True)
    failure_reason = models.TextField(
        blank=True, help_text="Why the last attempt to apply it failed (it stays PENDING)."
    )

    class Meta:
        ordering = ["site", "-number"]
        constraints = [_site_number_constraint("changerequest")]
        indexes = [models.Index(fields=["site", "status", "kind"])]

    def __str__(self):
        return f"Change request {self.number} ({self.get_kind_display()}, {self.status})"
