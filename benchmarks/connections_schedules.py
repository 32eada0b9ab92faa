"""Latency of the connection-request list with and without next_runs/schedule_description.

    DATABASE_URL=sqlite:////tmp/bench_schedules.sqlite3 \
        .venv/bin/python benchmarks/connections_schedules.py

One page of 50 requests x 5 integrations, 50 list calls per variant, served in-process by the
real endpoint (throttles off). Variants:
  - without schedules: the integration builder's schedule_data replaced by `{}` (the shape
    before next_runs/schedule_description);
  - one cron for all 250 integrations (the usual case: a few schedules, cached);
  - 250 distinct crons (cached across calls once computed);
  - 250 distinct crons with the caches emptied before every call (the worst case: every
    croniter walk and description computed again).
Also pins the query count: the same with and without schedules.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_schedules.sqlite3")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from connections import cron  # noqa: E402
from connections.api import serializers as output  # noqa: E402
from connections.api.views import ConnectionRequestViewSet  # noqa: E402
from connections.models import ConnectionRequest, Integration  # noqa: E402
from organizations.choices import OrganizationType  # noqa: E402
from organizations.models import Organization, OrganizationMembership  # noqa: E402

ROWS = 50
CALLS = 50


def prepare(distinct: bool):
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-schedules")
    organization, _ = Organization.objects.get_or_create(
        name="Bench Schedules", defaults={"org_type": OrganizationType.RETAILER}
    )
    OrganizationMembership.objects.get_or_create(user=user, defaults={"organization": organization})
    ConnectionRequest.objects.filter(requester=organization).delete()
    for index in range(ROWS):
        connection_request = ConnectionRequest.objects.create(
            requester=organization, counterpart_name=f"Supplier {index}", contact_name="Pat"
        )
        Integration.objects.bulk_create(
            Integration(
                request=connection_request,
                integration_type="item",
                update_frequency=f"{index} {item} * * *" if distinct else "0 2 * * *",
            )
            for item in range(5)
        )
    _, token = AuthToken.objects.create(user=user)
    return token


def latency_ms(call, clear=False) -> tuple[float, float]:
    call()
    times = []
    for _ in range(CALLS):
        if clear:
            cron._upcoming.clear()
            cron.describe_cron.cache_clear()
            cron.parse_cron.cache_clear()
            cron._warnings.cache_clear()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def main() -> None:
    ConnectionRequestViewSet.throttle_classes = []
    view = ConnectionRequestViewSet.as_view({"get": "list"})
    factory = RequestFactory()
    real_schedule_data = output.schedule_data
    print(f"page of {ROWS} requests x 5 integrations, {CALLS} calls, {connection.vendor}")
    for distinct in (False, True):
        token = prepare(distinct)

        def call(token=token):
            response = view(factory.get("/", HTTP_AUTHORIZATION=f"Token {token}"))
            response.render()
            assert response.status_code == 200
            return response

        output.schedule_data = lambda update_frequency, time_zone: {}
        with CaptureQueriesContext(connection) as without:
            call()
        before = latency_ms(call)
        output.schedule_data = real_schedule_data
        with CaptureQueriesContext(connection) as with_schedules:
            call()
        assert len(without) == len(with_schedules), (len(without), len(with_schedules))
        after = latency_ms(call)
        label = "250 distinct crons" if distinct else "one cron for all"
        print(f"  {label}: queries {len(with_schedules)} (unchanged)")
        print(f"    without schedules:       median {before[0]:6.1f} ms, p95 {before[1]:6.1f} ms")
        print(f"    with schedules (cached): median {after[0]:6.1f} ms, p95 {after[1]:6.1f} ms")
        if distinct:
            cold = latency_ms(call, clear=True)
            print(f"    with schedules, cold:    median {cold[0]:6.1f} ms, p95 {cold[1]:6.1f} ms")


if __name__ == "__main__":
    main()
