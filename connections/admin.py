from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from connect_api.admin_actions import run_for_each
from connections import services
from connections.choices import ConnectionRequestStatus
from connections.models import Connection, ConnectionRequest, Integration


class IntegrationInline(admin.TabularInline):
    model = Integration
    extra = 0
    fields = [
        "integration_type",
        "update_frequency",
        "file_locations",
        "file_specs",
        "rules",
        "date_created",
    ]
    readonly_fields = ["date_created"]


class DecisionActionForm(ActionForm):
    reason = forms.CharField(
        required=False, label="Rejection reason", widget=forms.TextInput(attrs={"size": 40})
    )


@admin.register(ConnectionRequest)
class ConnectionRequestAdmin(admin.ModelAdmin):
    list_display = [
        "counterpart_name",
        "requester",
        "status",
        "request_date",
        "decided_by",
        "decided_at",
    ]
    list_filter = [
        "status",
        "requester__org_type",
        "integrations__integration_type",
        "request_date",
    ]
    search_fields = [
        "counterpart_name",
        "contact_name",
        "contact_email",
        "requester__name",
        "uuid",
    ]
    list_select_related = ["requester", "decided_by__person"]
    date_hierarchy = "request_date"
    autocomplete_fields = ["requester", "counterpart", "decided_by", "created_by"]
    readonly_fields = [
        "uuid",
        "status",
        "decided_by",
        "decided_at",
        "rejection_reason",
        # Attached through the API (checked there); approval grants the counterpart these.
        "uploaded_files",
    ]
    inlines = [IntegrationInline]
    action_form = DecisionActionForm
    actions = ["approve_selected", "reject_selected"]

    def _decide(self, request, queryset, decide, verb: str):
        pending = queryset.filter(status=ConnectionRequestStatus.PENDING)
        run_for_each(self, request, pending, decide, done=f"{{count}} request(s) {verb}.")
        skipped = queryset.exclude(status=ConnectionRequestStatus.PENDING).count()
        if skipped:
            self.message_user(
                request, f"{skipped} request(s) skipped: not PENDING.", messages.WARNING
            )

    @admin.action(description="Approve selected requests (create counterpart and connection)")
    def approve_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda connection_request: services.connection_request_approve(
                connection_request=connection_request, user=request.user
            ),
            "approved",
        )

    @admin.action(description="Reject selected requests (give the reason in the field)")
    def reject_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a rejection reason.", messages.ERROR)
            return
        self._decide(
            request,
            queryset,
            lambda connection_request: services.connection_request_reject(
                connection_request=connection_request, user=request.user, reason=reason
            ),
            "rejected",
        )


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "account_manager", "created_date", "deactivated_date"]
    list_filter = ["status", "allocation_type"]
    search_fields = ["retailer__name", "supplier__name", "uuid"]
    list_select_related = ["retailer", "supplier", "account_manager__person"]
    autocomplete_fields = ["retailer", "supplier", "account_manager", "request"]
    readonly_fields = ["uuid"]
