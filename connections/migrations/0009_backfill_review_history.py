"""Each request decided (or withdrawn) before the history existed gets its one line, from
what the request itself recorded: the decision, who made it, when, and a rejection's reason."""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    ConnectionRequest = apps.get_model("connections", "ConnectionRequest")
    ReviewEntry = apps.get_model("connections", "ReviewEntry")
    decided = (
        ConnectionRequest.objects.filter(
            status__in=["APPROVED", "REJECTED", "WITHDRAWN"], decided_at__isnull=False
        )
        .exclude(history__isnull=False)
        .select_related("decided_by")
        .order_by("pk")
    )
    batch = []
    for row in decided.iterator(chunk_size=BATCH):
        manager = row.decided_by if row.status != "WITHDRAWN" else None
        batch.append(
            ReviewEntry(
                request_id=row.pk,
                action=row.status,
                account_manager=manager,
                user_id=manager.user_id if manager else None,
                message=row.rejection_reason if row.status == "REJECTED" else "",
                created_at=row.decided_at,
            )
        )
        if len(batch) >= BATCH:
            ReviewEntry.objects.bulk_create(batch)
            batch = []
    ReviewEntry.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("connections", "0008_integration_time_zone_and_review_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
