"""Domain events: an outbox row written in the business transaction, fanned out by a job.

A service that changes something people or integrators must hear about calls, inside its
own transaction,

    event_publish(name=EventName.REQUEST_APPROVED, data={...}, refs={...})

`data` is the public payload (what a webhook receives: public ids only); `refs` holds the
internal keys subscribers need to find their audience (organization, site, user pks), never
sent anywhere. The row commits or rolls back with the change it reports (no event for a write
that did not happen, no write without its event). Once the transaction commits, the job
`event_dispatch` hands the event to every subscriber registered with `event_subscribe` (mail,
webhooks: each app registers its own in `AppConfig.ready`). Subscribers must be idempotent per
event (key their own rows on `event.uuid`): a dispatch can run twice (a retried job, the
periodic sweep re-dispatching an event whose job was lost).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from connect_api.models import Event
from connect_api.prepared import PreparedCreate
from connect_api.queue import enqueue_or_defer

logger = logging.getLogger("connect_api.events")


class EventName(TextChoices):
    """Every event the server publishes: the webhook catalogue too."""

    REQUEST_CREATED = "connection_request.created", "Connection request created"
    REQUEST_APPROVED = "connection_request.approved", "Connection request approved"
    REQUEST_REJECTED = "connection_request.rejected", "Connection request rejected"
    REQUEST_CHANGES_REQUESTED = (
        "connection_request.changes_requested",
        "Changes requested of a connection request",
    )
    CONNECTION_CONFIRMED = "connection.confirmed", "Connection confirmed"
    CONNECTION_DEACTIVATED = "connection.deactivated", "Connection deactivated"
    CHANGE_REQUEST_SUBMITTED = "change_request.submitted", "Change request submitted"
    CHANGE_REQUEST_APPLIED = "change_request.applied", "Change request applied"
    CHANGE_REQUEST_REJECTED = "change_request.rejected", "Change request rejected"
    CHANGE_REQUEST_STALE = "change_request.stale", "Change request could not be applied"
    OUTREACH_CONNECTION_DUE = "outreach_connection.due", "Outreach connection due"
    UPLOAD_CHECKED = "upload.checked", "Uploaded file checked against its spec"


# The outbox row's `create()`, its INSERT compiled once (connect_api.prepared).
_new_event = PreparedCreate(Event)

_EVENT_NAMES = frozenset(EventName.values)

Subscriber = Callable[[Event], None]
_subscribers: dict[str, Subscriber] = {}


def event_subscribe(name: str, subscriber: Subscriber) -> None:
    """Register `subscriber(event)` under a unique name (re-registering replaces it)."""
    _subscribers[name] = subscriber


def event_publish(*, name: str, data: dict, refs: dict | None = None) -> Event:
    """Record the event in the caller's transaction; dispatch it once that commits."""
    if name not in _EVENT_NAMES:
        raise ValueError(f"Unknown event {name!r}: add it to EventName.")
    event = _new_event(name=name, data=data, refs=refs or {})
    transaction.on_commit(
        lambda: enqueue_or_defer(
            event_dispatch, event.pk, deferred="events wait for events_sweep once it is back"
        )
    )
    return event


def event_deliver(event: Event) -> None:
    """Hand one event to every subscriber; one failing subscriber does not stop the others."""
    failed = []
    for subscriber_name, subscriber in list(_subscribers.items()):
        try:
            subscriber(event)
        except Exception:
            logger.exception(
                "event subscriber %s failed on %s",
                subscriber_name,
                event.name,
                extra={"event": str(event.uuid), "subscriber": subscriber_name},
            )
            failed.append(subscriber_name)
    if failed:
        raise RuntimeError(f"subscribers failed: {', '.join(failed)}")
    Event.objects.filter(pk=event.pk, dispatched__isnull=True).update(dispatched=timezone.now())


@db_task(retries=5, retry_delay=30)
def event_dispatch(event_pk: int) -> None:
    event = Event.objects.filter(pk=event_pk).first()
    if event is not None:
        event_deliver(event)


SWEEP_AFTER = timedelta(minutes=10)


@db_periodic_task(crontab(minute="*/10"))
def events_sweep() -> int:
    """Re-dispatch events committed over SWEEP_AFTER ago and still not dispatched (the worker
    was down when they committed, or their job's retries ran out)."""
    stale = Event.objects.filter(
        dispatched__isnull=True, created__lt=timezone.now() - SWEEP_AFTER
    ).values_list("pk", flat=True)[:500]
    for pk in stale:
        event_dispatch(pk)
    return len(stale)
