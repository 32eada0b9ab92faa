"""The job queue's storage, chosen by QUEUE_URL (settings.HUEY names this factory)."""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from connect_api.schedule import SchedulerIdsMixin


class HeartbeatConsumer(Consumer):
    """`run_huey`'s consumer, touching QUEUE_HEARTBEAT_FILE at each health check (every 10 s)
    while its worker threads are alive and the queue storage answers.

    This process's own liveness, which a periodic job cannot tell: the queue hands a job to any
    worker of the cluster, so a job touching the file would prove that some worker runs, and
    only on the host that happened to take it.
    """

    def check_worker_health(self):
        healthy = super().check_worker_health()
        from django.conf import settings

        if healthy and settings.QUEUE_HEARTBEAT_FILE:
            try:
                self.huey.pending_count()
            except Exception:
                self._logger.warning("queue storage unreachable: heartbeat not touched")
            else:
                Path(settings.QUEUE_HEARTBEAT_FILE).touch()
        return healthy


class ClusterHueyMixin(SchedulerIdsMixin):
    def create_consumer(self, **options):
        return HeartbeatConsumer(self, **options)


class ClusterSqliteHuey(ClusterHueyMixin, SqliteHuey):
    pass


class ClusterRedisHuey(ClusterHueyMixin, RedisHuey):
    pass


class ClusterMemoryHuey(ClusterHueyMixin, MemoryHuey):
    pass


def huey_class(name: str, *, url: str, **options):
    """A Huey for `sqlite:///path`, `redis://host:port/db` (or rediss://) or `memory://`, whose
    periodic jobs run once per schedule (connect_api.schedule)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        filename = url.removeprefix("sqlite:///")
        if not filename:
            raise ImproperlyConfigured("QUEUE_URL=sqlite:///<path> needs a file path.")
        return ClusterSqliteHuey(name, filename=filename, **options)
    if scheme in ("redis", "rediss", "unix"):
        return ClusterRedisHuey(name, url=url, **options)
    if scheme == "memory":
        return ClusterMemoryHuey(name, **options)
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
