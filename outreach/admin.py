import json
import re
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from connect_api.admin_actions import Decision, DecisionButtonsMixin, run_for_each
from outreach import models, selectors, services
from outreach.choices import ChangeRequestStatus
from outreach.dates import us_datetime
from outreach.fields import HISTORY, Applies
from outreach.payload import ChangeRequestPayload


class OperatorAdmin(admin.ModelAdmin):
    """The outreach admin is the operator's: superusers only, whatever model permissions a
    staff user holds. Every outreach row belongs to one site (a church's directory: people,
    phones, addresses, comments), and the admin reaches them through many doors (lists, change
    pages, inlines, autocomplete and raw-id pickers, history); a site's Administrator reviews
    and works through the mobile API, which scopes every read to their site. Limiting one
    door at a time would leak through the next one missed; this closes them all."""

    def _operator(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._operator(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._operator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._operator(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._operator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._operator(request) and super().has_delete_permission(request, obj)


# --- a change as the vendor's app names it: before / after ---------------------------------


def _names(site_id: int, changes: Iterable[dict]) -> dict:
    """The site's rows these changes name (individuals, teams, types, responses: the fields'
    `SiteRow`s), one query per kind of row: {SiteRow: {number: name}}."""
    wanted: dict = {}
    for change in changes:
        for label, pair in change.items():
            row = HISTORY[label][0].row if label in HISTORY else None
            for value in pair if row else ():
                numbers = wanted.setdefault(row, set())
                if isinstance(value, list):
                    numbers.update(value)
                elif value is not None:
                    numbers.add(value)
    return {
        row: {
            found.number: row.name(found)
            for found in row.model.objects.restrict(site_id).filter(number__in=numbers)
        }
        for row, numbers in wanted.items()
        if numbers
    }


def _term(label: str, value, names) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    spec, target = HISTORY.get(label, (None, None))
    if spec is None or spec.row is None:
        return str(value)
    row_names = names.get(spec.row, {})
    if target.applies is Applies.REPLACES:
        shown = [f"{row_names.get(number, 'unknown')} ({number})" for number in value]
        return ", ".join(shown) or "none"
    return f"{row_names.get(value, 'unknown')} ({spec.row.number_name} {value})"


def _field_term(label: str) -> str:
    """The app's term for a history field (the label itself when the table has no term)."""
    target = HISTORY[label][1] if label in HISTORY else None
    return target.term if target and target.term else label


def change_table(change: dict, names) -> SafeString:
    """{field: [before, after]} as a Field / Before / After table in the app's terms; what
    changes is in bold."""
    rows = (
        (
            "changed" if before != after else "unchanged",
            _field_term(label),
            _term(label, before, names),
            format_html("<strong>{}</strong>", shown) if before != after else shown,
        )
        for label, (before, after) in change.items()
        for shown in [_term(label, after, names)]
    )
    return format_html(
        '<table class="change-table"><thead><tr><th>Field</th><th>Before</th><th>After</th>'
        "</tr></thead><tbody>{}</tbody></table>",
        format_html_join(
            "", '<tr class="{}"><th scope="row">{}</th><td>{}</td><td>{}</td></tr>', rows
        ),
    )


def connection_history_html(connection) -> str:
    """A connection's applied changes, oldest first, each as its before/after table (the
    operator's admin and the site Administrators' console show the same)."""
    entries = list(connection.history.select_related("changed_by", "change_request"))
    if not entries:
        return "No change applied yet."
    names = _names(connection.site_id, (entry.changes for entry in entries))
    return format_html_join(
        "",
        '<div class="history-entry"><p><strong>{}</strong> {} by {}{}</p>{}</div>',
        (
            (
                entry.get_kind_display(),
                us_datetime(entry.changed_at),
                entry.changed_by or "-",
                f" (change request {entry.change_request.number})" if entry.change_request else "",
                change_table(entry.changes, names),
            )
            for entry in entries
        ),
    )


@admin.register(models.Site)
class SiteAdmin(OperatorAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "number"]


class ConnectionTypeRightInline(admin.TabularInline):
    model = models.ConnectionTypeRight
    extra = 0
    autocomplete_fields = ["connection_type"]


@admin.register(models.SiteMembership)
class SiteMembershipAdmin(OperatorAdmin):
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


NUMBER = re.compile(r"\s*([0-9]{1,10})\s*")
"""A search term that is an IndvId: ASCII digits (str.isdigit() also takes "²", which int()
refuses)."""


def individuals_matching(queryset, search_term: str):
    """The API's search (`IndividualQuerySet.search`: one pg_trgm index over the search text,
    not an OR of five columns' `icontains`), plus the person numbered `search_term` when it is
    a number (their ids read first, so the OR is of two indexes): the admin's and the review
    console's search of people."""
    matches = queryset.search(search_term)
    number = NUMBER.fullmatch(search_term)
    if number:
        numbered = queryset.filter(number=int(number[1])).values_list("pk", flat=True)
        matches = matches | queryset.filter(pk__in=list(numbered))
    return matches


@admin.register(models.Individual)
class IndividualAdmin(OperatorAdmin):
    list_display = ["number", "site", "first_name", "last_name", "goes_by_name", "family"]
    list_filter = ["site", "member_status"]
    search_fields = ["search_text"]  # shows the search box; get_search_results searches
    search_help_text = "Each word part of a name, an email or a phone; or an IndvId."
    list_select_related = ["site", "family"]
    autocomplete_fields = ["family"]
    inlines = [AddressInline, IndividualEmailInline, PhoneInline, IndividualCommentInline]

    def get_search_results(self, request, queryset, search_term):
        return individuals_matching(queryset, search_term), False


class FamilyMemberInline(admin.TabularInline):
    model = models.Individual
    extra = 0
    fields = ["number", "title", "first_name", "last_name", "family_position", "date_of_birth"]
    show_change_link = True


@admin.register(models.Family)
class FamilyAdmin(OperatorAdmin):
    list_display = ["number", "name", "site"]
    list_filter = ["site"]
    search_fields = ["name", "=number"]
    list_select_related = ["site"]
    inlines = [FamilyMemberInline, AddressInline, PhoneInline]


@admin.register(models.CommentType)
class CommentTypeAdmin(OperatorAdmin):
    list_display = ["number", "description", "color", "active", "site"]
    list_filter = ["site", "active"]
    search_fields = ["description"]
    list_select_related = ["site"]


@admin.register(models.IndividualComment)
class IndividualCommentAdmin(OperatorAdmin):
    list_display = ["number", "site", "individual", "comment_type", "created", "author"]
    list_filter = ["site", "comment_type"]
    search_fields = ["text", "individual__last_name", "=number"]
    list_select_related = ["site", "individual", "comment_type", "author"]
    raw_id_fields = ["individual", "author", "change_request"]


@admin.register(models.GivingMerchant)
class GivingMerchantAdmin(OperatorAdmin):
    list_display = ["site", "merchant_account_id", "allow_credit_debit_cards", "allow_ach"]
    list_select_related = ["site"]


@admin.register(models.Team)
class TeamAdmin(OperatorAdmin):
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
class ConnectionTypeAdmin(OperatorAdmin):
    list_display = ["number", "description", "category", "active", "site"]
    list_filter = ["site", "category", "active"]
    search_fields = ["description"]
    list_select_related = ["site"]
    inlines = [ResponseInline]


@admin.register(models.Response)
class ResponseAdmin(OperatorAdmin):
    list_display = ["number", "description", "connection_type", "site"]
    list_filter = ["site"]
    search_fields = ["description"]
    list_select_related = ["site", "connection_type"]


class ConnectionCommentInline(admin.StackedInline):
    model = models.ConnectionComment
    extra = 0
    fields = ["created", "author", "author_name", "text"]
    raw_id_fields = ["author"]


@admin.register(models.Connection)
class ConnectionAdmin(OperatorAdmin):
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
    readonly_fields = ["version", "history_shown"]
    inlines = [ConnectionCommentInline]

    @admin.display(description="History")
    def history_shown(self, obj):
        """Every applied change, oldest first, as before/after tables (as a change request's
        page shows the change it proposes)."""
        if obj.pk is None:
            return "-"
        return connection_history_html(obj)

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
class ConnectionCommentAdmin(OperatorAdmin):
    list_display = ["connection", "author_name", "created"]
    search_fields = ["text", "author_name"]
    raw_id_fields = ["connection", "author"]


@admin.register(models.ConnectionHistory)
class ConnectionHistoryAdmin(OperatorAdmin):
    """What applies changed: written by the apply service, read here (never edited)."""

    list_display = ["connection", "kind", "changed_by", "changed_at"]
    list_filter = ["kind"]
    list_select_related = ["connection__connection_type", "changed_by"]
    fields = ["connection", "kind", "changed_by", "changed_at", "change_request", "change"]
    readonly_fields = fields

    @admin.display(description="Change")
    def change(self, obj):
        return change_table(obj.changes, _names(obj.connection.site_id, [obj.changes]))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- change requests ---


class ChangeRequestReviewForm(ActionForm):
    message = forms.CharField(
        required=False, label="Rejection message", widget=forms.TextInput(attrs={"size": 40})
    )


class ReviewActionsMixin(DecisionButtonsMixin):
    """Apply/reject admin actions over a change-request queryset, in (site, number) order, one
    transaction per row (run_for_each), and Apply / Reject buttons on a PENDING one's page; the
    admin names its noun and its two services. Their page is read-only (no Save)."""

    review_noun: str
    apply_service: Callable
    reject_service: Callable
    decisions = (
        Decision("apply", "Apply", "apply_one"),
        Decision(
            "reject", "Reject", "reject_one", field="message", field_label="Rejection message"
        ),
    )

    def is_undecided(self, obj) -> bool:
        return obj.is_pending

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def apply_one(self, request, change_request, value=None) -> str:
        applied = self.apply_service(change_request=change_request, reviewer=request.user)
        return f"{applied}: applied."

    def reject_one(self, request, change_request, message) -> str:
        rejected = self.reject_service(
            change_request=change_request, reviewer=request.user, message=message or ""
        )
        return f"{rejected}: rejected."

    def _review(self, request, queryset, review, verb: str):
        rows = queryset.order_by("site", "number")
        done = f"{{count}} {self.review_noun}(s) {verb}."
        run_for_each(self, request, rows, review, done=done)

    def _apply(self, request, queryset):
        self._review(
            request,
            queryset,
            lambda change_request: self.apply_one(request, change_request),
            "applied",
        )

    def _reject(self, request, queryset):
        message = request.POST.get("message", "").strip()
        self._review(
            request,
            queryset,
            lambda change_request: self.reject_one(request, change_request, message),
            "rejected",
        )


@admin.register(models.ChangeRequest)
class ChangeRequestAdmin(ReviewActionsMixin, OperatorAdmin):
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
        "proposed_change",
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

    @admin.display(description="Change")
    def proposed_change(self, obj):
        """PENDING or rejected: the connection now and as the request would make it; applied:
        what the apply changed (its history entry)."""
        applied = obj.history.first() if obj.status == ChangeRequestStatus.APPLIED else None
        change = applied.changes if applied else selectors.change_request_proposal(obj)
        return change_table(change, _names(obj.site_id, [change]))

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
class CommentChangeRequestAdmin(ReviewActionsMixin, OperatorAdmin):
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

    review_noun = "comment change request"
    apply_service = staticmethod(services.comment_change_request_apply)
    reject_service = staticmethod(services.comment_change_request_reject)

    @admin.action(description="Apply selected comment change requests (write the comments)")
    def apply_selected(self, request, queryset):
        self._apply(request, queryset)

    @admin.action(description="Reject selected comment change requests (optional message)")
    def reject_selected(self, request, queryset):
        self._reject(request, queryset)
