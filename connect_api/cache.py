"""The shared cache on Redis, degraded to each process's memory while Redis is down.

What the shared cache holds can be rebuilt or lived without for the length of an outage: the
throttle's counters, the failed-login budgets and the "known wrong password" marks. So while
Redis cannot be reached, every call goes to a per-process LocMemCache instead of failing the
request: limits are then counted per worker process (a client can get up to the limit from
each worker), and counting returns to Redis, shared again, as soon as it answers. Redis is
tried again at most every PROBE_SECONDS, so an outage costs one failed connection per process
per PROBE_SECONDS, not one per request; the outage is logged once when it starts and once when
it ends (connect_api.dependencies.OUTAGES).
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from connect_api.dependencies import OUTAGES, REDIS_UNAVAILABLE

T = TypeVar("T")

DEGRADED = "limits and failed-login budgets are counted per process until it answers"


class RedisCacheWithFallback(RedisCache):
    """Django's RedisCache; while Redis is unreachable, this process's memory instead."""

    PROBE_SECONDS = 2.0
    # A Redis that stopped answering (not refusing) must not hold a request for long.
    DEFAULT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**self.DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self.local = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 20_000}},
        )
        self._retry_at = 0.0

    def either(self, on_redis: Callable[[], T], on_local: Callable[[], T]) -> T:
        """`on_redis()`, or `on_local()` while Redis is unreachable."""
        if self._retry_at and time.monotonic() < self._retry_at:
            return on_local()
        try:
            result = on_redis()
        except REDIS_UNAVAILABLE as exc:
            self._retry_at = time.monotonic() + self.PROBE_SECONDS
            OUTAGES.failed("cache", exc, degraded=DEGRADED)
            return on_local()
        if self._retry_at:
            self._retry_at = 0.0
            OUTAGES.recovered("cache")
        return result

    def _either(self, method: str, *args, **kwargs):
        return self.either(
            lambda: getattr(RedisCache, method)(self, *args, **kwargs),
            lambda: getattr(self.local, method)(*args, **kwargs),
        )

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._either("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._either("delete_many", *args, **kwargs)

    def clear(self):
        self.local.clear()
        return self._either("clear")
