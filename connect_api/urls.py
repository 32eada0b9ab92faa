from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from connect_api.views import TokenLogoutView, TokenObtainView, healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^api/token/?$", TokenObtainView.as_view(), name="token-obtain"),
    re_path(r"^api/token/logout/?$", TokenLogoutView.as_view(), name="token-logout"),
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^api/docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    re_path(r"^healthz/?$", healthz, name="healthz"),
    path("organizations/", include("uploads.api.urls")),
    path("organizations/", include("connections.api.urls")),
    path("", include("outreach.api.urls")),
]

handler400 = "connect_api.views.bad_request"
handler404 = "connect_api.views.not_found"
handler500 = "connect_api.views.server_error"
