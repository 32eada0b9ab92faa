"""Periodic jobs (Huey; `manage.py run_huey` runs them, tests run them immediately)."""

import logging
from pathlib import Path

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup, periodic_task

from connect_api import events, maintenance  # noqa: F401  (events: its jobs register with the worker)

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


@on_startup()
def touch_heartbeat() -> None:
    """Touch QUEUE_HEARTBEAT_FILE (if set): the worker's health check reads its age."""
    if settings.QUEUE_HEARTBEAT_FILE:
        Path(settings.QUEUE_HEARTBEAT_FILE).touch()


@periodic_task(crontab())
def heartbeat() -> None:
    touch_heartbeat()
