"""Requests approved before grants existed: their counterparts keep reading the files
attached to them, now through an UploadGrant each."""

from django.db import migrations


def grant_counterparts(apps, schema_editor):
    ConnectionRequest = apps.get_model("connections", "ConnectionRequest")
    UploadGrant = apps.get_model("uploads", "UploadGrant")
    db = schema_editor.connection.alias
    links = ConnectionRequest.uploaded_files.through.objects.using(db).filter(
        connectionrequest__status="APPROVED", connectionrequest__counterpart__isnull=False
    )
    grants = [
        UploadGrant(upload_id=upload_id, organization_id=organization_id)
        for upload_id, organization_id in links.values_list(
            "upload_id", "connectionrequest__counterpart_id"
        ).distinct()
    ]
    UploadGrant.objects.using(db).bulk_create(grants, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0003_organizations_moved"),
        ("uploads", "0003_uploadgrant"),
    ]

    operations = [migrations.RunPython(grant_counterparts, migrations.RunPython.noop)]
