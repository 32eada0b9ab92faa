"""The services a request depends on, what each one's outage looks like, and one log line per
outage (no Django imports: the cache backend and the exception handler both load this).

A request that finds a dependency down answers 503 + Retry-After naming it
(connect_api.exceptions); `dependency_down(exc)` is the one place that says which exceptions
mean which dependency. Features that can do without a dependency degrade instead
(docs/operations.md, "When a dependency is down").
"""

import logging
import threading
import time

logger = logging.getLogger("connect_api.dependencies")

DESCRIPTIONS = {
    "database": "database",
    "cache": "cache (Redis)",
    "queue": "job queue",
    "redis": "Redis",
    "storage": "file storage",
}
"""Each dependency's name (the error's `dependency`, /readyz's check) and how a message says it."""


class DependencyUnavailable(Exception):
    """Raised where code knows which dependency failed (the job queue, say) and a raw driver
    error would not tell: the request answers 503 naming `dependency`."""

    def __init__(self, dependency: str, cause: BaseException | None = None):
        super().__init__(f"{DESCRIPTIONS[dependency]} unavailable")
        self.dependency = dependency
        self.cause = cause


def _database_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError, TimeoutError
    except ImportError:
        return ()
    return (ConnectionError, TimeoutError)


REDIS_UNAVAILABLE = _redis_errors()
"""What redis-py raises when the server is down, restarting, unreachable or too slow."""

_STORAGE_SERVER_ERRORS = {"InternalError", "ServiceUnavailable", "SlowDown", "NoSuchBucket"}


def _storage_down(exc: BaseException) -> bool:
    """An S3-compatible store unreachable, timing out, or answering that it cannot serve (5xx,
    SlowDown; a missing bucket is a deployment fault the request cannot fix either)."""
    try:
        from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
    except ImportError:
        return False
    if isinstance(exc, (ConnectionError, HTTPClientError)):
        return True
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500 or error.get("Code") in _STORAGE_SERVER_ERRORS
    return False


def dependency_down(exc: BaseException) -> str | None:
    """The name of the dependency whose outage `exc` is, or None when it is no outage."""
    if isinstance(exc, DependencyUnavailable):
        return exc.dependency
    if isinstance(exc, _database_errors()):
        return "database"
    if REDIS_UNAVAILABLE and isinstance(exc, REDIS_UNAVAILABLE):
        return "redis"
    if _storage_down(exc):
        return "storage"
    return None


class Outages:
    """Per process: log a dependency's outage when it is first seen, not on every request.

    `failed(name, exc)` logs a warning the first time, then stays quiet while failures keep
    coming; after QUIET_SECONDS without one, the next failure is a new outage (logged again).
    `recovered(name)` logs once that a dependency known to be down answers again (callers that
    can tell, such as the cache's fallback, call it).
    """

    QUIET_SECONDS = 60.0

    def __init__(self):
        self._lock = threading.Lock()
        self._last_failure: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def failed(self, name: str, exc: BaseException, *, degraded: str = "") -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last_failure.get(name)
            self._last_failure[name] = now
            if last is not None and now - last < self.QUIET_SECONDS:
                self._suppressed[name] = self._suppressed.get(name, 0) + 1
                return
            self._suppressed[name] = 0
        logger.warning(
            "%s unavailable: %s: %s%s",
            DESCRIPTIONS[name],
            type(exc).__name__,
            str(exc)[:200],
            f"; {degraded}" if degraded else "",
            extra={"dependency": name, "outage": "started"},
        )

    def recovered(self, name: str) -> None:
        with self._lock:
            if self._last_failure.pop(name, None) is None:
                return
            suppressed = self._suppressed.pop(name, 0)
        logger.warning(
            "%s available again (%d further failures not logged)",
            DESCRIPTIONS[name],
            suppressed,
            extra={"dependency": name, "outage": "ended"},
        )

    def down(self, name: str) -> bool:
        with self._lock:
            return name in self._last_failure

    def reset(self) -> None:
        with self._lock:
            self._last_failure.clear()
            self._suppressed.clear()


OUTAGES = Outages()
