from django.db import models


class MailKind(models.TextChoices):
    """What a mail is about: the unit a user sets a frequency for and unsubscribes from."""

    REQUEST_DECIDED = "request_decided", "Your connection request was approved or rejected"
    CONFIRMATION_REQUESTED = "confirmation_requested", "A connection awaits your confirmation"
    CONNECTION_CHANGED = "connection_changed", "A connection was confirmed or deactivated"
    CHANGE_REQUEST_SUBMITTED = "change_request_submitted", "A change request awaits review"
    CHANGE_REQUEST_REVIEWED = "change_request_reviewed", "Your change request was reviewed"
    CONNECTION_DUE = "connection_due", "Connections assigned to you fall due"
    UPLOAD_CHECK_FAILED = "upload_check_failed", "A file you attached failed its spec check"


SUPPLIER_KINDS = (
    MailKind.REQUEST_DECIDED,
    MailKind.CONFIRMATION_REQUESTED,
    MailKind.CONNECTION_CHANGED,
    MailKind.UPLOAD_CHECK_FAILED,
)
"""Per user (a supplier user belongs to one organization): preferences without a site."""
OUTREACH_KINDS = (
    MailKind.CHANGE_REQUEST_SUBMITTED,
    MailKind.CHANGE_REQUEST_REVIEWED,
    MailKind.CONNECTION_DUE,
)
"""Per user and site."""


class Frequency(models.TextChoices):
    """The vendor's own options for change-request notices."""

    IMMEDIATELY = "IMMEDIATELY", "Immediately"
    DAILY = "DAILY", "Daily digest"
    WEEKLY = "WEEKLY", "Weekly digest"
    NEVER = "NEVER", "Never"


DEFAULT_FREQUENCY = {MailKind.CONNECTION_DUE: Frequency.DAILY}
"""A kind's frequency until the user chooses one (the rest: IMMEDIATELY). Due reminders are a
daily mail by nature."""


def default_frequency(kind: str) -> str:
    return DEFAULT_FREQUENCY.get(kind, Frequency.IMMEDIATELY)


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "Pending (to send now)"
    QUEUED = "QUEUED", "Queued for a digest"
    SENT = "SENT", "Sent"
