from django.contrib import admin

from connect_api.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs clients started (read-only: the worker writes them)."""

    list_display = ["uuid", "name", "status", "user", "created", "finished"]
    list_filter = ["status", "name"]
    search_fields = ["uuid", "name", "user__username"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
