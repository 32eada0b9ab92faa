"""Outreach mobile API routes: `/api_accessacs_mobile/v2/<site_number>/...`.

Each route also answers under the seed's spelling `api_accesssacs_mobile` (an alias left out
of the OpenAPI schema) and with or without a trailing slash.
"""

from django.urls import re_path
from drf_spectacular.utils import extend_schema

from outreach.api import views
from outreach.api.change_request_views import (
    ChangeRequestViewSet,
    ConnectionChangeRequestView,
)

BASE_PATH = "api_accessacs_mobile"
ALIAS_PATH = "api_accesssacs_mobile"
ID = "[0-9]{1,10}"
"""Up to 10 digits: every PositiveIntegerField value (to 2147483647); larger ones are not
found."""
SITE = rf"(?P<site_number>{ID})"


def _schema_excluded(view_class):
    alias = type(f"{view_class.__name__}Alias", (view_class,), {})
    return extend_schema(exclude=True)(alias)


def outreach_routes(path: str, view_class, name: str) -> list:
    """The route `<base>/v2/<site_number>/<path>` under both spellings of the base path.

    `path` is a regex fragment without slashes at either end (e.g. `connections/teams`).
    """
    return [
        re_path(rf"^{BASE_PATH}/v2/{SITE}/{path}/?$", view_class.as_view(), name=name),
        re_path(
            rf"^{ALIAS_PATH}/v2/{SITE}/{path}/?$",
            _schema_excluded(view_class).as_view(),
            name=f"{name}-alias",
        ),
    ]


urlpatterns = [
    *outreach_routes("account", views.AccountView, "outreach-account"),
    *outreach_routes("types/connections", views.ConnectionTypeListView, "outreach-types"),
    *outreach_routes(
        rf"types/responses/(?P<connection_type_id>{ID})",
        views.ResponseListView,
        "outreach-responses",
    ),
    *outreach_routes("individuals", views.IndividualSearchView, "outreach-individuals"),
    *outreach_routes(
        rf"individuals/(?P<individual_id>{ID})",
        views.IndividualDetailView,
        "outreach-individual",
    ),
    # Named connection paths come before connections/<ConnectionId>.
    *outreach_routes("connections/teams", views.TeamListView, "outreach-teams"),
    *outreach_routes(
        "connections/assignments", views.AssignmentSummaryView, "outreach-assignments"
    ),
    *outreach_routes(
        rf"connections/assignments/(?P<connection_type_id>{ID})",
        views.AssignmentListView,
        "outreach-assignments-of-type",
    ),
    *outreach_routes(
        rf"connections/(?P<connection_id>{ID})", views.ConnectionDetailView, "outreach-connection"
    ),
]

# change-request routes


CHANGE_REQUEST = rf"changerequests/(?P<ConnectionCRId>{ID})"
_CHANGE_REQUEST_VIEWSETS = (
    (BASE_PATH, ChangeRequestViewSet, ""),
    (ALIAS_PATH, _schema_excluded(ChangeRequestViewSet), "-alias"),
)


def _change_request_routes(path: str, actions: dict[str, str], name: str) -> list:
    """Review routes under both base paths; the alias is left out of the schema."""
    return [
        re_path(rf"^{base}/v2/{SITE}/{path}/?$", viewset.as_view(actions), name=f"{name}{suffix}")
        for base, viewset, suffix in _CHANGE_REQUEST_VIEWSETS
    ]


urlpatterns += [
    *outreach_routes(
        "connections", ConnectionChangeRequestView, "outreach-connection-change-request"
    ),
    *_change_request_routes("changerequests", {"get": "list"}, "outreach-change-requests"),
    *_change_request_routes(
        "changerequests/apply", {"post": "apply_all"}, "outreach-change-requests-apply"
    ),
    *_change_request_routes(CHANGE_REQUEST, {"get": "retrieve"}, "outreach-change-request"),
    *_change_request_routes(
        f"{CHANGE_REQUEST}/apply", {"post": "apply"}, "outreach-change-request-apply"
    ),
    *_change_request_routes(
        f"{CHANGE_REQUEST}/reject", {"post": "reject"}, "outreach-change-request-reject"
    ),
]
