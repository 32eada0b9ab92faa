"""Outreach API webhook routes: `<base>/v2/<site_number>/webhooks...` under both spellings of
the base path (connect_api.api.routes.outreach_routes)."""

from connect_api.api.routes import outreach_routes
from webhooks.api import views

ENDPOINT = "webhooks/<id:EndpointId>"
DELIVERY = "<hexkey:DeliveryId>"

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
