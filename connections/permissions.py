from rest_framework.permissions import BasePermission


class IsStaffDecider(BasePermission):
    """Staff decide requests. Checked on the object, after the tenant-scoped lookup, so a
    non-staff caller gets 404 for another organization's request and 403 for its own."""

    message = (
        "Only staff users (account managers) can approve, reject or ask for changes of "
        "connection requests."
    )

    def has_object_permission(self, request, view, obj):
        return bool(request.user and request.user.is_staff)
