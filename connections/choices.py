from django.db import models


class ConnectionRequestStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    CHANGES_REQUESTED = "CHANGES REQUESTED", "Changes requested"

    @classmethod
    def open(cls) -> tuple[str, ...]:
        """Not decided yet: staff may still approve or reject, the requester may withdraw."""
        return (cls.PENDING, cls.CHANGES_REQUESTED)


class ReviewAction(models.TextChoices):
    """One line of a request's history: a decision, or the requester answering one."""

    CHANGES_REQUESTED = "CHANGES REQUESTED", "Changes requested"
    RESUBMITTED = "RESUBMITTED", "Resubmitted"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class IntegrationType(models.TextChoices):
    ITEM = "item", "Item"
    ORDER = "order", "Order"
    ALLOCATION = "allocation", "Allocation"
    TRACKING = "tracking", "Tracking"
    OTHER = "other", "Other"

    @classmethod
    def from_spelling(cls, spelling) -> str | None:
        """The type a client's spelling names (any case, singular or plural as the seeds'
        `items`), or None."""
        if not isinstance(spelling, str):
            return None
        value = spelling.strip().lower()
        if value in _INTEGRATION_TYPE_VALUES:
            return value
        if value.endswith("s") and value[:-1] in _INTEGRATION_TYPE_VALUES:
            return value[:-1]
        return None


_INTEGRATION_TYPE_VALUES = frozenset(IntegrationType.values)
"""Read once: `IntegrationType.values` builds its list from the enum's members on every read."""


SPECS_BY_INTEGRATION = {
    IntegrationType.ITEM: ("product", "inventory"),
    IntegrationType.ORDER: ("orders", "invoice"),
    IntegrationType.TRACKING: ("tracking",),
    IntegrationType.ALLOCATION: ("allocation",),
    IntegrationType.OTHER: (),
}
"""The flat-file specs (uploads/specs) a sample file of each integration type may follow."""


def specs_for(integration_types) -> set[str]:
    return {spec for kind in integration_types for spec in SPECS_BY_INTEGRATION.get(kind, ())}


class ConnectionStatus(models.TextChoices):
    CONFIRMATION_WAITING = "CONFIRMATION WAITING", "Confirmation waiting"
    ACTIVE = "ACTIVE", "Active"
    DEACTIVATED = "DEACTIVATED", "Deactivated"
