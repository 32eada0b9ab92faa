from django.contrib import admin
from django.db import transaction

from uploads import services
from uploads.models import Upload, UploadGrant


class UploadGrantInline(admin.TabularInline):
    """Who else may read the file (written when a request it is attached to is approved)."""

    model = UploadGrant
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "created"]
    readonly_fields = ["created"]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Uploads are made through the API (which checks their bytes); here they are looked up,
    renamed or deleted (with their stored bytes)."""

    list_display = ["name", "organization", "content_type", "size", "sha256", "created"]
    list_filter = ["content_type", "organization"]
    search_fields = ["name", "sha256", "uuid"]
    list_select_related = ["organization"]
    readonly_fields = [
        "uuid",
        "organization",
        "uploaded_by",
        "file",
        "size",
        "sha256",
        "content_type",
        "created",
    ]
    inlines = [UploadGrantInline]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.upload_delete(upload=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for upload in queryset:
            services.upload_delete(upload=upload)
