"""The connection-request list at scale: p95 of the first page, search, each filter and a deep
`start`, for a retailer with 100,000 requests and for staff seeing 1,000,000 (PostgreSQL), with
the `total_count` each answers and whether it is exact (beyond LIST_EXACT_COUNT_CAP a filtered
list answers an estimate before the last quarter, and counts exactly in it; the list without
filters answers the estimate on its first pages and, from `start` = the cap on, the exact
total of its counts per day, which place the page: connections.selectors.ShownDays).

    .venv/bin/python benchmarks/connections_scale.py [--rounds 15] [--explain] [--only staff]
    # the first run seeds (~5-10 min on a busy 2-core machine); later runs reuse the seeded
    # database (~1-2 min); drop it (dropdb connect_api_bench) to reseed
    BENCH_DATABASE_URL=postgres://... to pick the database (default connect_api_bench)

Seeding is SQL (`generate_series`), not the ORM: 1,000,000 requests over 100 organizations
(100,000 for the measured retailer), one integration each, varied company and contact names,
then VACUUM ANALYZE (what autovacuum does in production; index-only scans need it). Each case
goes through the real endpoint in-process (Django test client: middleware, Token auth,
throttle, filters, pagination, JSON), interleaved over --rounds rounds; the EXPLAIN ANALYZE of
each case's count and page queries is printed with --explain, showing which index serves it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "connect_api.settings"
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/connect_api_bench"
)
# The default 1200/min leases the same blocks (12 hits a round trip), never reached here
os.environ.setdefault("THROTTLE_USER", "1200/s")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # no request log line per call

import django

from scripts.databases import database_ensure

database_ensure(os.environ["DATABASE_URL"])  # created when missing
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from connect_api.warmup import warm_and_freeze  # noqa: E402
from organizations.choices import OrganizationType  # noqa: E402
from organizations.models import Organization, OrganizationMembership  # noqa: E402

TOTAL = 1_000_000
MINE = 100_000
ORGANIZATIONS = 100
URL = "/organizations/connections/request/"
TARGET_P95_MS = 150  # the goal for the first page, search=, each filter and a deep start

SEED_REQUESTS = """
INSERT INTO connections_connectionrequest (
    uuid, requester_id, counterpart_name, contact_name, contact_phone, contact_email,
    account_number, additional_information, request_date, status, rejection_reason,
    updated_at, version)
SELECT
    gen_random_uuid(),
    CASE WHEN g <= %(mine)s THEN %(retailer)s
         ELSE (%(others)s::bigint[])[1 + g %% array_length(%(others)s::bigint[], 1)] END,
    (ARRAY['Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Tyrell',
           'Cyberdyne','Soylent','Vandelay','Gringotts','Oscorp','Duff'])[1 + g %% 15]
      || ' ' || (ARRAY['Foods','Supply','Traders','Wholesale','Goods','Imports','Brands',
                       'Farms','Outfitters','Provisions','Mercantile'])[1 + (g / 15) %% 11]
      || ' ' || g,
    (ARRAY['Emily','John','Maria','Wei','Fatima','Olu','Sven','Priya','Diego','Aiko','Noah',
           'Zara','Ivan','Lena','Omar','Grace','Kofi','Mila','Raj','Ines'])[1 + g %% 20]
      || ' ' || (ARRAY['Wright','Adams','Nguyen','Garcia','Okafor','Larsen','Patel','Kim',
                       'Rossi','Haddad','Silva','Novak','Mensah','Tanaka','Dubois','Cohen',
                       'Murphy','Schmidt','Kowalski','Andersen','Fernandes','Ali','Berg'])
                 [1 + (g / 20) %% 23],
    '',
    'buyer' || g || '@' || (ARRAY['example.com','shop.test','retail.example','mail.test'])
                             [1 + g %% 4],
    'A-' || g, '',
    now() - g * interval '30 seconds',
    (ARRAY['PENDING','PENDING','REJECTED','PENDING','PENDING','PENDING','PENDING','PENDING',
           'PENDING','WITHDRAWN'])[1 + g %% 10],
    '',
    now() - g * interval '30 seconds',
    1
FROM generate_series(1, %(total)s) AS g
"""

SEED_INTEGRATIONS = """
INSERT INTO connections_integration (
    uuid, request_id, integration_type, update_frequency, time_zone, file_locations, file_specs,
    rules, date_created)
SELECT gen_random_uuid(), id,
       (ARRAY['item','order','allocation','tracking','other'])[1 + id % 5],
       '0 2 * * *', 'UTC', '', 'CSV, one row per item', '', request_date
FROM connections_connectionrequest
"""


def seed() -> None:
    """Each stage runs once: a run cut short resumes where it stopped."""
    from connections.models import ConnectionRequest, Integration

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if ConnectionRequest.objects.count() < TOTAL:
        print("seeding 1,000,000 connection requests (SQL generate_series) ...", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE connections_integration, connections_connectionrequest, "
                "uploads_upload_connection_requests CASCADE"
            )
        Organization.objects.filter(name__startswith="Scale Retailer ").delete()
        organizations = Organization.objects.bulk_create(
            Organization(name=f"Scale Retailer {index}", org_type=OrganizationType.RETAILER)
            for index in range(ORGANIZATIONS)
        )
        others = [organization.pk for organization in organizations[1:]]
        with connection.cursor() as cursor:
            cursor.execute(
                SEED_REQUESTS,
                {"mine": MINE, "retailer": organizations[0].pk, "others": others, "total": TOTAL},
            )
    if not Integration.objects.exists():
        print("seeding one integration per request ...", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(SEED_INTEGRATIONS)
            cursor.execute("VACUUM ANALYZE connections_connectionrequest")
            cursor.execute("VACUUM ANALYZE connections_integration")
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    retailer = Organization.objects.filter(name__startswith="Scale Retailer ").earliest("pk")
    user, _ = get_user_model().objects.get_or_create(username="scale-retailer")
    OrganizationMembership.objects.update_or_create(user=user, defaults={"organization": retailer})


def client_for(username: str, **flags) -> Client:
    user, _ = get_user_model().objects.get_or_create(username=username, defaults=flags)
    _, token = AuthToken.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def explain(client: Client, params: dict) -> None:
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, params)
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            table = sql.split(" FROM ", 1)[-1][:60]
            if sql.startswith("EXPLAIN") or "connections_connectionrequest" not in table:
                continue  # the planner's estimate; the reads of other tables
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
            print("    " + "\n    ".join(row[0] for row in cursor.fetchall()[:16]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    seed()
    warm_and_freeze()  # as gunicorn's workers do once loaded (gunicorn.conf.py)
    retailer = client_for("scale-retailer")
    staff = client_for("scale-staff", is_staff=True)
    since = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 10 * 86400))
    cases = {
        "retailer first page": (retailer, {}),
        "staff first page": (staff, {}),
        "retailer search=globex": (retailer, {"search": "globex"}),
        "retailer search=wright (contact)": (retailer, {"search": "wright"}),
        "retailer search=shop.test (email)": (retailer, {"search": "shop.test"}),
        "retailer search=globex foods 1234": (retailer, {"search": "Globex Foods 1234"}),
        "staff search=vandelay": (staff, {"search": "vandelay"}),
        "retailer status=REJECTED": (retailer, {"status": "REJECTED"}),
        "retailer status=WITHDRAWN": (retailer, {"status": "WITHDRAWN"}),
        "staff status=WITHDRAWN": (staff, {"status": "WITHDRAWN"}),
        "retailer is_approved=false": (retailer, {"is_approved": "false"}),
        "retailer integration_type=order": (retailer, {"integration_type": "order"}),
        "staff integration_type=tracking": (staff, {"integration_type": "tracking"}),
        f"retailer request_date_after={since}": (retailer, {"request_date_after": since}),
        "retailer start=90000": (retailer, {"start": 90000}),
        "staff start=450000": (staff, {"start": 450000}),
        "staff start=850000": (staff, {"start": 850000}),
        "staff start=900000 (the end)": (staff, {"start": 900000}),
        "staff start=5000000 (past the end)": (staff, {"start": 5000000}),
    }
    if args.only:
        cases = {name: case for name, case in cases.items() if args.only in name}
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for client, params in cases.values():  # warm up, and check every case answers
        response = client.get(URL, params)
        assert response.status_code == 200, response.content[:300]
    for _ in range(args.rounds):
        for name, (client, params) in cases.items():
            started = time.perf_counter()
            client.get(URL, params)
            timings[name].append((time.perf_counter() - started) * 1000)
    print(f"{connection.vendor}, {TOTAL:,} requests ({MINE:,} the retailer's), "
          f"{args.rounds} interleaved rounds, ms")  # fmt: skip
    print(f"{'case':<42}{'median':>8}{'p95':>8}{'max':>8}  total_count (exact?), start")
    missed = []
    for name, (client, params) in cases.items():
        values = sorted(timings[name])
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        if p95 >= TARGET_P95_MS:
            missed.append(name)
        paging = client.get(URL, params).json()["pagination"]
        exact = "exact" if paging.get("total_count_exact", True) else "estimate"
        print(f"{name:<42}{statistics.median(values):>8.1f}{p95:>8.1f}{values[-1]:>8.1f}"
              f"  {paging['total_count']:,} ({exact}), {paging['start']:,}")  # fmt: skip
        if args.explain:
            explain(client, params)
    print(
        f"p95 < {TARGET_P95_MS} ms: "
        + ("every case" if not missed else "missed by " + ", ".join(missed))
    )


if __name__ == "__main__":
    main()
