"""Reads of the tenant itself: whose organization a caller is."""

from connect_api.errors import Conflict
from organizations.choices import OrganizationStatus
from organizations.models import Organization


def organization_for(user) -> Organization | None:
    """The caller's organization, or None for staff, anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    return Organization.objects.filter(memberships__user_id=user.pk).first()


def active_organization_for(user, *, to: str) -> Organization:
    """The caller's organization, which must be ACTIVE `to` act (e.g. "request connections",
    "upload files"); 409 for staff, users without one and inactive organizations."""
    organization = organization_for(user)
    if organization is None:
        who = "Staff users" if user.is_staff else "Users without an organization"
        raise Conflict(
            f"{who} cannot {to}: only members of an active retailer or supplier organization can.",
            code="no_active_organization",
        )
    if organization.status != OrganizationStatus.ACTIVE:
        raise Conflict(
            f"Organization {organization.name!r} is not active: it cannot {to}.",
            code="organization_inactive",
        )
    return organization
