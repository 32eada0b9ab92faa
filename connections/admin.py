from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from connect_api.admin_actions import Decision, DecisionButtonsMixin, run_for_each
from connect_api.errors import shown
from connections import services
from connections.choices import ConnectionRequestStatus, ConnectionStatus, specs_for
from connections.cron import (
    DEFAULT_TIME_ZONE,
    VALID_CRON_FORMS,
    describe_cron,
    is_valid_cron,
    next_runs,
    schedule_warnings,
    time_zone_get,
)
from connections.models import Connection, ConnectionRequest, Integration
from connections.selectors import review_entries
from organizations.choices import OrganizationType
from uploads.admin import upload_check_html, upload_download_link
from uploads.models import Upload
from uploads.selectors import upload_check_for
from uploads.services import specs_key


def _decided(connection_request: ConnectionRequest | None) -> bool:
    return (
        connection_request is not None
        and connection_request.pk is not None
        and connection_request.status not in ConnectionRequestStatus.open()
    )


class IntegrationForm(forms.ModelForm):
    """The schedule is checked as the API checks it (connections.cron, the one parser)."""

    class Meta:
        model = Integration
        fields = [
            "integration_type",
            "update_frequency",
            "time_zone",
            "file_locations",
            "file_specs",
            "rules",
        ]

    def clean_update_frequency(self):
        value = self.cleaned_data.get("update_frequency", "").strip()
        if value and not is_valid_cron(value):
            raise forms.ValidationError(
                f"{shown(value)!r} is not a valid cron expression: " + VALID_CRON_FORMS
            )
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].required = False  # blank: UTC

    def clean_time_zone(self):
        value = (self.cleaned_data.get("time_zone") or "").strip() or DEFAULT_TIME_ZONE
        if time_zone_get(value) is None:
            raise forms.ValidationError(f"{shown(value)!r} is not a known IANA time zone.")
        return value


class IntegrationInline(admin.StackedInline):
    """Stacked, so File specs and Rules read in full; with the schedule's next runs. Fixed once
    the request is decided."""

    model = Integration
    form = IntegrationForm
    extra = 0
    fields = [
        ("integration_type", "update_frequency", "time_zone"),
        "schedule",
        "file_locations",
        "file_specs",
        "rules",
        "date_created",
    ]
    readonly_fields = ["schedule", "date_created"]

    @admin.display(description="Schedule (next runs in its zone, and warnings)")
    def schedule(self, obj):
        runs = next_runs(obj.update_frequency, time_zone=obj.time_zone) if obj and obj.pk else None
        if runs is None:
            return "No valid schedule." if obj and obj.update_frequency else "-"
        return format_html(
            "{}<ul class='next-runs' style='margin:0;padding:0'>{}</ul>"
            "<ul class='schedule-warnings errorlist' style='margin:0;padding:0'>{}</ul>",
            describe_cron(obj.update_frequency, obj.time_zone),
            format_html_join(
                "", "<li>{}</li>", ((run.strftime("%Y-%m-%d %H:%M:%S %z"),) for run in runs)
            ),
            format_html_join(
                "", "<li>{}</li>", ((text,) for text in schedule_warnings(obj.update_frequency))
            ),
        )

    def has_add_permission(self, request, obj=None):
        return not _decided(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _decided(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _decided(obj) and super().has_delete_permission(request, obj)


class ConnectionRequestForm(forms.ModelForm):
    """Files are attached only from the requester's own uploads (as the API allows)."""

    class Meta:
        model = ConnectionRequest
        fields = [
            "requester",
            "counterpart",
            "counterpart_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "account_number",
            "additional_information",
            "request_date",
            "created_by",
            "uploaded_files",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        files = self.fields.get("uploaded_files")
        if files is not None and self.instance.pk is not None:
            files.queryset = Upload.objects.filter(organization_id=self.instance.requester_id)

    def clean(self):
        cleaned = super().clean()
        requester = cleaned.get("requester") or (
            self.instance.requester if self.instance.requester_id else None
        )
        foreign = [
            upload.name
            for upload in cleaned.get("uploaded_files") or ()
            if requester is None or upload.organization_id != requester.pk
        ]
        if foreign:
            self.add_error(
                "uploaded_files",
                "Only the requester's own uploads can be attached; not: " + ", ".join(foreign),
            )
        return cleaned


class DecisionActionForm(ActionForm):
    reason = forms.CharField(
        required=False, label="Rejection reason", widget=forms.TextInput(attrs={"size": 40})
    )


@admin.register(ConnectionRequest)
class ConnectionRequestAdmin(DecisionButtonsMixin, admin.ModelAdmin):
    """Staff decide requests (buttons on the request, or list actions); a decided request is
    read-only, here and in its integrations (no POST can change it: 403), and is not deleted."""

    form = ConnectionRequestForm
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
    filter_horizontal = ["uploaded_files"]
    readonly_fields = [
        "uuid",
        "status",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "connection_link",
        "files",
        "history",
    ]
    inlines = [IntegrationInline]
    action_form = DecisionActionForm
    actions = ["approve_selected", "reject_selected"]
    decisions = (
        Decision("approve", "Approve", "approve_one"),
        Decision(
            "reject",
            "Reject",
            "reject_one",
            field="reason",
            field_label="Rejection reason",
            field_required=True,
        ),
        Decision(
            "request-changes",
            "Request changes",
            "request_changes_one",
            field="message",
            field_label="What to change",
            field_required=True,
        ),
    )

    def is_undecided(self, obj) -> bool:
        return obj.status in ConnectionRequestStatus.open()

    def has_decision_permission(self, request, decision: Decision) -> bool:
        """Each decision is a permission of its own (an account manager holds them without
        the change permission: the request's fields are the requester's); "request-changes"
        is `request_changes_connectionrequest`."""
        codename = decision.name.replace("-", "_")
        return request.user.has_perm(f"connections.{codename}_connectionrequest")

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("connections.approve_connectionrequest")

    def has_reject_permission(self, request) -> bool:
        return request.user.has_perm("connections.reject_connectionrequest")

    def get_readonly_fields(self, request, obj=None):
        if _decided(obj):
            return [
                *(field.name for field in self.opts.fields if field.name != "id"),
                "uploaded_files",
                "connection_link",
                "files",
                "history",
            ]
        if obj is not None:  # the tenant a request belongs to is not edited
            return [*self.readonly_fields, "requester"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return not _decided(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _decided(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Saves only the fields the form changed, and only while the request (locked for it)
        is still PENDING: a decision made meanwhile is never written back over."""
        if not change:
            return super().save_model(request, obj, form, change)
        status = (
            ConnectionRequest.objects.select_for_update()
            .filter(pk=obj.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status not in ConnectionRequestStatus.open():
            raise PermissionDenied
        concrete = {field.name for field in self.opts.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete]
        if changed:
            obj.save(update_fields=changed)

    @admin.display(description="Connection")
    def connection_link(self, obj):
        connection = getattr(obj, "connection", None) if obj.pk else None
        if connection is None:
            return "-"
        url = reverse("admin:connections_connection_change", args=[connection.pk])
        return format_html('<a href="{}" id="connection-link">{}</a>', url, connection)

    def save_related(self, request, form, formsets, change):
        """Files or integrations changed here are checked as the API's changes are."""
        super().save_related(request, form, formsets, change)
        services.connection_request_uploads_check(connection_request=form.instance)

    @admin.display(description="Files (download) and their spec checks")
    def files(self, obj):
        uploads = list(obj.uploaded_files.prefetch_related("checks")) if obj.pk else []
        if not uploads:
            return "-"
        key = specs_key(specs_for(obj.integrations.values_list("integration_type", flat=True)))
        return format_html(
            "<ul class='request-files' style='margin:0;padding:0'>{}</ul>",
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (
                        upload_download_link(u),
                        upload_check_html(upload_check_for(u.checks.all(), key)),
                    )
                    for u in uploads
                ),
            ),
        )

    @admin.display(description="History (decisions and resubmissions)")
    def history(self, obj):
        entries = list(review_entries().filter(request=obj)) if obj.pk else []
        if not entries:
            return "-"
        return format_html(
            "<table class='review-history'><tr><th>When (UTC)</th><th>What</th><th>By</th>"
            "<th>Message</th><th>Concerning</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        entry.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                        entry.action,
                        entry.account_manager.person
                        if entry.account_manager
                        else (entry.user.get_username() if entry.user else "-"),
                        entry.message or "-",
                        ", ".join(entry.integrations + entry.uploaded_files) or "-",
                    )
                    for entry in entries
                ),
            ),
        )

    # --- decisions: one service call per request -------------------------------------------

    def approve_one(self, request, connection_request, value=None) -> str:
        """Approve, linking the counterpart staff set on the request (else the service creates
        it from the request's name and contact)."""
        counterpart = connection_request.counterpart
        key = (
            "supplier_uuid"
            if connection_request.requester.org_type == OrganizationType.RETAILER
            else "retailer_uuid"
        )
        approved = services.connection_request_approve(
            connection_request=connection_request,
            user=request.user,
            **({key: counterpart.uuid} if counterpart else {}),
        )
        return f"{approved}: approved; connection {approved.connection} created."

    def reject_one(self, request, connection_request, reason) -> str:
        rejected = services.connection_request_reject(
            connection_request=connection_request, user=request.user, reason=reason or ""
        )
        return f"{rejected}: rejected."

    def request_changes_one(self, request, connection_request, message) -> str:
        """Ask the requester for changes (the request must be PENDING); the same service as
        the API's request-changes, so the requester is mailed and its webhooks called."""
        changed = services.connection_request_changes_request(
            connection_request=connection_request, user=request.user, message=message or ""
        )
        return f"{changed}: changes requested."

    def _decide(self, request, queryset, decide, verb: str):
        open_statuses = ConnectionRequestStatus.open()
        pending = queryset.filter(status__in=open_statuses).select_related(
            "requester", "counterpart"
        )
        run_for_each(self, request, pending, decide, done=f"{{count}} request(s) {verb}.")
        skipped = queryset.exclude(status__in=open_statuses).count()
        if skipped:
            self.message_user(
                request,
                f"{skipped} request(s) skipped: not PENDING or CHANGES REQUESTED.",
                messages.WARNING,
            )

    @admin.action(
        description="Approve selected requests (create counterpart and connection)",
        permissions=["approve"],
    )
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, lambda row: self.approve_one(request, row), "approved")

    @admin.action(
        description="Reject selected requests (give the reason in the field)",
        permissions=["reject"],
    )
    def reject_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a rejection reason.", messages.ERROR)
            return
        self._decide(
            request, queryset, lambda row: self.reject_one(request, row, reason), "rejected"
        )


@admin.register(Connection)
class ConnectionAdmin(DecisionButtonsMixin, admin.ModelAdmin):
    """Connections are made by approvals; here they are read and, by a Deactivate button or
    list action (the `deactivate_connection` permission), ended."""

    list_display = ["__str__", "status", "account_manager", "created_date", "deactivated_date"]
    list_filter = ["status", "allocation_type"]
    search_fields = ["retailer__name", "supplier__name", "uuid"]
    list_select_related = ["retailer", "supplier", "account_manager__person"]
    autocomplete_fields = ["retailer", "supplier", "account_manager", "request"]
    readonly_fields = ["uuid"]
    actions = ["deactivate_selected"]
    decisions = (Decision("deactivate", "Deactivate", "deactivate_one"),)

    def is_undecided(self, obj) -> bool:
        return obj.status != ConnectionStatus.DEACTIVATED

    def has_decision_permission(self, request, decision: Decision) -> bool:
        return self.has_deactivate_permission(request)

    def has_deactivate_permission(self, request) -> bool:
        return request.user.has_perm("connections.deactivate_connection")

    def deactivate_one(self, request, connection, value=None) -> str:
        services.connection_deactivate(connection=connection, user=request.user)
        return f"{connection}: deactivated."

    @admin.action(description="Deactivate selected connections", permissions=["deactivate"])
    def deactivate_selected(self, request, queryset):
        live = queryset.exclude(status=ConnectionStatus.DEACTIVATED)
        run_for_each(
            self,
            request,
            live.select_related("retailer", "supplier"),
            lambda row: self.deactivate_one(request, row),
            done="{count} connection(s) deactivated.",
        )
