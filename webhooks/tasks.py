"""Webhook jobs: each attempt runs in the worker (never in a request); a failed one schedules
the next with Huey's eta; a periodic sweep re-enqueues due attempts whose job was lost."""

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from webhooks import selectors, services

SWEEP_GRACE = timedelta(minutes=1)
"""A due attempt is the sweep's only once it is this late (its own job normally runs it)."""


@db_task()
def webhook_deliver(delivery_pk: int) -> None:
    next_attempt_at = services.delivery_attempt(delivery_pk=delivery_pk)
    if next_attempt_at is not None:
        webhook_deliver.schedule(args=(delivery_pk,), eta=next_attempt_at)


@db_periodic_task(crontab(minute="*"))
def webhooks_sweep() -> int:
    """Enqueue every attempt overdue by SWEEP_GRACE (a worker restart lost its scheduled job).
    A delivery whose attempt another job already claimed is not due, so it is not sent twice."""
    due = list(
        selectors.deliveries_due(timezone.now() - SWEEP_GRACE).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        webhook_deliver(pk)
    return len(due)


@db_task(retries=3, retry_delay=60)
def webhook_endpoint_disabled_notify(endpoint_pk: int) -> None:
    services.endpoint_owner_notify(endpoint_pk=endpoint_pk)
