from django.contrib import admin
from django.db import models

from organizations.models import AccountManager, Organization, OrganizationMembership, Person


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


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "created_date"]
    readonly_fields = ["created_date"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "status", "account_manager", "created_date", "active_date"]
    list_filter = ["org_type", "status"]
    search_fields = ["name", "website", "uuid", "memberships__user__username"]
    list_select_related = ["account_manager__person"]
    autocomplete_fields = ["account_manager", "contact"]
    readonly_fields = ["uuid"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
