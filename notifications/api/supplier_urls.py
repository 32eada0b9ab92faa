"""Mounted under `organizations/` (and `/timp/organizations/`) by connect_api.urls."""

from django.urls import re_path

from notifications.api.views import SupplierPreferencesView

urlpatterns = [
    re_path(
        r"^notifications/preferences/?$",
        SupplierPreferencesView.as_view(),
        name="notification-preferences",
    ),
]
