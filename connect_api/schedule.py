"""Each periodic job once per schedule, however many job workers run a scheduler.

Huey's consumer (`manage.py run_huey`) enqueues the periodic jobs due each minute from its own
scheduler, so N workers on one queue would enqueue and run every job N times. Two parts:

- `SchedulerIdsMixin` (mixed into the queue's Huey class, connect_api.queue) gives a periodic
  job enqueued by the scheduler an id made of its name and the scheduled minute
  (`periodic:<task>:<YYYYMMDDTHHMM>`): every scheduler enqueues the same id for the same slot.
- `claim_scheduled_run` (Huey's pre-execute hook, registered in connect_api.tasks) inserts one
  ScheduledRun row per (task, slot) before the job runs; the copy that finds the row already
  there is cancelled. The row is committed before the job starts, so a job that fails is not
  re-run by another worker's copy (it runs again at its next slot, as with one worker).

Run the scheduler in one worker (`run_huey`) and the others without it (`run_huey
--no-periodic`): the claim makes a second scheduler harmless, not useful. The slot is the
scheduler's clock minute: keep the workers' clocks in sync (NTP).
"""

import logging
import os
import socket

from django.db import IntegrityError, transaction
from huey.exceptions import CancelExecution

logger = logging.getLogger("connect_api.schedule")

PREFIX = "periodic:"


class SchedulerIdsMixin:
    """A Huey whose scheduler names each periodic job it enqueues by task and minute."""

    def read_periodic(self, timestamp):
        if timestamp is None:
            timestamp = self._get_timestamp()
        tasks = super().read_periodic(timestamp)
        slot = timestamp.strftime("%Y%m%dT%H%M")
        for task in tasks:
            task.id = f"{PREFIX}{task.name}:{slot}"
            task.revoke_id = f"r:{task.id}"
        return tasks


def scheduled_slot(task_id: str) -> tuple[str, str] | None:
    """(task name, slot) of a job the scheduler enqueued, else None."""
    if not task_id.startswith(PREFIX):
        return None
    name, _, slot = task_id.removeprefix(PREFIX).rpartition(":")
    return (name, slot) if name and slot else None


def claim_scheduled_run(task) -> None:
    """Huey pre-execute hook: cancel this copy of a scheduled job if another one has run."""
    from connect_api.models import ScheduledRun

    scheduled = scheduled_slot(task.id)
    if scheduled is None:
        return
    name, slot = scheduled
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(
                task=name, slot=slot, worker=f"{socket.gethostname()}:{os.getpid()}"
            )
    except IntegrityError:
        logger.info(
            "%s for %s already run by another worker; skipped",
            name,
            slot,
            extra={"job": name, "slot": slot},
        )
        raise CancelExecution() from None
