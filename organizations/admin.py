from django.contrib import admin
from django.db import models

from organizations.models import (
    AccountManager,
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
