"""Upload.organization now names `organizations.Organization` (same table), and the link to
connection requests is declared by `connections` (same table). State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0001_initial"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="upload",
                    name="organization",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="uploads", to="organizations.organization"),
                ),
                migrations.RemoveField(model_name="upload", name="connection_requests"),
            ],
        ),
    ]
