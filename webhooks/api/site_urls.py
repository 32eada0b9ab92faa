"""Outreach API webhook routes: `<base>/v2/<site_number>/webhooks...` under both spellings of
the base path (outreach.api.urls.outreach_routes)."""

from outreach.api.urls import ID, outreach_routes
from webhooks.api import views

ENDPOINT = rf"webhooks/(?P<EndpointId>{ID})"
DELIVERY = r"(?P<DeliveryId>[0-9a-fA-F-]{36})"

urlpatterns = [
    *outreach_routes("webhooks", views.SiteEndpointListView, "outreach-webhooks"),
    *outreach_routes(ENDPOINT, views.SiteEndpointDetailView, "outreach-webhook"),
    *outreach_routes(
        f"{ENDPOINT}/rotatesecret",
        views.SiteEndpointSecretRotateView,
        "outreach-webhook-rotate-secret",
    ),
    *outreach_routes(
        f"{ENDPOINT}/deliveries", views.SiteDeliveryListView, "outreach-webhook-deliveries"
    ),
    *outreach_routes(
        f"{ENDPOINT}/deliveries/{DELIVERY}/redeliver",
        views.SiteDeliveryRedeliverView,
        "outreach-webhook-redeliver",
    ),
]
