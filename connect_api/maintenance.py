"""Clean-up the periodic jobs run (connect_api/tasks.py), and the per-user token cap.

Each function is one bounded DELETE (or a few) and returns how many rows it removed.
"""

import time

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone
from knox.models import AuthToken

from connect_api.models import IdempotencyKey, ScheduledRun, ThrottleCounter


def tokens_purge_expired() -> int:
    """Delete knox tokens past their expiry (knox itself only drops one it happens to read)."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def tokens_cap(*, user, keep: int) -> int:
    """Keep the user's `keep` newest tokens, delete the rest (called in the login transaction).

    The user row is locked so two concurrent logins cannot both keep `keep` tokens of their own.
    """
    type(user).objects.select_for_update().filter(pk=user.pk).exists()
    surplus = list(
        AuthToken.objects.filter(user=user)
        .order_by("-created", "-pk")
        .values_list("pk", flat=True)[keep:]
    )
    if not surplus:
        return 0
    deleted, _ = AuthToken.objects.filter(pk__in=surplus).delete()
    return deleted


def sessions_purge_expired() -> int:
    """What `manage.py clearsessions` does for the database backend, with a count."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def lockouts_purge_expired() -> int:
    """Failed-login counters older than the cool-off (they lock nobody any more), and login
    history older than ACCESS_LOG_RETENTION."""
    now = timezone.now()
    attempts, _ = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    history_before = now - settings.ACCESS_LOG_RETENTION
    logs, _ = AccessLog.objects.filter(attempt_time__lt=history_before).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=history_before).delete()
    return attempts + logs + failures


def cache_purge_expired() -> int:
    """Expired rows of every database cache (Django culls them only past MAX_ENTRIES) and the
    throttle counters of ended windows."""
    deleted, _ = ThrottleCounter.objects.filter(window_end__lt=int(time.time())).delete()
    for alias in settings.CACHES:
        cache = caches[alias]
        if not isinstance(cache, DatabaseCache):
            continue
        db = router.db_for_write(cache.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(cache._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE expires < %s",
                [connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))],
            )
            deleted += cursor.rowcount
    return deleted


def idempotency_keys_purge_expired() -> int:
    """Stored Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL (24 h)."""
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyKey.objects.filter(created__lt=cutoff).delete()
    return deleted


def scheduled_runs_purge_old() -> int:
    """Delete the once-per-schedule claims older than SCHEDULED_RUN_RETENTION (a slot's copies
    all run within minutes; the rows left are a short history of which worker ran what)."""
    cutoff = timezone.now() - settings.SCHEDULED_RUN_RETENTION
    deleted, _ = ScheduledRun.objects.filter(claimed__lt=cutoff).delete()
    return deleted
