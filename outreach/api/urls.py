"""Outreach mobile API routes: `/api_accessacs_mobile/v2/<site_number>/...`.

Each route also answers under the seed's spelling `api_accesssacs_mobile` (an alias left out
of the OpenAPI schema) and with or without a trailing slash.
"""

from django.urls import re_path

from connect_api.routers import schema_excluded
from outreach.api import views

BASE_PATH = "api_accessacs_mobile"
ALIAS_PATH = "api_accesssacs_mobile"
ID = "[0-9]{1,10}"
"""Up to 10 digits: every PositiveIntegerField value (to 2147483647); larger ones are not
found."""
SITE = rf"(?P<site_number>{ID})"


def outreach_routes(path: str, view_class, name: str, actions: dict[str, str] | None = None):
    """The route `<base>/v2/<site_number>/<path>` under both spellings of the base path.

    `path` is a regex fragment without slashes at either end (e.g. `connections/teams`);
    `actions` maps methods to a viewset's actions (`{"post": "apply"}`).
    """
    routes = []
    for base, view, suffix in (
        (BASE_PATH, view_class, ""),
        (ALIAS_PATH, schema_excluded(view_class), "-alias"),
    ):
        as_view = view.as_view(actions) if actions else view.as_view()
        routes.append(re_path(rf"^{base}/v2/{SITE}/{path}/?$", as_view, name=f"{name}{suffix}"))
    return routes


def siteless_routes(path: str, view_class, name: str):
    """The route `<base>/v2/<path>` (no site: the app's sign-in by e-mail) under both
    spellings of the base path."""
    return [
        re_path(rf"^{base}/v2/{path}/?$", view.as_view(), name=f"{name}{suffix}")
        for base, view, suffix in (
            (BASE_PATH, view_class, ""),
            (ALIAS_PATH, schema_excluded(view_class), "-alias"),
        )
    ]


urlpatterns = [
    *siteless_routes("accounts/findbyemail", views.FindByEmailView, "outreach-find-by-email"),
    *outreach_routes("account", views.AccountView, "outreach-account"),
    *outreach_routes("account/merchant", views.AccountMerchantView, "outreach-account-merchant"),
    *outreach_routes("types/comments", views.CommentTypeListView, "outreach-comment-types"),
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
    *outreach_routes(
        rf"individuals/(?P<individual_id>{ID})/picture",
        views.IndividualPictureView,
        "outreach-individual-picture",
    ),
    *outreach_routes(
        rf"families/(?P<family_id>{ID})/picture",
        views.FamilyPictureView,
        "outreach-family-picture",
    ),
    *outreach_routes(
        rf"individuals/(?P<individual_id>{ID})/connections",
        views.IndividualConnectionListView,
        "outreach-individual-connections",
    ),
    *outreach_routes(
        rf"individuals/(?P<individual_id>{ID})/comments",
        views.CommentSummaryView,
        "outreach-individual-comments",
    ),
    *outreach_routes(
        rf"individuals/(?P<individual_id>{ID})/comments/(?P<comment_type_id>{ID})",
        views.CommentListView,
        "outreach-individual-comments-of-type",
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

urlpatterns += [
    *outreach_routes(
        "connections", views.ConnectionChangeRequestView, "outreach-connection-change-request"
    ),
    *outreach_routes(
        "changerequests", views.ChangeRequestViewSet, "outreach-change-requests", {"get": "list"}
    ),
    *outreach_routes(
        "changerequests/apply",
        views.ChangeRequestViewSet,
        "outreach-change-requests-apply",
        {"post": "apply_all"},
    ),
    *outreach_routes(
        CHANGE_REQUEST, views.ChangeRequestViewSet, "outreach-change-request", {"get": "retrieve"}
    ),
    *outreach_routes(
        f"{CHANGE_REQUEST}/apply",
        views.ChangeRequestViewSet,
        "outreach-change-request-apply",
        {"post": "apply"},
    ),
    *outreach_routes(
        f"{CHANGE_REQUEST}/reject",
        views.ChangeRequestViewSet,
        "outreach-change-request-reject",
        {"post": "reject"},
    ),
]

# comment change requests (the app's posted comments) under review
COMMENT_CHANGE_REQUEST = rf"commentchangerequests/(?P<CommentCRId>{ID})"

urlpatterns += [
    *outreach_routes(
        "commentchangerequests",
        views.CommentChangeRequestListView,
        "outreach-comment-change-requests",
    ),
    *outreach_routes(
        COMMENT_CHANGE_REQUEST,
        views.CommentChangeRequestDetailView,
        "outreach-comment-change-request",
    ),
    *outreach_routes(
        f"{COMMENT_CHANGE_REQUEST}/apply",
        views.CommentChangeRequestApplyView,
        "outreach-comment-change-request-apply",
    ),
    *outreach_routes(
        f"{COMMENT_CHANGE_REQUEST}/reject",
        views.CommentChangeRequestRejectView,
        "outreach-comment-change-request-reject",
    ),
]
