"""The outreach preferences (`<site>/account/notifications`, both spellings of the base path)
and the unsubscribe link."""

from django.urls import re_path

from connect_api.api.routes import outreach_routes
from notifications.api.views import OutreachPreferencesView, UnsubscribeView

urlpatterns = [
    re_path(
        r"^notifications/unsubscribe/(?P<token>[\w:.-]+)/?$",
        UnsubscribeView.as_view(),
        name="notifications-unsubscribe",
    ),
    *outreach_routes(
        "account/notifications", OutreachPreferencesView, "outreach-notification-preferences"
    ),
]
