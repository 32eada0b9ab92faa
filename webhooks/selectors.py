"""Webhook reads, each scoped to its owner: another organization's or site's endpoint (or
delivery) is simply not found."""

from datetime import datetime

from django.db.models import QuerySet

from connect_api.errors import NotFound
from outreach.models import Site
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, Endpoint


def endpoints_for(user) -> QuerySet:
    """The supplier API's endpoints: the caller's organization's (staff: every organization's)."""
    return Endpoint.objects.filter(organization__isnull=False).restrict(user)


def endpoint_get(*, user, uuid) -> Endpoint:
    endpoint = endpoints_for(user).filter(uuid=uuid).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


def site_endpoints_for(site: Site) -> QuerySet:
    return Endpoint.site_objects.restrict(site)


def site_endpoint_get(*, site: Site, number: int) -> Endpoint:
    endpoint = site_endpoints_for(site).filter(number=number).first()
    if endpoint is None:
        raise NotFound(f"No webhook endpoint {number} in this site.")
    return endpoint


def deliveries_for(endpoint: Endpoint) -> QuerySet:
    return Delivery.objects.filter(endpoint=endpoint).select_related("event")


def delivery_get(*, endpoint: Endpoint, lookup: dict) -> Delivery:
    delivery = deliveries_for(endpoint).filter(**lookup).first()
    if delivery is None:
        raise NotFound("No such delivery of this endpoint.")
    return delivery


def deliveries_due(now: datetime) -> QuerySet:
    """PENDING deliveries whose next attempt is due (the sweep's work)."""
    return Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
