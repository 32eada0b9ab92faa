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
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=30, help="calls per case per round")
    parser.add_argument("--cases", help="comma-separated subset, e.g. `search,outreach-post`")
    parser.add_argument(
        "--profile", help="cProfile one case: `detail` (the endpoint) or `detail:plain`"
    )
    args = parser.parse_args()
    settings.MEDIA_ROOT = "/tmp/connect_api_speed_media"
    token, request_uuid = prepare()
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    basic_client = Client(HTTP_AUTHORIZATION=prepare_outreach())

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

    def outreach_post(url):
        def call():
            response = basic_client.post(
                url, OUTREACH_SEED_BODY_TEXT, content_type="application/json"
            )
            assert response.status_code == 200, (url, response.content[:300])
            return response

        return call

    cases = {
        "list": {
            "endpoint": get(f"{API}request/"),
            "plain": get("/bench/plain/requests/"),
            "ninja": get("/bench/ninja/requests/"),
            "ninja-dict": get("/bench/ninja/dict/requests/"),
        },
        "detail": {
            "endpoint": get(f"{API}request/{request_uuid}/"),
            "plain": get(f"/bench/plain/requests/{request_uuid}/"),
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
    if args.cases:
        cases = {name: cases[name] for name in args.cases.split(",")}
    for name, variants in cases.items():  # same body from endpoint and twins
        bodies = {variant: call().content for variant, call in variants.items()}
        bodies = {variant: json.loads(body or "null") for variant, body in bodies.items()}
        if name == "search":
            assert bodies["endpoint"]["Page"], "the search finds people"
        if name not in ("create", "patch", "outreach-post"):
            assert all(body == bodies["endpoint"] for body in bodies.values()), name

    warm_and_freeze()  # as gunicorn's workers do once loaded (gunicorn.conf.py)

    if args.profile:
        profiler = cProfile.Profile()
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

    per_call: dict[tuple[str, str], list[float]] = {
        (name, variant): [] for name, variants in cases.items() for variant in variants
    }
    for _ in range(args.rounds):
        for name, variants in cases.items():
            for variant, call in variants.items():
                started = time.perf_counter()
                for _ in range(args.calls):
                    call()
                per_call[(name, variant)].append(
                    (time.perf_counter() - started) / args.calls * 1000
                )
    print(
        f"{connection.vendor}: {args.rounds} interleaved rounds x {args.calls} calls, "
        "ms per call (median [min-max]); ratio = twin median / endpoint median"
    )
    for name, variants in cases.items():
        endpoint = statistics.median(per_call[(name, "endpoint")])
        for variant in variants:
            values = per_call[(name, variant)]
            median = statistics.median(values)
            ratio = "" if variant == "endpoint" else f"  ratio {median / endpoint:.2f}"
            print(
                f"  {name:<15}{variant:<11}{median:8.2f} [{min(values):.2f}-{max(values):.2f}]"
                f"{ratio}"
            )


if __name__ == "__main__":
    main()
