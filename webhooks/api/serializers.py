"""Webhook shapes: the supplier API's (snake_case, ISO dates) and the outreach API's (the
vendor's PascalCase, MM/DD/YYYY dates). Each output shape is declared once, here, as a TypedDict
(connect_api.api.outputs: the schema is derived from it) built by one `*_data` function."""

from typing import Annotated, TypedDict

from rest_framework import serializers

from connect_api.api.outputs import DateTime, Doc, Url, Uuid, iso_utc
from connect_api.api.pagination import page_shape
from connect_api.events import EventName
from connect_api.serializers import BoundedListField
from outreach.dates import us_date, us_datetime
from webhooks.choices import EndpointStatus
from webhooks.models import Delivery, Endpoint

URL_MAX = 2000


class ChangesSomethingMixin:
    """A PATCH naming none of the fields it can change is a 400, never a 200 that ignored it."""

    def validate(self, attrs):
        if self.partial and not attrs:
            names = ", ".join(self.fields)
            raise serializers.ValidationError(f"Send at least one of: {names}.")
        return attrs


# --- supplier API ----------------------------------------------------------------------------


class EndpointInputSerializer(ChangesSomethingMixin, serializers.Serializer):
    url = serializers.URLField(max_length=URL_MAX, help_text="http(s), a public address.")
    events = BoundedListField(
        child=serializers.ChoiceField(choices=EventName.choices),
        allow_empty=False,
        max_length=len(EventName),
        help_text="The event names to deliver here.",
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    status = serializers.ChoiceField(
        choices=EndpointStatus.choices,
        required=False,
        help_text="ACTIVE (the default) or DISABLED (paused); on a PATCH, ACTIVE re-enables "
        "a disabled endpoint and forgets its failures.",
    )


class EndpointOutput(TypedDict):
    uuid: Uuid
    url: Url
    events: list[EventName]
    description: str
    status: EndpointStatus
    disabled_date: DateTime | None
    disabled_reason: str | None
    created_date: DateTime


def endpoint_data(endpoint: Endpoint) -> EndpointOutput:
    return {
        "uuid": str(endpoint.uuid),
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "status": endpoint.status,
        "disabled_date": iso_utc(endpoint.disabled_date),
        "disabled_reason": endpoint.disabled_reason_or_none,
        "created_date": iso_utc(endpoint.created_date),
    }


class EndpointCreated(EndpointOutput):
    secret: Annotated[
        str, Doc("The signing secret (Standard Webhooks, whsec_...): shown this once only.")
    ]


def endpoint_created_data(endpoint: Endpoint) -> EndpointCreated:
    """The endpoint with its signing secret: only right after creating or rotating it."""
    return {**endpoint_data(endpoint), "secret": endpoint.secret}


class DeliveryOutput(TypedDict):
    uuid: Uuid
    event_uuid: Annotated[Uuid, Doc("Sent as webhook-id.")]
    event_type: str
    status: str
    attempts: int
    next_attempt_date: DateTime | None
    last_attempt_date: DateTime | None
    last_response_code: int | None
    last_response_time_ms: int | None
    last_error: str | None
    created_date: DateTime


def delivery_data(delivery: Delivery) -> DeliveryOutput:
    """Needs `delivery.event` joined (`selectors.deliveries_for`)."""
    return {
        "uuid": str(delivery.uuid),
        "event_uuid": str(delivery.event.uuid),
        "event_type": delivery.event.name,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_date": iso_utc(delivery.next_attempt_at),
        "last_attempt_date": iso_utc(delivery.last_attempt_date),
        "last_response_code": delivery.last_response_code,
        "last_response_time_ms": delivery.last_response_ms,
        "last_error": delivery.last_error_or_none,
        "created_date": iso_utc(delivery.created_date),
    }


# --- outreach API (the vendor's style) ----------------------------------------------------------


OUTREACH_FIELDS = {"url": "Url", "events": "Events"}
"""The outreach names of the fields a webhook service may fault."""


class SiteEndpointInputSerializer(ChangesSomethingMixin, serializers.Serializer):
    Url = serializers.URLField(max_length=URL_MAX, source="url")
    Events = BoundedListField(
        child=serializers.ChoiceField(choices=EventName.choices),
        allow_empty=False,
        max_length=len(EventName),
        source="events",
    )
    Description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", source="description"
    )
    Status = serializers.ChoiceField(
        choices=EndpointStatus.choices,
        required=False,
        source="status",
        help_text="ACTIVE (the default) or DISABLED (paused); on a PATCH, ACTIVE re-enables "
        "a disabled endpoint and forgets its failures.",
    )


class SiteEndpointOutput(TypedDict):
    EndpointId: int
    Url: Url
    Events: list[EventName]
    Description: str
    Status: EndpointStatus
    DisabledDate: str | None
    DisabledReason: str
    DateCreated: str


def site_endpoint_data(endpoint: Endpoint) -> SiteEndpointOutput:
    return {
        "EndpointId": endpoint.number,
        "Url": endpoint.url,
        "Events": list(endpoint.events),
        "Description": endpoint.description,
        "Status": endpoint.status,
        "DisabledDate": us_datetime(endpoint.disabled_date),
        "DisabledReason": endpoint.disabled_reason,
        "DateCreated": us_date(endpoint.created_date),
    }


class SiteEndpointCreated(SiteEndpointOutput):
    Secret: Annotated[str, Doc("The signing secret (whsec_...): shown this once only.")]


def site_endpoint_created_data(endpoint: Endpoint) -> SiteEndpointCreated:
    """The endpoint with its signing secret: only right after creating or rotating it."""
    return {**site_endpoint_data(endpoint), "Secret": endpoint.secret}


class SiteDeliveryOutput(TypedDict):
    DeliveryId: Uuid
    EventId: Annotated[Uuid, Doc("Sent as webhook-id.")]
    EventType: str
    Status: str
    Attempts: int
    NextAttemptDate: str | None
    LastAttemptDate: str | None
    LastResponseCode: int | None
    LastResponseTimeMs: int | None
    LastError: str
    DateCreated: str


def site_delivery_data(delivery: Delivery) -> SiteDeliveryOutput:
    """Needs `delivery.event` joined (`selectors.deliveries_for`)."""
    return {
        "DeliveryId": str(delivery.uuid),
        "EventId": str(delivery.event.uuid),
        "EventType": delivery.event.name,
        "Status": delivery.status,
        "Attempts": delivery.attempts,
        "NextAttemptDate": us_datetime(delivery.next_attempt_at),
        "LastAttemptDate": us_datetime(delivery.last_attempt_date),
        "LastResponseCode": delivery.last_response_code,
        "LastResponseTimeMs": delivery.last_response_ms,
        "LastError": delivery.last_error,
        "DateCreated": us_datetime(delivery.created_date),
    }


SiteEndpointPage = page_shape("SiteEndpointPage", SiteEndpointOutput)
SiteDeliveryPage = page_shape("SiteDeliveryPage", SiteDeliveryOutput)
