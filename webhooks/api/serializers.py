"""Webhook shapes: the supplier API's (snake_case, ISO dates) and the outreach API's (the
vendor's PascalCase, MM/DD/YYYY dates). Each output shape is declared once, here."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connect_api.events import EventName
from connect_api.serializers import BoundedListField
from outreach.dates import us_date, us_datetime
from webhooks.choices import EndpointStatus

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


class EndpointOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventName.choices))
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=EndpointStatus.choices)
    disabled_date = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField(allow_null=True, source="disabled_reason_or_none")
    created_date = serializers.DateTimeField()


class EndpointCreatedSerializer(EndpointOutputSerializer):
    secret = serializers.CharField(
        help_text="The signing secret (Standard Webhooks, whsec_...): shown this once only."
    )


class DeliveryOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    event_uuid = serializers.UUIDField(source="event.uuid", help_text="Sent as webhook-id.")
    event_type = serializers.CharField(source="event.name")
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_date = serializers.DateTimeField(source="next_attempt_at", allow_null=True)
    last_attempt_date = serializers.DateTimeField(allow_null=True)
    last_response_code = serializers.IntegerField(allow_null=True)
    last_response_time_ms = serializers.IntegerField(source="last_response_ms", allow_null=True)
    last_error = serializers.CharField(allow_null=True, source="last_error_or_none")
    created_date = serializers.DateTimeField()


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
