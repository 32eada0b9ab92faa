"""Webhook shapes: the supplier API's (snake_case, ISO dates) and the outreach API's (the
vendor's PascalCase, MM/DD/YYYY dates). Each output shape is declared once, here; the supplier
API's as TypedDicts (connect_api.api.outputs: the schema is derived from them) built by one
`*_data` function each."""

from typing import Annotated, TypedDict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connect_api.api.outputs import DateTime, Doc, Url, Uuid, iso_utc
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


@extend_schema_field(OpenApiTypes.STR)
class UsDateField(serializers.Field):
    def to_representation(self, value):
        return us_date(value)


@extend_schema_field(OpenApiTypes.STR)
class UsDateTimeField(serializers.Field):
    def to_representation(self, value):
        return us_datetime(value)


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


class SiteEndpointOutputSerializer(serializers.Serializer):
    EndpointId = serializers.IntegerField(source="number")
    Url = serializers.URLField(source="url")
    Events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventName.choices), source="events"
    )
    Description = serializers.CharField(source="description")
    Status = serializers.ChoiceField(choices=EndpointStatus.choices, source="status")
    DisabledDate = UsDateTimeField(source="disabled_date", allow_null=True)
    DisabledReason = serializers.CharField(source="disabled_reason")
    DateCreated = UsDateField(source="created_date")


class SiteEndpointCreatedSerializer(SiteEndpointOutputSerializer):
    Secret = serializers.CharField(
        source="secret", help_text="The signing secret (whsec_...): shown this once only."
    )


class SiteDeliveryOutputSerializer(serializers.Serializer):
    DeliveryId = serializers.UUIDField(source="uuid")
    EventId = serializers.UUIDField(source="event.uuid", help_text="Sent as webhook-id.")
    EventType = serializers.CharField(source="event.name")
    Status = serializers.CharField(source="status")
    Attempts = serializers.IntegerField(source="attempts")
    NextAttemptDate = UsDateTimeField(source="next_attempt_at", allow_null=True)
    LastAttemptDate = UsDateTimeField(source="last_attempt_date", allow_null=True)
    LastResponseCode = serializers.IntegerField(source="last_response_code", allow_null=True)
    LastResponseTimeMs = serializers.IntegerField(source="last_response_ms", allow_null=True)
    LastError = serializers.CharField(source="last_error")
    DateCreated = UsDateTimeField(source="created_date")


def paged(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The vendor's paged envelope (`Page`, `PageIndex`, `PageCount`, `PageSize`) of `item`."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "Page": item(many=True),
            "PageIndex": serializers.IntegerField(),
            "PageCount": serializers.IntegerField(),
            "PageSize": serializers.IntegerField(),
        },
    )


SiteEndpointPageSerializer = paged(SiteEndpointOutputSerializer, "SiteEndpointPageSerializer")
SiteDeliveryPageSerializer = paged(SiteDeliveryOutputSerializer, "SiteDeliveryPageSerializer")
