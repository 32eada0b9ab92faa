"""Every read of this app: querysets already scoped to the caller and prefetched."""

from connections.models import Organization


def organization_for(user) -> Organization | None:
    """The caller's organization, or None for staff, anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    return Organization.objects.filter(memberships__user_id=user.pk).first()
