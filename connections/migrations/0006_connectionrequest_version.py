import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def updated_at_from_history(apps, schema_editor):
    """Existing requests were last changed when decided, or else when made."""
    ConnectionRequest = apps.get_model("connections", "ConnectionRequest")
    ConnectionRequest.objects.update(updated_at=Coalesce("decided_at", "request_date"))


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0005_list_and_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="connectionrequest",
            name="updated_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, help_text="The last change."
            ),
        ),
        migrations.AddField(
            model_name="connectionrequest",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Bumped by every change (its ETag; If-Match is checked against it).",
            ),
        ),
        migrations.RunPython(updated_at_from_history, migrations.RunPython.noop),
    ]
