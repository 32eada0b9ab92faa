from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from uploads import services
from uploads.downloads import download_response
from uploads.models import Upload, UploadCheck, UploadGrant


class UploadGrantInline(admin.TabularInline):
    """Who else may read the file (written when a request it is attached to is approved)."""

    model = UploadGrant
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "created"]
    readonly_fields = ["created"]


def upload_download_link(upload: Upload) -> str:
    """A link to the admin's download view of `upload` (never its storage URL: under production
    settings `/media/...` is not served, and it would skip the access check)."""
    url = reverse("admin:uploads_upload_download", args=[upload.pk])
    return format_html(
        '<a href="{}" class="upload-download" download>{}</a> ({} bytes, {})',
        url,
        upload.name,
        upload.size,
        upload.content_type,
    )


def upload_check_html(check: dict | None) -> str:
    """A check (uploads.selectors.upload_check_data) for a reviewer: status, spec, counts and
    the first errors."""
    if check is None:
        return format_html(" <span class='upload-check'>not checked</span>")
    errors = format_html_join(
        "",
        "<li>row {}, {}: {}</li>",
        ((e["row"] or "-", e["field"] or "-", e["message"]) for e in check["errors"][:20]),
    )
    return format_html(
        " <div class='upload-check upload-check-{}'>Check: <strong>{}</strong>{}{}{}"
        "<ul class='upload-check-errors'>{}</ul></div>",
        check["status"],
        check["status"],
        format_html(" against {}", check["spec"]) if check["spec"] else "",
        format_html(", {} rows, {} errors", check["rows_checked"], check["error_count"])
        if check["rows_checked"] is not None
        else "",
        format_html(" ({})", check["reason"]) if check["reason"] else "",
        errors,
    )


class UploadCheckInline(admin.TabularInline):
    """The file's checks against the specs requests it is attached to imply (run by the job
    queue when it is attached)."""

    model = UploadCheck
    extra = 0
    can_delete = False
    fields = ["specs", "status", "spec", "rows_checked", "error_count", "reason", "finished"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Uploads are made through the API (which checks their bytes); here they are looked up,
    downloaded, renamed or deleted (with their stored bytes)."""

    list_display = ["name", "organization", "content_type", "size", "sha256", "created"]
    list_filter = ["content_type", "organization"]
    search_fields = ["name", "sha256", "uuid"]
    list_select_related = ["organization"]
    readonly_fields = [
        "uuid",
        "organization",
        "uploaded_by",
        "download",
        "size",
        "sha256",
        "content_type",
        "created",
    ]
    exclude = ["file"]
    inlines = [UploadGrantInline, UploadCheckInline]
    date_hierarchy = "created"

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", download, name="uploads_upload_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        """The bytes, for staff who may view uploads (staff read every organization's files)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return download_response(get_object_or_404(self.get_queryset(request), pk=pk))

    @admin.display(description="File")
    def download(self, obj):
        return upload_download_link(obj)

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.upload_delete(upload=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for upload in queryset:
            services.upload_delete(upload=upload)
