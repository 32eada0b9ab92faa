"""Supplier API webhook routes (mounted under `organizations/` and `/timp/organizations/` by
connect_api.urls's SUPPLIER_API); each answers with and without a trailing slash."""

from django.urls import re_path

from connect_api.api.converters import UUID_PATTERN
from webhooks.api.views import DeliveryViewSet, EndpointViewSet

ENDPOINT = rf"webhooks/(?P<endpoint_uuid>{UUID_PATTERN})"

urlpatterns = [
    re_path(
        r"^webhooks/?$",
        EndpointViewSet.as_view({"get": "list", "post": "create"}),
        name="webhook-endpoint-list",
    ),
    re_path(
        rf"^webhooks/(?P<uuid>{UUID_PATTERN})/?$",
        EndpointViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="webhook-endpoint-detail",
    ),
    re_path(
        rf"^webhooks/(?P<uuid>{UUID_PATTERN})/rotate-secret/?$",
        EndpointViewSet.as_view({"post": "rotate_secret"}),
        name="webhook-endpoint-rotate-secret",
    ),
    re_path(
        rf"^{ENDPOINT}/deliveries/?$",
        DeliveryViewSet.as_view({"get": "list"}),
        name="webhook-delivery-list",
    ),
    re_path(
        rf"^{ENDPOINT}/deliveries/(?P<uuid>{UUID_PATTERN})/redeliver/?$",
        DeliveryViewSet.as_view({"post": "redeliver"}),
        name="webhook-delivery-redeliver",
    ),
]
