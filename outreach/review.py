"""The review console at /review/: a second Django AdminSite for each site's Administrators.

A user reaches it only as an Administrator of some site (anyone else gets the login page's
refusal) and sees one of those sites at a time (a switcher when there are several). Every
queryset of the console starts from `ReviewModelAdmin.get_queryset`, which restricts the model
to the current site with `SiteQuerySet.restrict` (the restriction the API uses): changelists,
change and history pages, autocomplete, filters' choices, form choices, actions and the CSV
export all read through it, and an object outside it is a 404 wherever its id is given.

The queue (connection and comment change requests, oldest first), connections (filters, bulk
reassign, CSV export), the workload per caller and team, and the directory (read-only).
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from connect_api.admin_actions import error_text
from connect_api.errors import DomainError
from outreach import models, selectors, services
from outreach.admin import (
    ChangeRequestReviewForm,
    ReviewActionsMixin,
    _names,
    change_table,
    connection_history_html,
    individuals_matching,
)
from outreach.choices import ChangeRequestStatus
from outreach.dates import us_date, us_datetime

SESSION_KEY = "review_site"


class ReviewAuthenticationForm(AdminAuthenticationForm):
    """The console's login: an active account that is an Administrator of some site."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the username and password of a site Administrator. Note that both "
            "fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not selectors.sites_administered_by(user).exists():
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ReviewSite(admin.AdminSite):
    site_header = "Outreach review"
    site_title = "Outreach review"
    index_title = "Review"
    index_template = "review/index.html"
    login_form = ReviewAuthenticationForm
    enable_nav_sidebar = False
    final_catch_all_view = False

    def sites_of(self, request) -> list[models.Site]:
        """The sites the user administers (read once per request)."""
        if not hasattr(request, "_review_sites"):
            request._review_sites = list(selectors.sites_administered_by(request.user))
        return request._review_sites

    def site_of(self, request) -> models.Site:
        """The site the console shows: the one chosen in this session, else the first."""
        sites = self.sites_of(request)
        if not sites:
            raise Http404
        chosen = request.session.get(SESSION_KEY)
        return next((site for site in sites if site.number == chosen), sites[0])

    def has_permission(self, request):
        return request.user.is_active and bool(self.sites_of(request))

    def each_context(self, request):
        context = super().each_context(request)
        if self.has_permission(request):
            site = self.site_of(request)
            context |= {
                "review_site": site,
                "review_sites": self.sites_of(request),
                "site_header": f"Outreach review: {site.name} ({site.number})",
            }
        return context

    def get_urls(self):
        return [
            path("site/", self.admin_view(self.site_switch_view), name="site_switch"),
            path("workload/", self.admin_view(self.workload_view), name="workload"),
            *super().get_urls(),
        ]

    def site_switch_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        number = request.POST.get("site", "")
        if not any(str(site.number) == number for site in self.sites_of(request)):
            raise Http404
        request.session[SESSION_KEY] = int(number)
        return redirect(reverse(f"{self.name}:index"))

    def workload_view(self, request):
        """Per caller and per team: open, overdue, due within 7 days, completed in the last 30
        days; each figure links to the connection list so filtered."""
        site = self.site_of(request)
        workload = selectors.workload_for(site)
        changelist = reverse(f"{self.name}:outreach_connection_changelist")
        for key, param in (("callers", "caller__id__exact"), ("teams", "team__id__exact")):
            for row in workload[key]:
                row["links"] = [
                    (row[figure], f"{changelist}?{param}={row['pk']}&{query}", figure)
                    for figure, query in WORKLOAD_QUERIES
                ]
        context = {
            **self.each_context(request),
            "title": "Workload",
            "workload": workload,
            "headings": WORKLOAD_HEADINGS,
        }
        return TemplateResponse(request, "review/workload.html", context)


WORKLOAD_QUERIES = (
    ("open", "completed__exact=0"),
    ("overdue", "due=overdue"),
    ("soon", "due=soon"),
    ("done", "due=done"),
)
WORKLOAD_HEADINGS = (
    "Open",
    "Overdue",
    f"Due within {selectors.WORKLOAD_DUE_DAYS} days",
    f"Completed in the last {selectors.WORKLOAD_DONE_DAYS} days",
)

review_site = ReviewSite(name="review")


class ReviewModelAdmin(admin.ModelAdmin):
    """Read-only by default, and restricted to the current site: every queryset (the list,
    an object by its id, autocomplete, choices of filters and forms, actions) starts here."""

    def site(self, request) -> models.Site:
        return self.admin_site.site_of(request)

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(self.site(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Not found.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self._related(db_field, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self._related(db_field, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _related(self, db_field, request):
        manager = db_field.remote_field.model._default_manager
        if not hasattr(manager, "restrict"):
            return manager.none()
        return manager.restrict(self.site(request))

    def response_action(self, request, queryset):
        """An action names only rows of the list: an id outside it is a 404, not ignored."""
        if request.POST.get("select_across", "0") == "0":
            selected = set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
            try:
                found = queryset.filter(pk__in=[int(pk) for pk in selected]).count()
            except ValueError:
                raise Http404("Not found.") from None
            if found != len(selected):
                raise Http404("Not found.")
        return super().response_action(request, queryset)

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    """Pending unless asked otherwise: the queue."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", "All"), *ChangeRequestStatus.choices]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or ChangeRequestStatus.PENDING) == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or ChangeRequestStatus.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


class QueueAdmin(ReviewActionsMixin, ReviewModelAdmin):
    """Apply or reject, from the list (selected rows) or on a row's page."""

    list_filter = [StatusFilter]
    action_form = ChangeRequestReviewForm
    actions = ["apply_selected", "reject_selected"]
    list_per_page = 50

    def has_change_permission(self, request, obj=None):
        return obj is None

    def get_ordering(self, request):
        return ["submitted_at", "number"]

    def changelist_view(self, request, extra_context=None):
        title = f"{str(self.opts.verbose_name_plural).capitalize()} to review"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_changelist_instance(self, request):
        """The page's rows, then what their tables name, read once for the whole page."""
        changelist = super().get_changelist_instance(request)
        changelist.result_list = list(changelist.result_list)
        self.page_tables(request, changelist.result_list)
        return changelist

    def page_tables(self, request, rows) -> None:
        """Set what each row of the page shows that would cost a query per row."""

    @admin.display(description="Submitted by")
    def submitter(self, obj):
        who = obj.submitted_by.get_username() if obj.submitted_by else "-"
        return format_html("{}<br><small>{}</small>", who, us_datetime(obj.submitted_at))

    @admin.action(description="Apply selected")
    def apply_selected(self, request, queryset):
        self._apply(request, queryset)

    @admin.action(description="Reject selected (the message, if any, goes to the submitter)")
    def reject_selected(self, request, queryset):
        self._reject(request, queryset)


@admin.register(models.ChangeRequest, site=review_site)
class ChangeRequestReview(QueueAdmin):
    list_display = ["number", "kind", "submitter", "connection_shown", "change", "failure_reason"]
    list_display_links = ["number"]
    fields = [
        "number",
        "kind",
        "status",
        "connection_shown",
        "submitted_by",
        "submitted_at",
        "change",
        "reviewed_by",
        "reviewed_at",
        "review_message",
        "failure_reason",
    ]
    readonly_fields = fields
    change_list_template = "review/change_request_change_list.html"
    review_noun = "change request"
    apply_service = staticmethod(services.change_request_apply)
    reject_service = staticmethod(services.change_request_reject)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("submitted_by", "reviewed_by", "connection__connection_type")
            .select_related("connection__contact", "connection__caller", "connection__team")
            .prefetch_related(
                Prefetch(
                    "connection__responses", queryset=models.Response.objects.order_by("number")
                ),
                "history",
            )
        )

    def page_tables(self, request, rows) -> None:
        changes = {row.pk: self._change_of(row) for row in rows}
        names = _names(self.site(request).pk, changes.values())
        for row in rows:
            row.change_shown = change_table(changes[row.pk], names)

    def _change_of(self, obj) -> dict:
        if obj.status == ChangeRequestStatus.APPLIED:
            applied = next(iter(obj.history.all()), None)
            if applied is not None:
                return applied.changes
        return selectors.change_request_proposal(obj)

    @admin.display(description="Connection")
    def connection_shown(self, obj):
        connection = obj.connection
        if connection is None:
            return "New connection"
        url = reverse(f"{self.admin_site.name}:outreach_connection_change", args=[connection.pk])
        return format_html(
            '<a href="{}">{} {}</a><br><small>{} {}</small>',
            url,
            connection.number,
            connection.connection_type.description,
            connection.contact.first_name,
            connection.contact.last_name,
        )

    @admin.display(description="Field / Before / After")
    def change(self, obj):
        shown = getattr(obj, "change_shown", None)
        if shown is None:  # a row's own page
            change = self._change_of(obj)
            shown = change_table(change, _names(obj.site_id, [change]))
        return shown

    def get_urls(self):
        return [
            path(
                "apply-all/",
                self.admin_site.admin_view(self.apply_all_view),
                name="outreach_changerequest_apply_all",
            ),
            *super().get_urls(),
        ]

    def apply_all_view(self, request):
        """Every pending change request of the site, oldest first, each once; those that could
        not be applied are listed with their reason (their submitters are told)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        result = services.change_requests_apply_pending(
            site=self.site(request), reviewer=request.user
        )
        self.message_user(
            request, f"{len(result.applied)} change request(s) applied.", messages.SUCCESS
        )
        for number, reason in result.failed:
            self.message_user(
                request, f"Change request {number}: not applied: {reason}", messages.WARNING
            )
        return redirect(reverse(f"{self.admin_site.name}:outreach_changerequest_changelist"))


@admin.register(models.CommentChangeRequest, site=review_site)
class CommentChangeRequestReview(QueueAdmin):
    list_display = ["number", "submitter", "person", "change"]
    list_display_links = ["number"]
    fields = [
        "number",
        "status",
        "person",
        "submitted_by",
        "submitted_at",
        "change",
        "reviewed_by",
        "reviewed_at",
        "review_message",
    ]
    readonly_fields = fields
    review_noun = "comment change request"
    apply_service = staticmethod(services.comment_change_request_apply)
    reject_service = staticmethod(services.comment_change_request_reject)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("individual", "comment_type", "submitted_by", "reviewed_by")
        )

    @admin.display(description="Person")
    def person(self, obj):
        url = reverse(
            f"{self.admin_site.name}:outreach_individual_change", args=[obj.individual_id]
        )
        return format_html('<a href="{}">{}</a>', url, obj.individual)

    @admin.display(description="Field / Before / After")
    def change(self, obj):
        change = {
            "Comment type": [None, obj.comment_type.description],
            "Comment": [None, obj.text],
            "Family comment": [None, obj.family_comment],
        }
        return change_table(change, {})


class DueFilter(admin.SimpleListFilter):
    """Overdue, due soon or recently completed, as the workload counts them."""

    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Due within {selectors.WORKLOAD_DUE_DAYS} days"),
            ("done", f"Completed in the last {selectors.WORKLOAD_DONE_DAYS} days"),
        ]

    def queryset(self, request, queryset):
        conditions = selectors.workload_conditions(timezone.localdate())
        if self.value() in ("overdue", "soon", "done"):
            return queryset.filter(conditions[self.value()])
        return queryset


class ReassignForm(forms.Form):
    caller = forms.ModelChoiceField(queryset=models.Individual.objects.none(), required=False)
    team = forms.ModelChoiceField(queryset=models.Team.objects.none(), required=False)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller"].queryset = models.Individual.objects.restrict(site)
        self.fields["team"].queryset = models.Team.objects.restrict(site)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("caller") and not cleaned.get("team"):
            raise ValidationError("Choose a caller or a team.")
        return cleaned


CSV_COLUMNS = (
    "ConnectionId",
    "ConnectionType",
    "Contact",
    "ContactIndvId",
    "Caller",
    "CallerIndvId",
    "Team",
    "TeamId",
    "DueDate",
    "Completed",
    "CompletedDate",
)


@admin.register(models.Connection, site=review_site)
class ConnectionReview(ReviewModelAdmin):
    list_display = [
        "number",
        "connection_type",
        "contact",
        "caller",
        "team",
        "due_date",
        "completed",
        "completed_date",
    ]
    list_display_links = ["number"]
    list_filter = [
        ("connection_type", admin.RelatedOnlyFieldListFilter),
        ("caller", admin.RelatedOnlyFieldListFilter),
        ("team", admin.RelatedOnlyFieldListFilter),
        "completed",
        DueFilter,
        ("due_date", admin.DateFieldListFilter),
    ]
    search_fields = ["=number", "contact__first_name", "contact__last_name"]
    list_select_related = ["connection_type", "contact", "caller", "team"]
    list_per_page = 100
    actions = ["reassign_selected"]
    change_list_template = "review/connection_change_list.html"
    fields = [
        "number",
        "connection_type",
        "contact",
        "family_connection",
        "caller",
        "team",
        "due_date",
        "completed",
        "completed_date",
        "responses",
        "created",
        "version",
        "history_shown",
    ]
    readonly_fields = fields

    def get_ordering(self, request):
        return ["due_date", "number"]

    @admin.display(description="History")
    def history_shown(self, obj):
        return connection_history_html(obj)

    @admin.action(description="Reassign selected to a caller or a team")
    def reassign_selected(self, request, queryset):
        site = self.site(request)
        form = ReassignForm(request.POST if "reassign" in request.POST else None, site=site)
        if form.is_valid():
            try:
                changed = services.connections_reassign(
                    site=site,
                    connection_ids=list(queryset.values_list("pk", flat=True)),
                    caller=form.cleaned_data["caller"],
                    team=form.cleaned_data["team"],
                    reviewer=request.user,
                )
            except DomainError as error:
                self.message_user(request, error_text(error), messages.ERROR)
            else:
                self.message_user(
                    request, f"{len(changed)} connection(s) reassigned.", messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reassign connections",
            "opts": self.opts,
            "form": form,
            "connections": queryset.order_by("number"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "review/reassign.html", context)

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="outreach_connection_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The list's rows as CSV: the same filters and search (the query string of the list),
        every row, not one page."""
        changelist = self.get_changelist_instance(request)
        rows = changelist.queryset.select_related("connection_type", "contact", "caller", "team")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="connections.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for connection in rows.iterator(chunk_size=500):
            writer.writerow(
                [
                    connection.number,
                    connection.connection_type.description,
                    _name(connection.contact),
                    connection.contact.number,
                    _name(connection.caller),
                    connection.caller.number if connection.caller else "",
                    connection.team.name if connection.team else "",
                    connection.team.number if connection.team else "",
                    us_date(connection.due_date) if connection.due_date else "",
                    "Yes" if connection.completed else "No",
                    us_date(connection.completed_date) if connection.completed_date else "",
                ]
            )
        return response


def _name(individual) -> str:
    if individual is None:
        return ""
    return f"{individual.first_name} {individual.last_name}".strip()


@admin.register(models.Individual, site=review_site)
class IndividualReview(ReviewModelAdmin):
    list_display = ["number", "first_name", "last_name", "goes_by_name", "family", "member_status"]
    list_display_links = ["number", "first_name", "last_name"]
    list_select_related = ["family"]
    search_fields = ["search_text"]  # shows the search box; get_search_results searches
    search_help_text = "Each word part of a name, an email or a phone; or an IndvId."
    fields = [
        "number",
        "title",
        "first_name",
        "middle_name",
        "last_name",
        "goes_by_name",
        "suffix",
        "family",
        "family_position",
        "date_of_birth",
        "member_status",
    ]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        return individuals_matching(queryset, search_term), False


@admin.register(models.Family, site=review_site)
class FamilyReview(ReviewModelAdmin):
    list_display = ["number", "name"]
    list_display_links = ["number", "name"]
    search_fields = ["name", "=number"]
    fields = ["number", "name", "members_shown"]
    readonly_fields = fields

    @admin.display(description="Members")
    def members_shown(self, obj):
        members = obj.members.order_by("number")
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse(f"{self.admin_site.name}:outreach_individual_change", args=[m.pk]), m)
                for m in members
            ),
        )
