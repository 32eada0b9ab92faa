"""The job queue's storage, chosen by QUEUE_URL (settings.HUEY names this factory)."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from huey import MemoryHuey, RedisHuey, SqliteHuey


def huey_class(name: str, *, url: str, **options):
    """A Huey for `sqlite:///path`, `redis://host:port/db` (or rediss://) or `memory://`."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        filename = url.removeprefix("sqlite:///")
        if not filename:
            raise ImproperlyConfigured("QUEUE_URL=sqlite:///<path> needs a file path.")
        return SqliteHuey(name, filename=filename, **options)
    if scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name, url=url, **options)
    if scheme == "memory":
        return MemoryHuey(name, **options)
    raise ImproperlyConfigured(
        f"QUEUE_URL scheme {scheme!r} is not sqlite://, redis://, rediss:// or memory://."
    )


def _queue_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from connect_api.dependencies import REDIS_UNAVAILABLE

    return (*REDIS_UNAVAILABLE, sqlite3.OperationalError)


def enqueue(task, *args) -> None:
    """`task(*args)` onto the queue, or DependencyUnavailable("queue") (a 503 naming the job
    queue) when its storage cannot be reached."""
    from connect_api.dependencies import DependencyUnavailable

    try:
        task(*args)
    except _queue_errors() as exc:
        raise DependencyUnavailable("queue", exc) from exc


def enqueue_or_defer(task, *args, deferred: str) -> bool:
    """`task(*args)` onto the queue; while its storage is down, log the outage (once) and
    return False: the caller's periodic sweep enqueues the work later (`deferred` says how)."""
    from connect_api.dependencies import OUTAGES, DependencyUnavailable

    try:
        enqueue(task, *args)
    except DependencyUnavailable as exc:
        OUTAGES.failed("queue", exc.cause, degraded=deferred)
        return False
    return True
