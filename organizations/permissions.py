"""The permission catalog enforced: a view names the permission each HTTP method needs."""

from rest_framework.permissions import BasePermission

from connect_api.errors import PermissionDenied
from organizations.models import OrganizationMembership


def holds(user, name: str) -> bool:
    """Staff hold every permission; a member those assigned to them (one query)."""
    if user.is_staff:
        return True
    return OrganizationMembership.objects.filter(user_id=user.pk, permissions__name=name).exists()


class HoldsCatalogPermission(BasePermission):
    """`view.required_permissions = {"GET": "view_org_users", ...}`: a method not listed
    needs none. Lacking it is a 403 naming it."""

    def has_permission(self, request, view):
        name = getattr(view, "required_permissions", {}).get(request.method)
        if name is None or not request.user.is_authenticated:
            return True  # IsAuthenticated, listed first, answers 401
        if not holds(request.user, name):
            raise PermissionDenied(
                f"You need the {name!r} permission to do this.",
                code="missing_permission",
                errors={"permission": [name]},
            )
        return True
