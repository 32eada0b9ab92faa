from django.contrib import admin

from connect_api.models import IdempotencyKey, Job


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


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Answers kept for Idempotency-Key retries (read-only; deleting one lets a retry run again)."""

    list_display = ["key", "user", "status_code", "created"]
    list_filter = ["status_code"]
    search_fields = ["key", "user__username"]
    readonly_fields = ["user", "key", "fingerprint", "created", "status_code", "content_type"]
    exclude = ["content", "headers"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
