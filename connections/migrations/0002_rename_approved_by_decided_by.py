from django.db import migrations


class Migration(migrations.Migration):
    """It records who decided, approval or rejection; the API still calls it approved_by."""

    dependencies = [("connections", "0001_initial")]

    operations = [
        migrations.RenameField(
            model_name="connectionrequest", old_name="approved_by", new_name="decided_by"
        ),
    ]
