from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from connect_api.failed_logins import failed_logins_guarded
from connect_api.health import ReadinessView
from connect_api.observability import metrics
from connect_api.routers import mounted
from connect_api.urlindex import by_leading_segments
from connect_api.views import JobStatusView, TokenLogoutView, TokenObtainView, healthz
from outreach.review import review_site

SUPPLIER_API = [
    ("", "organizations.api.urls"),
    ("organizations/", "uploads.api.urls"),
    ("organizations/", "connections.api.urls"),
    ("organizations/", "webhooks.api.urls"),
    ("organizations/", "notifications.api.supplier_urls"),
    ("", "notifications.api.dashboard_urls"),
]
"""Every supplier route module, mounted at its prefix (the spelling the OpenAPI schema shows:
the seeds', their v1 docs' and the contract's) and again under `/timp/` (the current public
docs' spelling; same views, an alias left out of the schema). A module joins by being listed."""

urlpatterns = by_leading_segments(
    [
        # The admin's password form, under the per-address failed-login budget too.
        re_path(r"^admin/login/$", failed_logins_guarded(admin.site.login)),
        path("admin/", admin.site.urls),
        re_path(r"^review/login/$", failed_logins_guarded(review_site.login)),
        path("review/", review_site.urls),
        re_path(r"^api/token/?$", TokenObtainView.as_view(), name="token-obtain"),
        re_path(r"^api/token/logout/?$", TokenLogoutView.as_view(), name="token-logout"),
        re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="schema"),
        re_path(r"^api/docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
        re_path(r"^healthz/?$", healthz, name="healthz"),
        re_path(r"^readyz/?$", ReadinessView.as_view(), name="readyz"),
        re_path(r"^metrics/?$", metrics, name="metrics"),
        re_path(
            r"^jobs/(?P<job_uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$",
            JobStatusView.as_view(),
            name="job",
        ),
        *mounted(SUPPLIER_API, alias_prefix="timp/", alias_suffix="-timp"),
        path("", include("notifications.api.urls")),
        path("", include("outreach.api.urls")),
        path("", include("webhooks.api.site_urls")),
    ]
)
"""Tried by the path's first two segments (connect_api.urlindex): a call tries its own routes,
not every route before them."""

handler400 = "connect_api.views.bad_request"
handler404 = "connect_api.views.not_found"
handler500 = "connect_api.exceptions.server_error"
