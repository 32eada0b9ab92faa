"""503 instead of 500 while the database is not migrated (a deploy that skipped `migrate`).

Checked once per process and then believed (a few milliseconds); while migrations are missing,
rechecked at most every RECHECK_SECONDS, so `migrate` run beside a live server takes effect
without a restart. Health, readiness and metrics are never gated.
"""

import time

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

RECHECK_SECONDS = 5.0
UNGATED = ("/healthz", "/readyz", "/metrics")


def unapplied_migrations() -> list[str] | None:
    """Names of migrations on disk not applied to the database; None if it cannot be read."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return None
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


class MigrationGateMiddleware:
    applied = False
    missing: list[str] | None = None
    checked_at = float("-inf")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        gate = type(self)
        if not gate.applied and not request.path.startswith(UNGATED):
            now = time.monotonic()
            if now - gate.checked_at >= RECHECK_SECONDS:
                gate.checked_at = now
                gate.missing = unapplied_migrations()
                gate.applied = gate.missing == []
            # None: the database cannot be read at all (an outage has its own 503).
            if gate.missing:
                from connect_api.exceptions import error_body

                response = JsonResponse(
                    error_body(
                        "The database is not migrated yet: run `manage.py migrate`.",
                        "service_unavailable",
                    ),
                    status=503,
                )
                response["Retry-After"] = str(int(RECHECK_SECONDS))
                return response
        return self.get_response(request)
