"""The tenant models now live in `organizations` (same tables, see its 0001); the links to
them and the upload link (declared here now, on ConnectionRequest) move with them. State
only: no table or row changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0002_rename_approved_by_decided_by"),
        ("organizations", "0001_initial"),
        ("uploads", "0002_organizations_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="connectionrequest",
                    name="requester",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="connection_requests", to="organizations.organization"),
                ),
                migrations.AlterField(
                    model_name="connectionrequest",
                    name="counterpart",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="incoming_connection_requests", to="organizations.organization"),
                ),
                migrations.AlterField(
                    model_name="connectionrequest",
                    name="decided_by",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="decided_requests", to="organizations.accountmanager"),
                ),
                migrations.AlterField(
                    model_name="connection",
                    name="retailer",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="retailer_connections", to="organizations.organization"),
                ),
                migrations.AlterField(
                    model_name="connection",
                    name="supplier",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="supplier_connections", to="organizations.organization"),
                ),
                migrations.AlterField(
                    model_name="connection",
                    name="account_manager",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="connections", to="organizations.accountmanager"),
                ),
                migrations.AddField(
                    model_name="connectionrequest",
                    name="uploaded_files",
                    field=models.ManyToManyField(blank=True, db_table="uploads_upload_connection_requests", related_name="connection_requests", to="uploads.upload"),
                ),
                migrations.DeleteModel(name="OrganizationMembership"),
                migrations.DeleteModel(name="Organization"),
                migrations.DeleteModel(name="AccountManager"),
                migrations.DeleteModel(name="Person"),
            ],
        ),
    ]
