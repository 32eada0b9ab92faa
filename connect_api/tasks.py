"""Periodic jobs (Huey; `manage.py run_huey` runs them, tests run them immediately)."""

import logging
from pathlib import Path

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup, pre_execute

from connect_api import events, maintenance  # noqa: F401  (events: its jobs register with the worker)
from connect_api.schedule import claim_scheduled_run

logger = logging.getLogger("connect_api.tasks")


def _report(job: str, deleted: int) -> int:
    logger.info("%s removed %d rows", job, deleted, extra={"job": job, "deleted": deleted})
    return deleted


@db_periodic_task(crontab(minute="*/15"))
def purge_expired_tokens() -> int:
    return _report("purge_expired_tokens", maintenance.tokens_purge_expired())


@db_periodic_task(crontab(minute="5", hour="*"))
def purge_expired_sessions() -> int:
    return _report("purge_expired_sessions", maintenance.sessions_purge_expired())


@db_periodic_task(crontab(minute="*/15"))
def purge_expired_lockouts() -> int:
    return _report("purge_expired_lockouts", maintenance.lockouts_purge_expired())


@db_periodic_task(crontab(minute="*/10"))
def purge_expired_cache_rows() -> int:
    return _report("purge_expired_cache_rows", maintenance.cache_purge_expired())


@db_periodic_task(crontab(minute="20", hour="*"))
def purge_expired_idempotency_keys() -> int:
    return _report("purge_expired_idempotency_keys", maintenance.idempotency_keys_purge_expired())


@db_periodic_task(crontab(minute="40", hour="3"))
def purge_old_scheduled_runs() -> int:
    return _report("purge_old_scheduled_runs", maintenance.scheduled_runs_purge_old())


# Each scheduled job once per schedule, whatever the number of workers (connect_api.schedule).
pre_execute()(claim_scheduled_run)


@on_startup()
def touch_heartbeat() -> None:
    """Touch QUEUE_HEARTBEAT_FILE (if set) at start; then the consumer touches it while it is
    healthy (connect_api.queue.HeartbeatConsumer). The worker's health check reads its age."""
    if settings.QUEUE_HEARTBEAT_FILE:
        Path(settings.QUEUE_HEARTBEAT_FILE).touch()
