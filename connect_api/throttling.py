"""Rate limits as fixed-window counters every worker and instance shares, in one round trip.

DRF's stock throttles keep each client's request history (a list of timestamps) in the cache:
on the database cache that is about six queries per request (a read, a `COUNT(*)` of the cache
table for culling, then a transaction with a read and a write). Here a client's window is one
counter, bumped and read back in a single statement, and at most once per request:

- the embedded default (`CACHE_URL` is the database cache): one
  `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on `connect_api_throttlecounter`
  (PostgreSQL, SQLite >= 3.35), on PostgreSQL committed without waiting for the WAL flush
  (~0.2 ms less per statement);
- Redis (`CACHE_URL=redis://...`): `INCRBY` + `EXPIRE` in one pipeline, no database query;
  while Redis is down, each process counts in its own memory (connect_api.cache);
- any other cache backend (locmem, memcached): the cache's atomic `add` + `incr`.

Windows are aligned to the clock (a `60/min` window is each UTC minute); a refused request
answers 429 with `Retry-After` = the seconds until the window ends.

Leases: a worker takes its hits from the shared counter in blocks of 1% of the limit (12 of the
default `1200/min`; a limit under 200 is counted request by request), and
spends the block in memory. So the counter costs one round trip per block rather than per
request (benchmarks/speed.py: that round trip was the largest part of the API's fixed cost
over a plain Django view). The counter stays the one shared truth: a block is granted only out
of what is left under the limit, so no client is ever admitted past its limit, whatever the
number of workers and instances; the price is that a client can be refused early by what other
workers leased and did not spend (at most one block, 1% of the limit, per worker).
"""

import functools
import math
import threading
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from rest_framework import throttling

from connect_api.cache import RedisCacheWithFallback


def _database_hit(key: str, window_end: int, amount: int) -> int:
    from connect_api.models import ThrottleCounter  # this module is imported before the apps

    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    values = "VALUES (%s, %s, %s)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A counter is not worth a WAL flush: this statement's own transaction commits
        # without waiting for the disk (a crash may forget the last increments, never more).
        # Inside a caller's transaction the setting would reach its writes, so not there.
        values = "SELECT %s, %s, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cache_key, window_end, hits) {values} "
            "ON CONFLICT (cache_key) DO UPDATE SET "
            f"hits = CASE WHEN {table}.window_end = excluded.window_end "
            f"THEN {table}.hits + excluded.hits ELSE excluded.hits END, "
            "window_end = excluded.window_end "
            "RETURNING hits",
            [key, window_end, amount],
        )
        return cursor.fetchone()[0]


def _redis_hit(cache: RedisCache, key: str, window_end: int, duration: int, amount: int) -> int:
    full_key = cache.make_and_validate_key(f"{key}:{window_end}")
    client = cache._cache.get_client(full_key, write=True)
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(full_key, amount)
    pipeline.expire(full_key, duration + 1)
    hits, _ = pipeline.execute()
    return int(hits)


def _cache_hit(cache, key: str, window_end: int, duration: int, amount: int) -> int:
    full_key = f"{key}:{window_end}"
    cache.add(full_key, 0, timeout=duration + 1)
    try:
        return cache.incr(full_key, amount)
    except ValueError:  # expired between add and incr
        cache.add(full_key, amount, timeout=duration + 1)
        return amount


def _window_end(now: float, duration: int) -> int:
    """The end (epoch seconds) of the clock-aligned window of `duration` holding `now`."""
    return (int(now) // duration + 1) * duration


def counter_hit(key: str, *, duration: int, now: float, amount: int = 1) -> tuple[int, int]:
    """Count `amount` requests against `key`'s current window of `duration` seconds.

    Returns (requests so far in this window, the window's end as epoch seconds).
    """
    window_end = _window_end(now, duration)
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        return _database_hit(key, window_end, amount), window_end
    if isinstance(cache, RedisCacheWithFallback):
        hits = cache.either(
            lambda: _redis_hit(cache, key, window_end, duration, amount),
            lambda: _cache_hit(cache.local, key, window_end, duration, amount),
        )
        return hits, window_end
    if isinstance(cache, RedisCache):
        return _redis_hit(cache, key, window_end, duration, amount), window_end
    return _cache_hit(cache, key, window_end, duration, amount), window_end


LEASE_SHARE = 100  # a block is 1/LEASE_SHARE of the limit (at least 1)


@dataclass
class _Lease:
    window_end: int
    left: int


class Leases:
    """This process's unspent blocks, by (counter key, limit, window length)."""

    MAX_KEYS = 10_000  # past this, leases of ended windows are dropped

    def __init__(self):
        self._leases: dict[tuple[str, int, int], _Lease] = {}
        self._lock = threading.Lock()  # a threaded server's requests share them

    def take(self, key: str, *, limit: int, duration: int, now: float) -> tuple[bool, int]:
        """One request against `key`: (admitted, the window's end as epoch seconds)."""
        window_end = _window_end(now, duration)
        slot = (key, limit, duration)
        with self._lock:
            lease = self._leases.get(slot)
            if lease is not None and lease.window_end == window_end and lease.left > 0:
                lease.left -= 1
                return True, window_end
        size = max(1, limit // LEASE_SHARE)
        hits, window_end = counter_hit(key, duration=duration, now=now, amount=size)
        granted = max(0, min(size, limit - (hits - size)))  # what was left under the limit
        if granted == 0:
            return False, window_end
        with self._lock:
            if len(self._leases) >= self.MAX_KEYS:
                self._leases = {
                    slot: lease for slot, lease in self._leases.items() if lease.window_end > now
                }
            self._leases[slot] = _Lease(window_end=window_end, left=granted - 1)
        return True, window_end

    def clear(self) -> None:
        with self._lock:
            self._leases.clear()


LEASES = Leases()


@functools.lru_cache(maxsize=64)
def _parsed_rate(rate: str | None) -> tuple[int | None, int | None]:
    return throttling.SimpleRateThrottle.parse_rate(None, rate)


class FixedWindowThrottleMixin:
    """DRF's SimpleRateThrottle (rates, scopes, cache keys) counted by `counter_hit`."""

    timer = time.time

    def parse_rate(self, rate):
        """DRF's reading of a rate (`1200/min`: 1200 requests a 60 s window), kept per rate:
        DRF makes every throttle anew for each request, which reads its rate again."""
        return _parsed_rate(rate)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        admitted, self.window_end = LEASES.take(
            self.key, limit=self.num_requests, duration=self.duration, now=self.now
        )
        return admitted

    def wait(self):
        return max(1, math.ceil(self.window_end - self.now))


class FixedWindowUserRateThrottle(FixedWindowThrottleMixin, throttling.UserRateThrottle):
    pass
