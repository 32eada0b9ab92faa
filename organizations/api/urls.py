from django.urls import re_path

from connect_api.api.converters import UUID_PATTERN
from organizations.api import views

USER = rf"(?P<user_uuid>{UUID_PATTERN})"

urlpatterns = [
    re_path(r"^organizations/?$", views.OrganizationDetailView.as_view(), name="organization"),
    re_path(r"^organizations/user-login/?$", views.UserLoginView.as_view(), name="user-login"),
    re_path(r"^organizations/users/all/?$", views.UserListView.as_view(), name="users"),
    re_path(rf"^organizations/users/detail/{USER}/?$", views.UserDetailView.as_view(), name="user"),
    re_path(
        rf"^organizations/users/permissions/{USER}/?$",
        views.UserPermissionsView.as_view(),
        name="user-permissions",
    ),
    re_path(r"^organizations/users/invite/?$", views.UserInviteView.as_view(), name="invite"),
    re_path(
        r"^organizations/all_permissions/?$",
        views.PermissionCatalogView.as_view(),
        name="all-permissions",
    ),
    re_path(
        r"^organizations/reset-password/?$",
        views.ResetPasswordView.as_view(),
        name="reset-password",
    ),
    re_path(
        r"^organizations/complete-password/?$",
        views.CompletePasswordView.as_view(),
        name="complete-password",
    ),
    re_path(
        r"^organizations/accept-invite/(?P<token>[\w-]{1,100})/?$",
        views.AcceptInviteView.as_view(),
        name="accept-invite",
    ),
    re_path(
        r"^discovery/suppliers/?$",
        views.SupplierDiscoveryView.as_view(),
        name="discovery-suppliers",
    ),
    re_path(
        rf"^discovery/participation/(?P<org_uuid>{UUID_PATTERN})/?$",
        views.DiscoveryParticipationView.as_view(),
        name="discovery-participation",
    ),
]
