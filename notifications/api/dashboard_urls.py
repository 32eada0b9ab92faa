"""The platform docs' notification calls, mounted at the root (and under `/timp/`)."""

from django.urls import re_path

from notifications.api.views import DashboardNotificationsView, NotificationSettingsView

urlpatterns = [
    re_path(
        r"^notifications/?$", DashboardNotificationsView.as_view(), name="dashboard-notifications"
    ),
    re_path(
        r"^notifications/notification-settings/?$",
        NotificationSettingsView.as_view(),
        name="notification-settings",
    ),
]
