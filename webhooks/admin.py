from django import forms
from django.contrib import admin
from django.db import models

from connect_api.admin_actions import run_for_each
from webhooks import services
from webhooks.choices import EndpointStatus
from webhooks.models import Delivery, Endpoint
from webhooks.targets import TargetRefused, target_resolve

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


class EndpointAdminForm(forms.ModelForm):
    class Meta:
        model = Endpoint
        fields = ["organization", "site", "url", "events", "description", "created_date"]

    def clean_url(self):
        """The SSRF rule holds for an edit here too (the API checks it on every write)."""
        url = self.cleaned_data["url"]
        try:
            target_resolve(url)
        except TargetRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return url


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    """Owners register endpoints through the API (the only place the secret is shown);
    staff can inspect, edit, enable or disable them here."""

    form = EndpointAdminForm
    list_display = ["url", "organization", "site", "number", "status", "failing_since"]
    list_filter = ["status"]
    search_fields = ["url", "description", "organization__name", "site__name"]
    list_select_related = ["organization", "site"]
    readonly_fields = [
        "uuid",
        "number",
        "status",
        "failing_since",
        "disabled_date",
        "disabled_reason",
        "owner_notified_date",
        "created_date",
    ]
    raw_id_fields = ["organization", "site"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    actions = ["enable_selected", "disable_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Enable the selected endpoints (their failures forgotten)")
    def enable_selected(self, request, queryset):
        self._set_status(request, queryset, EndpointStatus.ACTIVE, "{count} endpoints enabled.")

    @admin.action(description="Disable the selected endpoints")
    def disable_selected(self, request, queryset):
        self._set_status(request, queryset, EndpointStatus.DISABLED, "{count} endpoints disabled.")

    def _set_status(self, request, queryset, status, done):
        run_for_each(
            self,
            request,
            queryset,
            lambda endpoint: services.endpoint_update(endpoint=endpoint, data={"status": status}),
            done=done,
        )


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
