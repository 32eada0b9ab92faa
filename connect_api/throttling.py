"""Rate limits as fixed-window counters every worker and instance shares, in one round trip.

DRF's stock throttles keep each client's request history (a list of timestamps) in the cache:
on the database cache that is about six queries per request (a read, a `COUNT(*)` of the cache
table for culling, then a transaction with a read and a write). Here a client's window is one
counter, bumped and read back in a single statement:

- the embedded default (`CACHE_URL` is the database cache): one
  `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on `connect_api_throttlecounter`
  (PostgreSQL, SQLite >= 3.35), so one query per throttled request (on PostgreSQL committed
  without waiting for the WAL flush: ~0.2 ms less per request);
- Redis (`CACHE_URL=redis://...`): `INCR` + `EXPIRE` in one pipeline, no database query;
- any other cache backend (locmem, memcached): the cache's atomic `add` + `incr`.

Windows are aligned to the clock (a `60/min` window is each UTC minute); a refused request
answers 429 with `Retry-After` = the seconds until the window ends.
"""

import math
import time

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from rest_framework import throttling


def _database_hit(key: str, window_end: int) -> int:
    from connect_api.models import ThrottleCounter  # this module is imported before the apps

    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    values = "VALUES (%s, %s, 1)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A counter is not worth a WAL flush: this statement's own transaction commits
        # without waiting for the disk (a crash may forget the last increments, never more).
        # Inside a caller's transaction the setting would reach its writes, so not there.
        values = "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cache_key, window_end, hits) {values} "
            "ON CONFLICT (cache_key) DO UPDATE SET "
            f"hits = CASE WHEN {table}.window_end = excluded.window_end "
            f"THEN {table}.hits + 1 ELSE 1 END, "
            "window_end = excluded.window_end "
            "RETURNING hits",
            [key, window_end],
        )
        return cursor.fetchone()[0]


def _redis_hit(cache: RedisCache, key: str, window_end: int, duration: int) -> int:
    full_key = cache.make_and_validate_key(f"{key}:{window_end}")
    client = cache._cache.get_client(full_key, write=True)
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(full_key)
    pipeline.expire(full_key, duration + 1)
    hits, _ = pipeline.execute()
    return int(hits)


def _cache_hit(cache, key: str, window_end: int, duration: int) -> int:
    full_key = f"{key}:{window_end}"
    cache.add(full_key, 0, timeout=duration + 1)
    try:
        return cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=duration + 1)
        return 1


def counter_hit(key: str, *, duration: int, now: float) -> tuple[int, int]:
    """Count one request against `key`'s current window of `duration` seconds.

    Returns (requests so far in this window, the window's end as epoch seconds).
    """
    window_end = (int(now) // duration + 1) * duration
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        return _database_hit(key, window_end), window_end
    if isinstance(cache, RedisCache):
        return _redis_hit(cache, key, window_end, duration), window_end
    return _cache_hit(cache, key, window_end, duration), window_end


class FixedWindowThrottleMixin:
    """DRF's SimpleRateThrottle (rates, scopes, cache keys) counted by `counter_hit`."""

    timer = time.time

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        hits, self.window_end = counter_hit(self.key, duration=self.duration, now=self.now)
        return hits <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_end - self.now))


class FixedWindowUserRateThrottle(FixedWindowThrottleMixin, throttling.UserRateThrottle):
    pass
