from django.contrib import admin
from django.db import models

from connect_api.admin_actions import run_for_each
from webhooks import services
from webhooks.models import Delivery, Endpoint

DELIVERY_FIELDS = [
    "event",
    "status",
    "attempts",
    "round_attempts",
    "next_attempt_at",
    "last_attempt_date",
    "last_response_code",
    "last_response_ms",
    "last_error",
    "last_response_excerpt",
    "created_date",
]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "site", "number", "status", "failing_since"]
    list_filter = ["status"]
    search_fields = ["url", "description", "organization__name", "site__name"]
    list_select_related = ["organization", "site"]
    readonly_fields = [
        "uuid",
        "number",
        "failing_since",
        "disabled_date",
        "disabled_reason",
        "owner_notified_date",
        "created_date",
    ]
    raw_id_fields = ["organization", "site"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "uuid",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event__name"]
    search_fields = ["uuid", "endpoint__url", "event__uuid"]
    list_select_related = ["endpoint__organization", "endpoint__site", "event"]
    readonly_fields = ["uuid", "endpoint", *DELIVERY_FIELDS]
    actions = ["redeliver_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Re-deliver the selected deliveries")
    def redeliver_selected(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            lambda delivery: services.delivery_redeliver(delivery=delivery),
            done="{count} deliveries queued again.",
        )
