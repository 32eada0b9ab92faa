import json
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html

from connect_api.admin_actions import run_for_each
from outreach import models, services
from outreach.payload import ChangeRequestPayload


@admin.register(models.Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "number"]


class ConnectionTypeRightInline(admin.TabularInline):
    model = models.ConnectionTypeRight
    extra = 0
    autocomplete_fields = ["connection_type"]


@admin.register(models.SiteMembership)
class SiteMembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "site",
        "security_role",
        "create_change_request",
        "locate_person",
        "member_search",
        "view_add_comments",
        "reassign_connection",
        "assigned_contacts_only",
        "assign_contacts",
        "view_outreach_history",
    ]
    list_filter = ["site", "security_role"]
    search_fields = ["user__username", "user__email", "site__name"]
    list_select_related = ["user", "site"]
    autocomplete_fields = ["user", "site", "individual"]
    inlines = [ConnectionTypeRightInline]
    fieldsets = [
        (None, {"fields": ["user", "site", "individual", "security_role"]}),
        (
            "Rights (A granted, V view, N none)",
            {
                "fields": [
                    "create_change_request",
                    "locate_person",
                    "member_search",
                    "view_add_comments",
                    "reassign_connection",
                    "assigned_contacts_only",
                    "assign_contacts",
                    "view_outreach_history",
                    "locate_organizations",
                    "view_organization_record",
                    "view_staff_roster",
                ]
            },
        ),
    ]


class IndividualEmailInline(admin.TabularInline):
    model = models.IndividualEmail
    extra = 0
    fields = ["number", "email_type", "email", "preferred", "listed", "site"]


class PhoneInline(admin.TabularInline):
    model = models.Phone
    extra = 0
    fields = [
        "number",
        "phone_type",
        "phone_number",
        "extension",
        "preferred",
        "listed",
        "address",
        "site",
    ]
    raw_id_fields = ["address"]


class AddressInline(admin.StackedInline):
    model = models.Address
    extra = 0
    fields = [
        ("number", "site", "address_type", "active", "mailing", "statement"),
        "company",
        ("street", "street2"),
        ("city", "state", "zipcode", "country"),
        ("latitude", "longitude"),
    ]


class IndividualCommentInline(admin.TabularInline):
    model = models.IndividualComment
    extra = 0
    fields = ["number", "comment_type", "created", "author", "text", "site"]
    raw_id_fields = ["author"]


@admin.register(models.Individual)
class IndividualAdmin(admin.ModelAdmin):
    list_display = ["number", "site", "first_name", "last_name", "goes_by_name", "family"]
    list_filter = ["site", "member_status"]
    search_fields = [
        "first_name",
        "last_name",
        "goes_by_name",
        "emails__email",
        "phones__phone_number",
        "=number",
    ]
    list_select_related = ["site", "family"]
    autocomplete_fields = ["family"]
    inlines = [AddressInline, IndividualEmailInline, PhoneInline, IndividualCommentInline]


class FamilyMemberInline(admin.TabularInline):
    model = models.Individual
    extra = 0
    fields = ["number", "title", "first_name", "last_name", "family_position", "date_of_birth"]
    show_change_link = True


@admin.register(models.Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "site"]
    list_filter = ["site"]
    search_fields = ["name", "=number"]
    list_select_related = ["site"]
    inlines = [FamilyMemberInline, AddressInline, PhoneInline]


@admin.register(models.CommentType)
class CommentTypeAdmin(admin.ModelAdmin):
    list_display = ["number", "description", "color", "active", "site"]
    list_filter = ["site", "active"]
    search_fields = ["description"]
    list_select_related = ["site"]


@admin.register(models.IndividualComment)
class IndividualCommentAdmin(admin.ModelAdmin):
    list_display = ["number", "site", "individual", "comment_type", "created", "author"]
    list_filter = ["site", "comment_type"]
    search_fields = ["text", "individual__last_name", "=number"]
    list_select_related = ["site", "individual", "comment_type", "author"]
    raw_id_fields = ["individual", "author", "change_request"]


@admin.register(models.GivingMerchant)
class GivingMerchantAdmin(admin.ModelAdmin):
    list_display = ["site", "merchant_account_id", "allow_credit_debit_cards", "allow_ach"]
    list_select_related = ["site"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "site"]
    list_filter = ["site"]
    search_fields = ["name"]
    autocomplete_fields = ["members"]
    list_select_related = ["site"]


class ResponseInline(admin.TabularInline):
    model = models.Response
    extra = 0
    fields = ["number", "description", "site"]


@admin.register(models.ConnectionType)
class ConnectionTypeAdmin(admin.ModelAdmin):
    list_display = ["number", "description", "category", "active", "site"]
    list_filter = ["site", "category", "active"]
    search_fields = ["description"]
    list_select_related = ["site"]
    inlines = [ResponseInline]


@admin.register(models.Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["number", "description", "connection_type", "site"]
    list_filter = ["site"]
    search_fields = ["description"]
    list_select_related = ["site", "connection_type"]


class ConnectionCommentInline(admin.TabularInline):
    model = models.ConnectionComment
    extra = 0
    fields = ["created", "author", "author_name", "text"]
    raw_id_fields = ["author"]


class ConnectionHistoryInline(admin.TabularInline):
    model = models.ConnectionHistory
    extra = 0
    fields = ["changed_at", "changed_by", "kind", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "site",
        "connection_type",
        "contact",
        "caller",
        "team",
        "due_date",
        "completed",
        "version",
    ]
    list_filter = ["site", "completed", "connection_type__category"]
    search_fields = ["contact__first_name", "contact__last_name", "=number"]
    list_select_related = ["site", "connection_type", "contact", "caller", "team"]
    autocomplete_fields = ["contact", "caller", "team", "responses"]
    readonly_fields = ["version"]
    inlines = [ConnectionCommentInline, ConnectionHistoryInline]

    def save_model(self, request, obj, form, change):
        """An edit here changes the connection as an applied change request does: the version
        moves on, so change requests based on the old one are stale (409 on apply). The row is
        locked so the edit never writes back a version an apply has meanwhile raised."""
        if change and form.has_changed():
            current = (
                models.Connection.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=obj.pk)
            )
            obj.version = current + 1
        super().save_model(request, obj, form, change)


@admin.register(models.ConnectionComment)
class ConnectionCommentAdmin(admin.ModelAdmin):
    list_display = ["connection", "author_name", "created"]
    search_fields = ["text", "author_name"]
    raw_id_fields = ["connection", "author"]


@admin.register(models.ConnectionHistory)
class ConnectionHistoryAdmin(admin.ModelAdmin):
    list_display = ["connection", "kind", "changed_by", "changed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["connection", "changed_by"]


# --- change requests ---


class ChangeRequestReviewForm(ActionForm):
    message = forms.CharField(
        required=False, label="Rejection message", widget=forms.TextInput(attrs={"size": 40})
    )


class ReviewActionsMixin:
    """Apply/reject admin actions over a change-request queryset, in (site, number) order, one
    transaction per row (run_for_each); the admin names its noun and its two services."""

    review_noun: str
    apply_service: Callable
    reject_service: Callable

    def _review(self, request, queryset, review, verb: str):
        rows = queryset.order_by("site", "number")
        done = f"{{count}} {self.review_noun}(s) {verb}."
        run_for_each(self, request, rows, review, done=done)

    def _apply(self, request, queryset):
        self._review(
            request,
            queryset,
            lambda change_request: self.apply_service(
                change_request=change_request, reviewer=request.user
            ),
            "applied",
        )

    def _reject(self, request, queryset):
        message = request.POST.get("message", "").strip()
        self._review(
            request,
            queryset,
            lambda change_request: self.reject_service(
                change_request=change_request, reviewer=request.user, message=message
            ),
            "rejected",
        )


@admin.register(models.ChangeRequest)
class ChangeRequestAdmin(ReviewActionsMixin, admin.ModelAdmin):
    """Staff review: apply or reject selected change requests, each in its own transaction."""

    list_display = [
        "number",
        "site",
        "kind",
        "status",
        "connection",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "failure_reason",
    ]
    list_filter = ["status", "kind", "site"]
    search_fields = ["=number", "submitted_by__username", "review_message", "failure_reason"]
    list_select_related = ["site", "connection__connection_type", "submitted_by", "reviewed_by"]
    date_hierarchy = "submitted_at"
    exclude = ["payload"]  # shown through its type, as submitted_request
    readonly_fields = [
        "site",
        "number",
        "kind",
        "status",
        "submitted_request",
        "connection",
        "base_version",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_message",
        "failure_reason",
    ]
    action_form = ChangeRequestReviewForm
    actions = ["apply_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Request (as the POST body named it)")
    def submitted_request(self, obj):
        fields = ChangeRequestPayload.of(obj).to_wire()
        return format_html("<pre>{}</pre>", json.dumps(fields, indent=2, ensure_ascii=False))

    review_noun = "change request"
    apply_service = staticmethod(services.change_request_apply)
    reject_service = staticmethod(services.change_request_reject)

    @admin.action(description="Apply selected change requests to their connections")
    def apply_selected(self, request, queryset):
        self._apply(request, queryset)

    @admin.action(description="Reject selected change requests (optional message in the field)")
    def reject_selected(self, request, queryset):
        self._reject(request, queryset)


@admin.register(models.CommentChangeRequest)
class CommentChangeRequestAdmin(ReviewActionsMixin, admin.ModelAdmin):
    """Staff review of comments sent from the app: apply (the comment is written) or reject."""

    list_display = [
        "number",
        "site",
        "individual",
        "comment_type",
        "family_comment",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
    ]
    list_filter = ["status", "site", "comment_type"]
    search_fields = ["=number", "text", "submitted_by__username", "individual__last_name"]
    list_select_related = ["site", "individual", "comment_type", "submitted_by", "reviewed_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "site",
        "number",
        "individual",
        "comment_type",
        "text",
        "family_comment",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_message",
    ]
    action_form = ChangeRequestReviewForm
    actions = ["apply_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    review_noun = "comment change request"
    apply_service = staticmethod(services.comment_change_request_apply)
    reject_service = staticmethod(services.comment_change_request_reject)

    @admin.action(description="Apply selected comment change requests (write the comments)")
    def apply_selected(self, request, queryset):
        self._apply(request, queryset)

    @admin.action(description="Reject selected comment change requests (optional message)")
    def reject_selected(self, request, queryset):
        self._reject(request, queryset)
