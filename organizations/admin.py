from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from connect_api.errors import DomainError
from organizations import services
from organizations.models import (
    AccountManager,
    Invitation,
    Organization,
    OrganizationMembership,
    Permission,
    Person,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["first_name", "last_name", "email", "phone", "job_title"]
    search_fields = ["first_name", "last_name", "email", "phone", "uuid"]
    readonly_fields = ["uuid"]


@admin.register(AccountManager)
class AccountManagerAdmin(admin.ModelAdmin):
    list_display = ["person", "user", "uuid"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "user__username"]
    list_select_related = ["person", "user"]
    autocomplete_fields = ["person", "user"]
    readonly_fields = ["uuid"]


@admin.register(Permission)
class PermissionAdmin(admin.ModelAdmin):
    """The platform's permission catalog (seeded by migration); members hold some of it."""

    list_display = ["name", "display_name", "visibility", "grouping", "uuid"]
    list_filter = ["visibility", "grouping"]
    search_fields = ["name", "display_name", "uuid"]
    readonly_fields = ["uuid"]


class MembershipInline(admin.StackedInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "uuid", "permissions", "created_date"]
    readonly_fields = ["uuid", "created_date"]
    filter_horizontal = ["permissions"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "org_type",
        "status",
        "account_manager",
        "number_of_skus",
        "fulfillment_percentage",
        "discoverable_since",
        "created_date",
    ]
    list_filter = ["org_type", "status", "discoverable_since"]
    search_fields = ["name", "website", "uuid", "memberships__user__username"]
    list_select_related = ["account_manager__person"]
    autocomplete_fields = ["account_manager", "contact"]
    readonly_fields = ["uuid"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_formset(self, request, form, formset, change):
        """A member removed here leaves through the service (their tokens end with it)."""
        if formset.model is not OrganizationMembership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_remove(membership=membership)
        for membership in instances:
            membership.save()
        formset.save_m2m()


class InvitationForm(forms.ModelForm):
    """Staff invite a colleague into any organization: the same service as the API's invite
    (an inactive user, their membership, a mail with a one-time link sent by the worker)."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    permissions = forms.ModelMultipleChoiceField(
        queryset=Permission.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("permissions", False),
    )

    class Meta:
        model = Invitation
        fields = ["organization", "email"]

    request = None  # set by InvitationAdmin.get_form: who invites

    def clean(self):
        """The invitation is made here, so the service's refusals (an address with an
        account, a permission of the other kind) show as the form's errors; the admin's
        add view runs in one transaction, and the mail leaves once it commits."""
        data = super().clean()
        if self.errors:
            return data
        try:
            self.invitation = services.invitation_create(
                organization=data["organization"],
                email=data["email"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                permission_uuids=[p.uuid for p in data.get("permissions") or []],
                invited_by=self.request.user if self.request else None,
            )
        except DomainError as refused:
            fields = {"email": "email", "permission_uuids": "permissions"}
            raise ValidationError(
                {
                    fields.get(name.split(".")[0]): messages
                    for name, messages in refused.errors.items()
                }
                or refused.message
            ) from None
        return data


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "created", "expires", "accepted", "revoked"]
    list_filter = ["accepted", "revoked"]
    search_fields = ["email", "organization__name", "uuid"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["uuid", "membership", "invited_by", "created", "issued", "expires",
                       "accepted", "revoked"]  # fmt: skip
    exclude = ["token_digest"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationForm
            form = super().get_form(request, obj, **kwargs)
            return type(form.__name__, (form,), {"request": request})
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "email", "first_name", "last_name", "permissions"]
        return ["uuid", "organization", "email", "membership", "invited_by", "created",
                "issued", "expires", "accepted", "revoked"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "organization", "email"]

    def save_model(self, request, obj, form, change):
        """The form made the invitation (InvitationForm.clean): show it."""
        if not change:
            obj.pk, obj.uuid = form.invitation.pk, form.invitation.uuid

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)
