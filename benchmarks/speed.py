"""Each endpoint side by side with its plain-Django twin (and django-ninja for detail and list),
in one process, interleaved rounds; ratio = twin's cost / endpoint's cost (1.0 = as fast).

    .venv/bin/python benchmarks/speed.py                    # PostgreSQL, ~1-2 min
    .venv/bin/python benchmarks/speed.py --sqlite           # SQLite (the `make run` default)
    .venv/bin/python benchmarks/speed.py --rounds 7 --calls 100 --profile detail

PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/connect_api_bench,
data of its own organization); SQLite: /tmp/connect_api_speed.sqlite3 (or SPEED_SQLITE_PATH).
Every call goes through the Django test client, so the middleware, URL routing and JSON
(de)serialisation are paid by endpoint and twin alike (benchmarks/speed_twins.py); the
endpoints run as deployed (Token or Basic auth, the throttle counter, filters, pagination).
The twins of the request list and detail:

- `plain`: a Django view, the same auth, selectors, SQL and dict builders, `JsonResponse`;
- `ninja`: django-ninja as its users write it over these models: `Schema` classes declared
  with `response=` (nested, aliases and resolvers for renamed and computed fields), fed the
  same prefetched rows (same queries), pydantic validating and dumping every row;
- `ninja-dict`: a NinjaAPI returning the plain twin's dicts: ninja's router and renderer only.

Cases:

- request list: 50 requests x 5 integrations x 2 uploaded files (`GET .../request/`)
- request detail; connections (the caller's 5 connections, every party joined: the API has
  no single-connection GET)
- create (`POST .../request/`, the docs' body), a fresh request per call
- seed PATCH (`PATCH .../request/<uuid>/`, contact fields) on one PENDING request
- outreach individual search (`GET /api_accessacs_mobile/v2/<site>/individuals?q=son`, HTTP
  Basic as the app sends it, 500 people, a page of 25 with emails, phones and addresses)
- outreach seed POST (`POST .../v2/<site>/connections`, seed 004's body character for
  character: a PENDING add change request per call)
The ratio targets: reads >= 0.9, writes >= 0.8. `--profile <case>` prints cProfile's top
entries for one endpoint (where the fixed per-request cost goes).
"""

import argparse
import cProfile
import itertools
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "connect_api.settings"
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
# The throttle leases blocks of 1% of the limit (connect_api/throttling.py): 1200/s leases 12
# hits per upsert exactly as the production default 1200/min does, and is never reached here.
os.environ.setdefault("THROTTLE_USER", "1200/s")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # no request log line per call
SQLITE = "--sqlite" in sys.argv
os.environ["DATABASE_URL"] = (
    "sqlite:///" + os.environ.get("SPEED_SQLITE_PATH", "/tmp/connect_api_speed.sqlite3")
    if SQLITE
    else os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/connect_api_bench"
    )
)

import django  # noqa: E402

from scripts.databases import database_ensure  # noqa: E402

database_ensure(os.environ["DATABASE_URL"])  # created when missing
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from benchmarks.speed_limit import wsgi_application  # noqa: E402
from connect_api.warmup import warm_and_freeze  # noqa: E402
from connections.models import Connection, ConnectionRequest, Integration  # noqa: E402
from organizations.choices import OrganizationStatus, OrganizationType  # noqa: E402
from organizations.models import Organization, OrganizationMembership  # noqa: E402
from outreach import models as outreach_models  # noqa: E402
from outreach.choices import Right  # noqa: E402
from tests.conftest import basic_header  # noqa: E402
from tests.seeds import OUTREACH_SEED_BODY_TEXT  # noqa: E402
from uploads.models import Upload  # noqa: E402

settings.ROOT_URLCONF = "benchmarks.speed_twins"
API = "/organizations/connections/"

# The create body as the platform's docs send it.
CREATE_BODY = {
    "organization_name": "Thomas Perkins Co",
    "primary_contact_name": "Roger Rabbit",
    "primary_contact_phone": "555-0100",
    "primary_contact_email": "roger@example.com",
    "organization_account_number": "TP-0042",
    "additional_information": "Weekly item feed, daily orders.",
    "integrations": [
        {"type": "items", "update_frequency": "0 2 * * *", "file_specs": "CSV"},
        {"type": "orders", "update_frequency": "0 * * * *", "file_specs": "X12 850"},
    ],
}


# A PATCH as the seeds send it: contact details changed, nothing else.
PATCH_BODY = {"primary_contact_phone": "555-0199", "additional_information": "New hours."}


def prepare() -> tuple[str, str]:
    """The benchmark organization's 50 requests (5 integrations, 2 files each), one
    connection, and a token; rebuilt on every run."""
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="speed-retailer")
    organization, _ = Organization.objects.update_or_create(
        name="Speed Retail",
        defaults={"org_type": OrganizationType.RETAILER, "status": OrganizationStatus.ACTIVE},
    )
    OrganizationMembership.objects.update_or_create(
        user=user, defaults={"organization": organization}
    )
    ConnectionRequest.objects.filter(requester=organization).delete()
    Upload.objects.filter(organization=organization).delete()
    Connection.objects.filter(retailer=organization).delete()
    for index in range(50):
        request = ConnectionRequest.objects.create(
            requester=organization,
            counterpart_name=f"Supplier {index}",
            contact_name="Pat Contact",
            contact_email="pat@example.com",
            account_number=f"A-{index}",
        )
        Integration.objects.bulk_create(
            Integration(
                request=request,
                integration_type=kind,
                update_frequency="0 2 * * *",
                file_specs="CSV, one row per item",
            )
            for kind in ("item", "order", "allocation", "tracking", "other")
        )
        for number in range(2):
            content = b"sku,qty\nA-1,3\n"
            upload = Upload.objects.create(
                organization=organization,
                name=f"feed-{index}-{number}.csv",
                file=ContentFile(content, name="feed.csv"),
                size=len(content),
                sha256="0" * 64,
                content_type="text/csv",
            )
            request.uploaded_files.add(upload)
    for index in range(5):
        supplier, _ = Organization.objects.get_or_create(
            name=f"Speed Supplier {index}", defaults={"org_type": OrganizationType.SUPPLIER}
        )
        Connection.objects.create(retailer=organization, supplier=supplier)
    _, token = AuthToken.objects.create(user=user)
    return token, str(request.uuid)


OUTREACH_SITE = 99012
OUTREACH_USER = ("speed-outreach-caller", "speed-outreach-password")
OUTREACH = f"/api_accessacs_mobile/v2/{OUTREACH_SITE}"
PEOPLE = 500
FIRST_NAMES = ["Ann", "Ben", "Carla", "Dev", "Elena", "Femi", "Grace", "Hugo", "Ines", "Jon"]
LAST_NAMES = ["Anderson", "Baker", "Carlson", "Davis", "Ellison", "Foster", "Garcia", "Hudson"]


def prepare_outreach() -> str:
    """Site 99012 as seed 004 needs it (type 1 with responses, individual 76, team 1) with
    PEOPLE individuals (an email and a phone each) and a caller with the POST's rights and
    LocatePerson; rebuilt on every run. Returns the caller's Basic header."""
    outreach_models.Connection.objects.filter(site__number=OUTREACH_SITE).delete()  # PROTECTs
    outreach_models.Site.objects.filter(number=OUTREACH_SITE).delete()
    site = outreach_models.Site.objects.create(number=OUTREACH_SITE, name="Speed outreach")
    families = outreach_models.Family.objects.bulk_create(
        outreach_models.Family(site=site, number=number) for number in range(1, PEOPLE // 2 + 2)
    )
    people = outreach_models.Individual.objects.bulk_create(
        outreach_models.Individual(
            site=site,
            number=number,
            family=families[number // 2],
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=LAST_NAMES[number % len(LAST_NAMES)] + ("son" if number % 3 else ""),
            family_position="Head",
            member_status="Member",
        )
        for number in range(1, PEOPLE + 1)
    )
    outreach_models.IndividualEmail.objects.bulk_create(
        outreach_models.IndividualEmail(
            site=site,
            number=person.number,
            individual=person,
            email=f"{person.first_name}.{person.last_name}{person.number}@example.org".lower(),
            preferred=True,
        )
        for person in people
    )
    outreach_models.Phone.objects.bulk_create(
        outreach_models.Phone(
            site=site,
            number=person.number,
            individual=person,
            phone_number=f"801-555-{person.number:04d}",
            preferred=True,
        )
        for person in people
    )
    # bulk_create skips the saves that keep the search text
    outreach_models.Individual.objects.filter(site=site).search_text_refresh()
    connection_type = outreach_models.ConnectionType.objects.create(
        site=site, number=1, description="Guest"
    )
    for number in (11, 12):
        outreach_models.Response.objects.create(
            site=site, number=number, connection_type=connection_type, description=f"R{number}"
        )
    outreach_models.Team.objects.create(site=site, number=1, name="Welcome")
    username, password = OUTREACH_USER
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    membership = outreach_models.SiteMembership.objects.create(
        user=user,
        site=site,
        individual=people[0],
        create_change_request=Right.GRANTED,
        locate_person=Right.GRANTED,
        view_add_comments=Right.GRANTED,
        reassign_connection=Right.GRANTED,
    )
    outreach_models.ConnectionTypeRight.objects.create(
        membership=membership, connection_type=connection_type, right=Right.GRANTED
    )
    return basic_header(username, password)


def outreach_body(number: int) -> str:
    """Seed 004's body with a comment of its own, so each call creates a change request (the
    same body again within minutes is answered with the stored one: duplicate detection)."""
    return OUTREACH_SEED_BODY_TEXT.replace('"Comment": "Test"', f'"Comment": "Test {number}"')


def wsgi_get(path: str, authorization: str):
    """A GET of the bare WSGI twin, called as a WSGI server would (no HTTP, no Django)."""
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "HTTP_AUTHORIZATION": authorization,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    started: list = []

    def call():
        body = b"".join(wsgi_application(environ, lambda status, headers: started.append(status)))
        assert started.pop().startswith("200"), body[:300]
        return SimpleNamespace(status_code=200, content=body)

    return call


def paired(per_round: dict, name: str, variant: str, clock: str) -> float:
    """The median over rounds of (variant's cost / endpoint's cost) measured in the same round."""
    return statistics.median(
        twin / endpoint
        for twin, endpoint in zip(
            per_round[(name, variant, clock)], per_round[(name, "endpoint", clock)], strict=True
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=30, help="calls per case per round")
    parser.add_argument("--cases", help="comma-separated subset, e.g. `search,outreach-post`")
    parser.add_argument("--seed", type=int, default=None, help="the shuffle's seed")
    parser.add_argument(
        "--profile", help="cProfile one case: `detail` (the endpoint) or `detail:plain`"
    )
    parser.add_argument(
        "--server",
        action="store_true",
        help="through gunicorn (2 sync workers) and wrk instead of the test client: list, detail",
    )
    parser.add_argument("--seconds", type=int, default=3, help="--server: wrk run per block")
    args = parser.parse_args()
    settings.MEDIA_ROOT = "/tmp/connect_api_speed_media"
    token, request_uuid = prepare()
    authorization = f"Token {token}"
    client = Client(HTTP_AUTHORIZATION=authorization)
    basic_client = Client(HTTP_AUTHORIZATION=prepare_outreach())
    if args.server:
        from benchmarks.speed_server import run_server_rounds

        run_server_rounds(
            authorization=authorization,
            request_uuid=request_uuid,
            rounds=args.rounds,
            seconds=args.seconds,
            seed=args.seed,
        )
        return

    def get(url, client=client):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.content[:300])
            return response

        return call

    def post(url):
        body = json.dumps(CREATE_BODY)

        def call():
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 201, (url, response.content[:300])
            return response

        return call

    def patch(url):
        body = json.dumps(PATCH_BODY)

        def call():
            response = client.patch(url, body, content_type="application/json")
            assert response.status_code == 204, (url, response.content[:300])
            return response

        return call

    posted = itertools.count(1)

    def outreach_post(url):
        def call():
            response = basic_client.post(
                url, outreach_body(next(posted)), content_type="application/json"
            )
            assert response.status_code == 200, (url, response.content[:300])
            return response

        return call

    cases = {
        "list": {
            "endpoint": get(f"{API}request/"),
            "plain": get("/bench/plain/requests/"),
            "limit": get("/bench/limit/requests/"),
            "wsgi": wsgi_get("/bench/wsgi/requests/", authorization),
            "ninja": get("/bench/ninja/requests/"),
            "ninja-dict": get("/bench/ninja/dict/requests/"),
        },
        "detail": {
            "endpoint": get(f"{API}request/{request_uuid}/"),
            "plain": get(f"/bench/plain/requests/{request_uuid}/"),
            "limit": get(f"/bench/limit/requests/{request_uuid}/"),
            "wsgi": wsgi_get(f"/bench/wsgi/requests/{request_uuid}/", authorization),
            "ninja": get(f"/bench/ninja/requests/{request_uuid}/"),
            "ninja-dict": get(f"/bench/ninja/dict/requests/{request_uuid}/"),
        },
        "connections": {
            "endpoint": get(API),
            "plain": get("/bench/plain/connections/"),
        },
        "create": {
            "endpoint": post(f"{API}request/"),
            "plain": post("/bench/plain/requests/create/"),
        },
        "patch": {
            "endpoint": patch(f"{API}request/{request_uuid}/"),
            "plain": patch(f"/bench/plain/requests/{request_uuid}/"),
        },
        "search": {
            "endpoint": get(f"{OUTREACH}/individuals?q=son&pageSize=25", basic_client),
            "plain": get(
                f"/bench/plain/outreach/{OUTREACH_SITE}/individuals?q=son&pageSize=25",
                basic_client,
            ),
        },
        "outreach-post": {
            "endpoint": outreach_post(f"{OUTREACH}/connections"),
            "plain": outreach_post(f"/bench/plain/outreach/{OUTREACH_SITE}/connections"),
        },
    }
    if SQLITE:  # the limit twins' SQL is PostgreSQL's (`= ANY(%s)`)
        for variants in cases.values():
            variants.pop("limit", None)
            variants.pop("wsgi", None)
    if args.cases:
        cases = {name: cases[name] for name in args.cases.split(",")}
    for name, variants in cases.items():  # the same bytes from endpoint and twins
        bodies = {variant: call().content for variant, call in variants.items()}
        if name == "search":
            assert json.loads(bodies["endpoint"])["Page"], "the search finds people"
        if name == "outreach-post":
            numbers = [json.loads(body) for body in bodies.values()]
            assert len(set(numbers)) == len(numbers), "each call creates a change request"
        if name not in ("create", "patch", "outreach-post"):
            for variant, body in bodies.items():
                assert body == bodies["endpoint"], (name, variant, body[:200])

    warm_and_freeze()  # as gunicorn's workers do once loaded (gunicorn.conf.py)

    if args.profile:
        # CPU time by default: on a busy machine the wall clock is mostly waiting for the database
        profiler = cProfile.Profile(
            time.perf_counter if os.environ.get("PROFILE_CLOCK") == "wall" else time.process_time
        )
        name, _, variant = args.profile.partition(":")
        call = cases[name][variant or "endpoint"]
        profiler.enable()
        for _ in range(args.calls * args.rounds):
            call()
        profiler.disable()
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(
            int(os.environ.get("PROFILE_TOP", "25"))
        )
        return

    # Each round runs every (case, variant) block once, in an order shuffled per round; a block
    # is `calls` calls, timed by the wall clock and by this process's CPU time (the database's
    # own work is in the first only).
    shuffler = random.Random(args.seed)
    blocks = [(name, variant) for name, variants in cases.items() for variant in variants]
    per_round: dict[tuple[str, str, str], list[float]] = {
        (name, variant, clock): [] for name, variant in blocks for clock in ("wall", "cpu")
    }
    for _ in range(args.rounds):
        shuffler.shuffle(blocks)
        for name, variant in blocks:
            call = cases[name][variant]
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.calls):
                call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            per_round[(name, variant, "wall")].append(wall / args.calls * 1000)
            per_round[(name, variant, "cpu")].append(cpu / args.calls * 1000)
    print(
        f"{connection.vendor}: {args.rounds} rounds (variants shuffled in each) x {args.calls} "
        f"calls; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
        "ms per call, median over rounds [min-max]; ratio = median over rounds of the twin's "
        "cost / the endpoint's in the same round (> 1: the twin is slower)"
    )
    print(f"  {'case':<15}{'variant':<11}{'wall ms':>16}{'cpu ms':>9}{'ratio wall':>12}{'cpu':>6}")
    for name, variants in cases.items():
        for variant in variants:
            wall = per_round[(name, variant, "wall")]
            cpu = per_round[(name, variant, "cpu")]
            ratios = (
                ""
                if variant == "endpoint"
                else f"{paired(per_round, name, variant, 'wall'):12.2f}"
                f"{paired(per_round, name, variant, 'cpu'):6.2f}"
            )
            spread = f"{statistics.median(wall):7.2f} [{min(wall):.1f}-{max(wall):.1f}]"
            print(f"  {name:<15}{variant:<11}{spread:>16}{statistics.median(cpu):9.2f}{ratios}")


if __name__ == "__main__":
    main()
