from rest_framework.permissions import BasePermission

from connect_api.errors import PermissionDenied
from outreach.permissions import is_administrator


class SiteWebhookManager(BasePermission):
    """A site's webhooks: its Administrators only (after outreach's SiteMember)."""

    def has_permission(self, request, view):
        if not is_administrator(request.membership):
            raise PermissionDenied(
                "Only the site's Administrators manage its webhooks.",
                errors={"SecurityRole": ["Administrator required."]},
            )
        return True
