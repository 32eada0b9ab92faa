from django.contrib import admin

from notifications.models import MailDelivery, MailPreference


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "site", "frequency", "updated"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "site"]


@admin.register(MailDelivery)
class MailDeliveryAdmin(admin.ModelAdmin):
    """The record of what was (or waits to be) sent; read-only: a job writes it."""

    list_display = ["created", "kind", "recipient", "site", "frequency", "status", "sent_at"]
    list_filter = ["status", "kind", "frequency"]
    search_fields = ["recipient__username", "recipient__email"]
    list_select_related = ["recipient", "site"]
    readonly_fields = [field.name for field in MailDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
