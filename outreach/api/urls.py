"""Outreach mobile API routes: `/api_accessacs_mobile/v2/<site_number>/...` (both spellings
of the base path, with or without a trailing slash: connect_api.api.routes)."""

from connect_api.api.routes import outreach_routes, siteless_routes
from outreach.api import views

urlpatterns = [
    *siteless_routes("accounts/findbyemail", views.FindByEmailView, "outreach-find-by-email"),
    *outreach_routes("account", views.AccountView, "outreach-account"),
    *outreach_routes("account/merchant", views.AccountMerchantView, "outreach-account-merchant"),
    *outreach_routes("types/comments", views.CommentTypeListView, "outreach-comment-types"),
    *outreach_routes("types/connections", views.ConnectionTypeListView, "outreach-types"),
    *outreach_routes(
        "types/responses/<id:connection_type_id>",
        views.ResponseListView,
        "outreach-responses",
    ),
    *outreach_routes("individuals", views.IndividualSearchView, "outreach-individuals"),
    *outreach_routes(
        "individuals/<id:individual_id>",
        views.IndividualDetailView,
        "outreach-individual",
    ),
    *outreach_routes(
        "individuals/<id:individual_id>/picture",
        views.IndividualPictureView,
        "outreach-individual-picture",
    ),
    *outreach_routes(
        "families/<id:family_id>/picture",
        views.FamilyPictureView,
        "outreach-family-picture",
    ),
    *outreach_routes(
        "individuals/<id:individual_id>/connections",
        views.IndividualConnectionListView,
        "outreach-individual-connections",
    ),
    *outreach_routes(
        "individuals/<id:individual_id>/comments",
        views.CommentSummaryView,
        "outreach-individual-comments",
    ),
    *outreach_routes(
        "individuals/<id:individual_id>/comments/<id:comment_type_id>",
        views.CommentListView,
        "outreach-individual-comments-of-type",
    ),
    # Named connection paths come before connections/<ConnectionId>.
    *outreach_routes("connections/teams", views.TeamListView, "outreach-teams"),
    *outreach_routes(
        "connections/assignments", views.AssignmentSummaryView, "outreach-assignments"
    ),
    *outreach_routes(
        "connections/assignments/<id:connection_type_id>",
        views.AssignmentListView,
        "outreach-assignments-of-type",
    ),
    *outreach_routes(
        "connections/<id:connection_id>", views.ConnectionDetailView, "outreach-connection"
    ),
]

# change-request routes
CHANGE_REQUEST = "changerequests/<id:ConnectionCRId>"

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
COMMENT_CHANGE_REQUEST = "commentchangerequests/<id:CommentCRId>"

urlpatterns += [
    *outreach_routes(
        "commentchangerequests",
        views.CommentChangeRequestViewSet,
        "outreach-comment-change-requests",
        {"get": "list"},
    ),
    *outreach_routes(
        COMMENT_CHANGE_REQUEST,
        views.CommentChangeRequestViewSet,
        "outreach-comment-change-request",
        {"get": "retrieve"},
    ),
    *outreach_routes(
        f"{COMMENT_CHANGE_REQUEST}/apply",
        views.CommentChangeRequestViewSet,
        "outreach-comment-change-request-apply",
        {"post": "apply"},
    ),
    *outreach_routes(
        f"{COMMENT_CHANGE_REQUEST}/reject",
        views.CommentChangeRequestViewSet,
        "outreach-comment-change-request-reject",
        {"post": "reject"},
    ),
]
