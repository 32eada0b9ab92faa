"""Decisions as permissions of their own, so a group can hold them without the change permission."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('connections', '0009_backfill_review_history'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='connection',
            options={'ordering': ['-created_date', '-id'], 'permissions': [('deactivate_connection', 'Can deactivate connection')]},
        ),
        migrations.AlterModelOptions(
            name='connectionrequest',
            options={'ordering': ['-request_date', '-id'], 'permissions': [('approve_connectionrequest', 'Can approve connection request'), ('reject_connectionrequest', 'Can reject connection request'), ('request_changes_connectionrequest', 'Can ask for changes to connection request')]},
        ),
    ]
