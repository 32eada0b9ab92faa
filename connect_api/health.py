"""Readiness (/readyz): django-health-check's checks plus ours, answered as one JSON body.

`{"status": "ok" | "unavailable", "failed": ["cache", ...], "checks": {"database": "OK", ...}}`,
200 when every check passes, else 503. Liveness stays /healthz (one SELECT 1).
"""

import asyncio
import dataclasses

from asgiref.sync import sync_to_async
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from connect_api.cache import RedisCacheWithFallback
from connect_api.dependencies import REDIS_UNAVAILABLE
from connect_api.migration_gate import unapplied_migrations


class RequestThreadCheck(HealthCheck):
    """A check run in the request's own thread, on the request's database connection."""

    async def run(self):
        await sync_to_async(self.check)()

    def check(self) -> None:
        raise NotImplementedError


@dataclasses.dataclass
class Migrations(RequestThreadCheck):
    """Every migration on disk is applied to the database."""

    def check(self):
        plan = unapplied_migrations()
        if plan is None:
            raise ServiceUnavailable("cannot read the applied migrations")
        if plan:
            names = ", ".join(plan[:5])
            more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
            raise ServiceUnavailable(f"{len(plan)} not applied: {names}{more}; run migrate")


@dataclasses.dataclass
class JobQueue(RequestThreadCheck):
    """The job queue's storage (Redis or SQLite) answers."""

    def check(self):
        from huey.contrib.djhuey import HUEY

        try:
            HUEY.pending_count()
        except Exception as exc:
            raise ServiceUnavailable(f"queue storage unreachable ({type(exc).__name__})") from exc


@dataclasses.dataclass
class SharedCache(Cache):
    """django-health-check's cache check; on Redis, Redis itself is probed (requests fall back
    to per-process memory while it is down, so a set-and-get would always pass)."""

    async def run(self):
        cache = caches[self.alias]
        if not isinstance(cache, RedisCacheWithFallback):
            return await super().run()
        try:
            await sync_to_async(RedisCache.get)(cache, f"{self.key_prefix}:probe")
        except REDIS_UNAVAILABLE as exc:
            raise ServiceUnavailable(
                f"Redis unreachable ({type(exc).__name__}); limits counted per process"
            ) from exc


@dataclasses.dataclass
class StaticFiles(RequestThreadCheck):
    """collectstatic has written its manifest (hashed names for the admin and /api/docs/)."""

    def check(self):
        storage = staticfiles_storage
        if isinstance(storage, ManifestFilesMixin) and not storage.manifest_storage.exists(
            storage.manifest_name
        ):
            raise ServiceUnavailable(f"no {storage.manifest_name}: run collectstatic")


READINESS_CHECKS = {
    "database": (Database, {"alias": "default"}),
    "migrations": (Migrations, {}),
    "cache": (SharedCache, {"alias": "default"}),
    "storage": (Storage, {"alias": "default"}),
    "queue": (JobQueue, {}),
    "staticfiles": (StaticFiles, {}),
}


class ReadinessView(HealthCheckView):
    """GET /readyz: 200 when the server can serve, 503 naming each check that failed."""

    async def get(self, request, *args, **kwargs):
        checks = {name: check(**options) for name, (check, options) in READINESS_CHECKS.items()}
        with self.get_executor() as executor:
            results = await asyncio.gather(*(c.get_result(executor) for c in checks.values()))
        report = dict(zip(checks, results, strict=True))
        failed = [name for name, result in report.items() if result.error is not None]
        body = {
            "status": "unavailable" if failed else "ok",
            "failed": failed,
            "checks": {
                name: "OK" if result.error is None else str(result.error)
                for name, result in report.items()
            },
        }
        return JsonResponse(body, status=503 if failed else 200)
