"""Each endpoint side by side with its plain-Django twin (and django-ninja for detail and list),
in one process, interleaved rounds; ratio = twin's cost / endpoint's cost (1.0 = as fast).

    .venv/bin/python benchmarks/speed.py                    # PostgreSQL, ~1-2 min
    .venv/bin/python benchmarks/speed.py --sqlite           # SQLite (the `make run` default)
    .venv/bin/python benchmarks/speed.py --rounds 7 --calls 100 --profile detail
    .venv/bin/python benchmarks/speed.py --rounds 31 --calls 30 --steps create
    .venv/bin/python benchmarks/speed.py --rounds 101 --grouped \\
        --cases create,outreach-post,dispatch
    .venv/bin/python benchmarks/speed.py --rounds 81 --calls 15 --interleaved \\
        --cases create,outreach-post,patch,dispatch         # variants in turns, call by call
    .venv/bin/python benchmarks/speed.py --server --rounds 9 \\
        --cases list,detail,create,outreach-post           # gunicorn + wrk (speed_server.py)
    .venv/bin/python benchmarks/speed.py --server --interleaved --rounds 31 --seconds 3 \\
        --cases create,outreach-post,dispatch               # in turns, timed in the worker
    .venv/bin/python benchmarks/speed.py --server --instructions --calls 50 \\
        --cases create,outreach-post                        # inside a gunicorn worker
    .venv/bin/python benchmarks/speed.py --instructions --calls 40   # valgrind, ~11 min
    .venv/bin/python benchmarks/speed.py --instructions --calls 100 --cases dispatch \\
        --without all                                       # DRF's parts, ~5 min
    .venv/bin/python benchmarks/speed.py --instructions --calls 100 \\
        --cases create,outreach-post,dispatch --without together   # ~7 min

PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/connect_api_bench,
data of its own organization); SQLite: /tmp/connect_api_speed.sqlite3 (or SPEED_SQLITE_PATH).
Every call goes through the Django test client, so the middleware, URL routing and JSON
(de)serialisation are paid by endpoint and twin alike (benchmarks/speed_twins.py); the
endpoints run as deployed (Token or Basic auth, the throttle counter, filters, pagination).
The twins:

- `plain` (every case): a Django view, the same auth and throttle, selectors, SQL, dict
  builders and services, `JsonResponse`;
- `limit` (every case; benchmarks/speed_limit.py): the same authentication, throttle and
  SQL through a cursor, rows by position, `orjson`; and `wsgi` (list, detail): the same
  function without Django's handler; both write twins read a body as the API's parsers do
  and check it by hand by the input serializer's rules, taking what the endpoint takes into
  the same rows (tests/benchmarks);
- `ninja` (list, detail): django-ninja as its users write it over these models: `Schema`
  classes declared with `response=` (nested, aliases and resolvers for renamed and computed
  fields), fed the same prefetched rows (same queries), pydantic validating and dumping every
  row;
- `ninja-dict` (list, detail): a NinjaAPI returning the plain twin's dicts: ninja's router and
  renderer only.

Before measuring, each read variant's body is compared byte for byte with the endpoint's
(the limit detail's ETag and Last-Modified too), and each read twin and each limit twin must
issue as many queries as the endpoint, every variant taking its throttle block. The limit
writes must answer the same (but the new uuid and time) and write the same rows (request,
integrations, history, events; a PATCH of a PENDING and of a CHANGES REQUESTED request; the
outreach change request, its payload and event, and a repeated body answered with the
stored one).

Cases:

- request list: 50 requests x 5 integrations x 2 uploaded files (`GET .../request/`), with
  history lines, decisions and the files' spec checks (prepare())
- request detail (a CHANGES REQUESTED request); connections (the caller's 5 connections,
  every party joined: the API has no single-connection GET)
- create (`POST .../request/`, the docs' body), a fresh request per call
- seed PATCH (`PATCH .../request/<uuid>/`, contact fields) on one PENDING request
- outreach individual search (`GET /api_accessacs_mobile/v2/<site>/individuals?q=son`, HTTP
  Basic as the app sends it, 500 people, a page of 25 with emails, phones and addresses)
- outreach seed POST (`POST .../v2/<site>/connections`, seed 004's body character for
  character: a PENDING add change request per call)
- dispatch: DRF's own cost. The create's body posted to a view on the supplier API's base
  (token, throttles, parser, negotiation, headers) that reads it and answers a small object,
  beside a plain view doing the same (benchmarks/speed_twins.py `DispatchProbe`): what a
  write pays DRF that its plain twin does not
Each ratio is printed with the first and third quartiles of its per-round values: this
machine's speed moves by a tenth within a second, so one round's ratio does too, and a run of
41 rounds pins its median to about ±0.03. `--grouped` runs each case's variants back to back
within a round (cases and variants still in a shuffled order), so the blocks a ratio pairs run
within a second of each other; that narrows the quartiles, and more rounds narrow the median.
The ratio targets (docs/performance.md): the limit twins >= 0.7 on reads and >= 0.6 on
writes, the plain twins >= 0.95 on writes. `--profile <case>` prints cProfile's top entries
for one endpoint (where the fixed per-request cost goes). `--instructions` counts each
variant's CPU instructions per call instead (benchmarks/speed_instructions.py): no noise, so
a change of a few µs shows, but no time either. With `--without all` (or `together`, or some
of `negotiation,permissions,idempotency,headers,body`) it also counts each case's endpoint with
each of those parts of DRF's work taken out, and with all of them
(benchmarks/speed_ablation.py): what each part costs, and what is left of DRF's cost without
any of them.
"""

import argparse
import cProfile
import functools
import itertools
import json
import os
import pstats
import random
import statistics
import sys
import time
from datetime import timedelta
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from benchmarks.speed_limit import wsgi_application  # noqa: E402
from benchmarks.speed_server import (  # noqa: E402
    API,
    NUMBER_MARK,
    READS,
    round_order,
    run_server_instructions,
    run_server_interleaved,
    run_server_rounds,
    server_cases,
)
from connect_api.api.outputs import iso_utc  # noqa: E402
from connect_api.models import Event  # noqa: E402
from connect_api.throttling import LEASES  # noqa: E402
from connect_api.warmup import warm_and_freeze  # noqa: E402
from connections.choices import (  # noqa: E402
    ConnectionRequestStatus,
    IntegrationType,
    ReviewAction,
    specs_for,
)
from connections.models import (  # noqa: E402
    Connection,
    ConnectionRequest,
    Integration,
    ReviewEntry,
)
from organizations.choices import OrganizationStatus, OrganizationType  # noqa: E402
from organizations.models import (  # noqa: E402
    AccountManager,
    Organization,
    OrganizationMembership,
    Person,
)
from outreach import models as outreach_models  # noqa: E402
from outreach.choices import Right  # noqa: E402
from tests.conftest import basic_header  # noqa: E402
from tests.seeds import (  # noqa: E402
    OUTREACH_SEED_BODY_TEXT,
    SUPPLIER_CONTACT_PATCH_BODY,
    SUPPLIER_CREATE_BODY,
)
from uploads.models import Upload, UploadCheck, UploadCheckStatus  # noqa: E402
from uploads.services import specs_key  # noqa: E402

settings.ROOT_URLCONF = "benchmarks.speed_twins"
TOKEN_RENEWAL = 'UPDATE "knox_authtoken"'  # knox's renewal (Django's SQL and the twin's)


def review_line(request, action: str, minutes_ago: int, **fields) -> ReviewEntry:
    return ReviewEntry(
        request=request,
        action=action,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def prepare() -> tuple[str, list[ConnectionRequest]]:
    """The benchmark organization's 50 requests (5 integrations, 2 files each), its 5
    connections, and a token; rebuilt on every run.

    So that every part of the request's output is compared byte for byte and read in the
    endpoint's round trips, some requests carry more than the default: every tenth is
    CHANGES REQUESTED with a history (staff asked, the requester resubmitted, staff asked
    again, naming an integration and a file), one in ten APPROVED by an account manager, one
    in ten REJECTED; two requests in three have their files checked (failed with errors,
    passed, pending; some with a check against other specs too), the rest show null, and one
    in ten has only an `other` integration (no spec: not_applicable). The
    detail is the newest request (CHANGES REQUESTED, checked files). Returns the token and
    the requests, oldest first."""
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="speed-retailer")
    manager_user, _ = get_user_model().objects.get_or_create(
        username="speed-manager", defaults={"is_staff": True}
    )
    manager = AccountManager.objects.filter(user=manager_user).first()
    if manager is None:
        person = Person.objects.create(
            first_name="Mia", last_name="Manager", email="mia@example.com", job_title="AM"
        )
        manager = AccountManager.objects.create(user=manager_user, person=person)
    contact, _ = Person.objects.get_or_create(
        first_name="Renée", last_name="Retail", defaults={"phone": "555-0101"}
    )
    organization, _ = Organization.objects.update_or_create(
        name="Speed Retail",
        defaults={
            "org_type": OrganizationType.RETAILER,
            "status": OrganizationStatus.ACTIVE,
            "account_manager": manager,
            "contact": contact,
            "website": "https://retail.example.com",
        },
    )
    OrganizationMembership.objects.update_or_create(
        user=user, defaults={"organization": organization}
    )
    ConnectionRequest.objects.filter(requester=organization).delete()
    Upload.objects.filter(organization=organization).delete()
    Connection.objects.filter(retailer=organization).delete()
    every_spec = specs_key(specs_for(IntegrationType.values))
    made = []
    for index in range(50):
        status = {
            9: ConnectionRequestStatus.CHANGES_REQUESTED,
            4: ConnectionRequestStatus.APPROVED,
            7: ConnectionRequestStatus.REJECTED,
        }.get(index % 10, ConnectionRequestStatus.PENDING)
        request = ConnectionRequest.objects.create(
            requester=organization,
            counterpart_name=f"Supplier {index}",
            contact_name="Pat Contact",
            contact_email="pat@example.com",
            account_number=f"A-{index}",
            status=status,
            decided_by=manager if status == ConnectionRequestStatus.APPROVED else None,
            rejection_reason="No EDI yet." if status == ConnectionRequestStatus.REJECTED else "",
        )
        made.append(request)
        integrations = Integration.objects.bulk_create(
            Integration(
                request=request,
                integration_type=kind,
                update_frequency="0 2 * * *" if kind != "other" else "",
                time_zone="Europe/Berlin" if kind == "order" else "America/New_York",
                file_specs="CSV, one row per item",
            )
            for kind in (
                ("other",)  # no spec to check against: not_applicable
                if index % 10 == 3
                else ("item", "order", "allocation", "tracking", "other")
            )
        )
        uploads = []
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
            uploads.append(upload)
        if index % 3 != 2:
            UploadCheck.objects.bulk_create(
                [
                    UploadCheck(
                        upload=uploads[0],
                        specs=every_spec,
                        **(
                            {"status": UploadCheckStatus.PENDING}
                            if index % 6 == 4
                            else {
                                "status": UploadCheckStatus.FAILED,
                                "spec": "product",
                                "rows_checked": 1,
                                "error_count": 1,
                                "errors": [{"row": 2, "field": "qty", "message": "« 3x » ?"}],
                                "finished": timezone.now(),
                            }
                        ),
                    ),
                    UploadCheck(
                        upload=uploads[1],
                        specs=every_spec,
                        status=UploadCheckStatus.PASSED,
                        spec="inventory",
                        rows_checked=1,
                        error_count=0,
                        finished=timezone.now(),
                    ),
                    *(
                        [UploadCheck(upload=uploads[1], specs="orders", reason="No header.")]
                        if index % 3 == 1
                        else []
                    ),
                ]
            )
        if status == ConnectionRequestStatus.CHANGES_REQUESTED:
            ReviewEntry.objects.bulk_create(
                [
                    review_line(
                        request,
                        ReviewAction.CHANGES_REQUESTED,
                        30,
                        account_manager=manager,
                        message="Add the order feed's time zone.",
                    ),
                    review_line(request, ReviewAction.RESUBMITTED, 20, user=user),
                    review_line(
                        request,
                        ReviewAction.CHANGES_REQUESTED,
                        10,
                        account_manager=manager,
                        message="Le fichier « feed » n'a pas d'en-tête.",
                        integrations=[str(integrations[1].uuid)],
                        uploaded_files=[str(uploads[0].uuid)],
                    ),
                ]
            )
        elif status != ConnectionRequestStatus.PENDING:
            ReviewEntry.objects.create(
                request=request,
                action=status,
                account_manager=manager,
                message=request.rejection_reason,
            )
    for index in range(5):
        supplier, _ = Organization.objects.get_or_create(
            name=f"Speed Supplier {index}", defaults={"org_type": OrganizationType.SUPPLIER}
        )
        Connection.objects.create(
            retailer=organization,
            supplier=supplier,
            account_manager=manager if index % 2 else None,
            allocation_type="fair share" if index % 2 else "",
            suppliers_retailer_account_number=f"R-{index}",
        )
    _, token = AuthToken.objects.create(user=user)
    return token, made


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
            listed=bool(person.number % 7),
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
        if person.number % 5  # these use their family's phone, when it has one
    )
    # Addresses, so the search's address reads and choice (own mailing, else own active, else
    # the family's) are exercised: some people have their own (one in three of those a
    # second, inactive one), some families one, a third of the families a phone.
    outreach_models.Address.objects.bulk_create(
        [
            *(
                outreach_models.Address(
                    site=site,
                    number=person.number * 2 + extra,
                    individual=person,
                    active=not extra,
                    mailing=not extra,
                    street=f"{person.number} Main St",
                    street2="Apt 2" if person.number % 3 else "",
                    city="Provo",
                    state="UT",
                    zipcode="84601",
                    country="USA",
                )
                for person in people
                if person.number % 16 == 0
                for extra in range(1 + (person.number % 3 == 0))
            ),
            *(
                outreach_models.Address(
                    site=site,
                    number=10_000 + family.number,
                    family=family,
                    company="Family Farm" if family.number % 16 == 5 else "",
                    street=f"{family.number} Family Rd",
                    city="Orem",
                    state="UT",
                )
                for family in families
                if family.number % 8 == 5
            ),
        ]
    )
    outreach_models.Phone.objects.bulk_create(
        outreach_models.Phone(
            site=site,
            number=10_000 + family.number,
            family=family,
            phone_number=f"801-777-{family.number:04d}",
            listed=False,
        )
        for family in families
        if family.number % 3 == 1
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


def outreach_body(number: int | str) -> str:
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
        body = b"".join(
            wsgi_application(environ, lambda status, headers: started.append((status, headers)))
        )
        status, headers = started.pop()
        assert status.startswith("200"), body[:300]
        return SimpleNamespace(status_code=200, content=body, headers=dict(headers))

    return call


WRITES = ("create", "patch", "outreach-post")


def written(connection_request: ConnectionRequest) -> dict:
    """What a create or PATCH wrote of a request, without generated ids, uuids and times: the
    row, its integrations, its history lines and its events."""
    row = ConnectionRequest.objects.get(pk=connection_request.pk)
    return {
        "row": {
            field: getattr(row, field)
            for field in (
                "requester_id",
                "counterpart_id",
                "counterpart_name",
                "contact_name",
                "contact_phone",
                "contact_email",
                "account_number",
                "additional_information",
                "status",
                "decided_by_id",
                "decided_at",
                "rejection_reason",
                "created_by_id",
            )
        },
        "version": row.version,
        "integrations": list(
            row.integrations.values_list(
                "integration_type",
                "update_frequency",
                "time_zone",
                "file_locations",
                "file_specs",
                "rules",
            )
        ),
        "history": [
            (action, manager, user, message, len(integrations))
            for action, manager, user, message, integrations in row.history.values_list(
                "action", "account_manager_id", "user_id", "message", "integrations"
            )
        ],
        "events": [
            (
                event.name,
                {**event.data, "request_uuid": "<uuid>"},
                {**event.refs, "connection_request": "<id>"},
            )
            for event in Event.objects.filter(refs__connection_request=row.pk).order_by("id")
        ],
    }


def writes_compare(name: str, answers: dict, made: list[ConnectionRequest], client: Client) -> None:
    """The limit twin's write does what the endpoint's does: for create the same answer (but
    the new uuid and the time) and the same rows; for PATCH the same change (a PENDING request
    changed, version bumped; a CHANGES REQUESTED one resubmitted), each on a request of its
    own."""
    if name == "create":
        shapes = {}
        for variant in ("endpoint", "limit"):
            data = json.loads(answers[variant].content)
            created = ConnectionRequest.objects.get(uuid=data["request_uuid"])
            assert data["request_date"] == iso_utc(created.request_date), (variant, data)
            shapes[variant] = (sorted(data), written(created))
        assert shapes["limit"] == shapes["endpoint"], shapes
        return
    body = json.dumps(SUPPLIER_CONTACT_PATCH_BODY)
    for status, (first, second) in (
        ("PENDING", (made[-4], made[-5])),
        ("CHANGES REQUESTED", (made[-11], made[-21])),
    ):
        changes = {}
        for variant, target in (("endpoint", first), ("limit", second)):
            assert target.status == status, (target, status)
            before = written(target)
            url = f"{API}request/" if variant == "endpoint" else "/bench/limit/requests/"
            response = client.patch(f"{url}{target.uuid}/", body, content_type="application/json")
            assert response.status_code == 204 and response.content == b"", response.content
            after = written(target)
            after["version"] -= before["version"]
            for own in ("counterpart_name", "account_number"):  # each request's own
                del after["row"][own]
            changes[variant] = after
        assert changes["limit"] == changes["endpoint"], (status, changes)


def outreach_written(number: int) -> dict:
    """What an outreach POST wrote: the change request (its comment aside: each call sends
    its own) and its event, without generated ids and times."""
    row = outreach_models.ChangeRequest.objects.get(site__number=OUTREACH_SITE, number=number)
    return {
        "row": (row.status, row.kind, row.connection_id, row.base_version, row.submitted_by_id),
        "review": (row.reviewed_at, row.review_message, row.reviewed_by_id, row.failure_reason),
        "payload": {**row.payload, "comment": "<comment>"},
        "events": [
            (
                event.name,
                {**event.data, "change_request_id": "<n>"},
                {**event.refs, "change_request": "<id>"},
            )
            for event in Event.objects.filter(
                name="change_request.submitted", refs__change_request=row.pk
            )
        ],
    }


def outreach_writes_compare(answers: dict, client: Client, urls: list[str]) -> None:
    """The limit twin's POST stores what the endpoint's stores, and answers a repeat of a body
    with the change request already stored, as the endpoint does (`urls`: the endpoint's and
    the limit twin's)."""
    numbers = {variant: json.loads(answers[variant].content) for variant in ("endpoint", "limit")}
    assert outreach_written(numbers["limit"]) == outreach_written(numbers["endpoint"]), numbers
    body = outreach_body(0)  # a body of its own, posted twice to each
    first = None
    for url in urls:
        again = [
            json.loads(client.post(url, body, content_type="application/json").content)
            for _ in range(2)
        ]
        first = again[0] if first is None else first
        assert again[0] == again[1] == first, (url, again, first)


def ratios(per_round: dict, name: str, variant: str, clock: str) -> list[float]:
    """(variant's cost / endpoint's cost) measured in the same round, for each round."""
    return [
        twin / endpoint
        for twin, endpoint in zip(
            per_round[(name, variant, clock)], per_round[(name, "endpoint", clock)], strict=True
        )
    ]


def paired(per_round: dict, name: str, variant: str, clock: str) -> float:
    """The median over rounds of (variant's cost / endpoint's cost) measured in the same round."""
    return statistics.median(ratios(per_round, name, variant, clock))


def quartiles(per_round: dict, name: str, variant: str, clock: str) -> str:
    """The per-round ratios' first and third quartiles: how much one round's ratio varies."""
    first, _, third = statistics.quantiles(ratios(per_round, name, variant, clock), n=4)
    return f"{first:.2f}-{third:.2f}"


def interleaved_round(cases: dict, per_round: dict, shuffler: random.Random, calls: int) -> None:
    """One round with each case's variants interleaved call by call: the cases in a shuffled
    order; for each, `calls` times, every variant called once in a shuffled order, each call
    timed by the wall clock and by this thread's CPU time. A variant's cost in the round is
    the mean over its calls, so a change in the machine's speed during the round reaches
    every variant of the case alike."""
    names = list(cases)
    shuffler.shuffle(names)
    thread_ns, wall_ns = time.thread_time_ns, time.perf_counter_ns
    for name in names:
        variants = list(cases[name])
        totals = {variant: [0, 0] for variant in variants}
        for _ in range(calls):
            shuffler.shuffle(variants)
            for variant in variants:
                call = cases[name][variant]
                wall, cpu = wall_ns(), thread_ns()
                call()
                cpu, wall = thread_ns() - cpu, wall_ns() - wall
                total = totals[variant]
                total[0] += wall
                total[1] += cpu
        for variant, (wall, cpu) in totals.items():
            per_round[(name, variant, "wall")].append(wall / calls / 1e6)
            per_round[(name, variant, "cpu")].append(cpu / calls / 1e6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=30, help="calls per case per round")
    parser.add_argument("--cases", help="comma-separated subset, e.g. `search,outreach-post`")
    parser.add_argument("--seed", type=int, default=None, help="the shuffle's seed")
    parser.add_argument(
        "--grouped",
        action="store_true",
        help="each round runs a case's variants back to back (in a shuffled order, the cases "
        "in a shuffled order too), so that the blocks a ratio pairs run within a second",
    )
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="each round calls a case's variants in turn, call by call (shuffled each turn), "
        "timing each call by this thread's CPU time: no block of a variant runs apart from "
        "its twins' blocks",
    )
    parser.add_argument(
        "--profile", help="cProfile one case: `detail` (the endpoint) or `detail:plain`"
    )
    parser.add_argument(
        "--steps",
        help="the CPU time of each step of one case, the endpoint beside its plain twin "
        "(benchmarks/speed_steps.py), e.g. `create`",
    )
    parser.add_argument(
        "--server",
        action="store_true",
        help="through gunicorn (2 sync workers) and wrk instead of the test client: list, "
        "detail by default; --cases also takes create, patch, outreach-post, dispatch",
    )
    parser.add_argument("--seconds", type=int, default=3, help="--server: wrk run per block")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="each variant's CPU instructions per call under valgrind's callgrind, one process "
        "per variant (benchmarks/speed_instructions.py); --calls is the count's calls",
    )
    parser.add_argument(
        "--without",
        help="with --instructions: count each case's endpoint again without parts of DRF's "
        "work: `all` (each part, then all five), `together` (all five), or parts, e.g. "
        "`headers,negotiation+body` (benchmarks/speed_ablation.py)",
    )
    parser.add_argument("--instructions-child", help=argparse.SUPPRESS)  # case:variant
    parser.add_argument("--without-child", help=argparse.SUPPRESS)  # parts taken out
    parser.add_argument("--state", help=argparse.SUPPRESS)  # the parent's prepared data
    args = parser.parse_args()
    if args.without and not args.instructions:
        parser.error("--without counts instructions: add --instructions")
    if args.without and args.server:
        parser.error("--without counts the endpoint in process: drop --server")
    if args.interleaved and (args.grouped or args.instructions):
        parser.error("--interleaved times calls in turns: drop --grouped and --instructions")
    settings.MEDIA_ROOT = "/tmp/connect_api_speed_media"
    if args.instructions_child:  # the data the parent prepared
        state = json.loads(Path(args.state).read_text())
    else:
        token, made = prepare()
        state = {
            "token": token,
            "request_uuid": str(made[-1].uuid),  # the detail: CHANGES REQUESTED, files checked
            "patched_uuid": str(made[-2].uuid),  # PENDING: each PATCH changes its contact fields
            "basic": prepare_outreach(),
            "posted_from": 1,
        }
    request_uuid, patched_uuid = state["request_uuid"], state["patched_uuid"]
    authorization = f"Token {state['token']}"
    client = Client(HTTP_AUTHORIZATION=authorization)
    basic_client = Client(HTTP_AUTHORIZATION=state["basic"])
    targets = server_cases(  # the routes of each case's variants, in process and through gunicorn
        authorization=authorization,
        basic=state["basic"],
        request_uuid=request_uuid,
        patched_uuid=patched_uuid,
        create_body=json.dumps(SUPPLIER_CREATE_BODY),
        patch_body=json.dumps(SUPPLIER_CONTACT_PATCH_BODY),
        outreach_body=outreach_body(NUMBER_MARK),
        outreach_site=OUTREACH_SITE,
        outreach_api=OUTREACH,
    )
    server_names = args.cases.split(",") if args.cases else list(READS)
    if args.server and args.instructions:
        run_server_instructions(cases=targets, names=server_names, calls=args.calls)
        return
    if args.server:
        timed = (
            run_server_interleaved
            if args.interleaved
            else functools.partial(run_server_rounds, grouped=args.grouped)
        )
        timed(
            cases=targets,
            names=server_names,
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
        body = json.dumps(SUPPLIER_CREATE_BODY)

        def call():
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 201, (url, response.content[:300])
            return response

        return call

    def patch(url):
        body = json.dumps(SUPPLIER_CONTACT_PATCH_BODY)

        def call():
            response = client.patch(url, body, content_type="application/json")
            assert response.status_code == 204, (url, response.content[:300])
            return response

        return call

    posted = itertools.count(state["posted_from"])

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
            "limit": get("/bench/limit/connections/"),
        },
        "create": {variant: post(target.path) for variant, target in targets["create"].items()},
        "patch": {variant: patch(target.path) for variant, target in targets["patch"].items()},
        "search": {
            "endpoint": get(f"{OUTREACH}/individuals?q=son&pageSize=25", basic_client),
            "plain": get(
                f"/bench/plain/outreach/{OUTREACH_SITE}/individuals?q=son&pageSize=25",
                basic_client,
            ),
            "limit": get(
                f"/bench/limit/outreach/{OUTREACH_SITE}/individuals?q=son&pageSize=25",
                basic_client,
            ),
        },
        "outreach-post": {
            variant: outreach_post(target.path)
            for variant, target in targets["outreach-post"].items()
        },
        "dispatch": {variant: post(target.path) for variant, target in targets["dispatch"].items()},
    }
    if SQLITE:  # the limit twins are PostgreSQL only (`= ANY(%s)`, UNNEST, FOR UPDATE OF, ::jsonb)
        for variants in cases.values():
            variants.pop("limit", None)
            variants.pop("wsgi", None)
    if args.cases:
        cases = {name: cases[name] for name in args.cases.split(",")}
    if args.instructions_child:
        from benchmarks.speed_instructions import WARM_CALLS, counted

        name, _, variant = args.instructions_child.partition(":")
        if args.without_child:
            from benchmarks.speed_ablation import take_out

            take_out(args.without_child.split("+"))
        call = cases[name][variant]
        for _ in range(WARM_CALLS):
            call()
        warm_and_freeze()
        counted(args.calls, call)
        return
    trips = {}
    for name, variants in cases.items():  # the same bytes, in the same round trips
        answers, trips[name] = {}, {}
        for variant, call in variants.items():
            call()  # the first call of a process reads what it keeps (the migration check)
            LEASES.clear()  # each variant takes its throttle block: the counter's round trip
            with CaptureQueriesContext(connection) as captured:
                answers[variant] = call()
            trips[name][variant] = [
                query["sql"]
                for query in captured.captured_queries
                if not query["sql"].startswith(TOKEN_RENEWAL)  # once a minute, whoever calls
            ]
        bodies = {variant: answer.content for variant, answer in answers.items()}
        if name == "search":
            assert json.loads(bodies["endpoint"])["Page"], "the search finds people"
        if name == "outreach-post":
            numbers = [json.loads(body) for body in bodies.values()]
            assert len(set(numbers)) == len(numbers), "each call creates a change request"
        if name in ("create", "patch") and "limit" in variants:
            writes_compare(name, answers, made, client)
        if name == "outreach-post" and "limit" in variants:
            outreach_writes_compare(
                answers,
                basic_client,
                [targets["outreach-post"][variant].path for variant in ("endpoint", "limit")],
            )
        if name not in WRITES:
            for variant, body in bodies.items():
                assert body == bodies["endpoint"], (name, variant, body[:200])
        if name == "detail":
            for variant in ("limit", "wsgi"):
                if variant in answers:
                    for header in ("ETag", "Last-Modified"):
                        assert (
                            answers[variant].headers[header] == answers["endpoint"].headers[header]
                        ), (name, variant, header)
        for variant in trips[name]:  # every read twin and limit twin: the endpoint's round trips
            if name not in WRITES or variant == "limit":
                assert len(trips[name][variant]) == len(trips[name]["endpoint"]), (
                    name,
                    variant,
                    trips[name][variant],
                    trips[name]["endpoint"],
                )
    print(
        "round trips per call (the throttle block taken):",
        "; ".join(
            f"{name} "
            + " ".join(f"{variant} {len(queries)}" for variant, queries in variants.items())
            for name, variants in trips.items()
        ),
    )

    if args.instructions:  # each variant in a process of its own, on the data checked here
        from benchmarks.speed_instructions import run_instruction_counts

        without = []
        if args.without:
            from benchmarks.speed_ablation import counts_named

            without = counts_named(args.without)
        run_instruction_counts(
            cases=cases, state=state, calls=args.calls, sqlite=SQLITE, without=without
        )
        return

    warm_and_freeze()  # as gunicorn's workers do once loaded (gunicorn.conf.py)

    if args.steps:
        from benchmarks.speed_steps import run_steps

        run_steps(
            {variant: cases[args.steps][variant] for variant in ("endpoint", "plain")},
            rounds=args.rounds,
            calls=args.calls,
        )
        return

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
        if args.interleaved:
            interleaved_round(cases, per_round, shuffler, args.calls)
            continue
        blocks = round_order(cases, blocks, shuffler, grouped=args.grouped)
        for name, variant in blocks:
            call = cases[name][variant]
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.calls):
                call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            per_round[(name, variant, "wall")].append(wall / args.calls * 1000)
            per_round[(name, variant, "cpu")].append(cpu / args.calls * 1000)
    order = (
        "each case's variants in turns, call by call, shuffled each turn; thread CPU"
        if args.interleaved
        else "variants shuffled in each"
    )
    print(
        f"{connection.vendor}: {args.rounds} rounds ({order}) x {args.calls} "
        f"calls; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
        "ms per call, median over rounds [min-max]; ratio = median over rounds of the twin's "
        "cost / the endpoint's in the same round (> 1: the twin is slower)"
    )
    print(
        f"  {'case':<15}{'variant':<11}{'wall ms':>16}{'cpu ms':>9}{'ratio wall':>12}{'cpu':>6}"
        f"{'cpu quartiles':>15}"
    )
    for name, variants in cases.items():
        for variant in variants:
            wall = per_round[(name, variant, "wall")]
            cpu = per_round[(name, variant, "cpu")]
            ratios = (
                ""
                if variant == "endpoint"
                else f"{paired(per_round, name, variant, 'wall'):12.2f}"
                f"{paired(per_round, name, variant, 'cpu'):6.2f}"
                f"{quartiles(per_round, name, variant, 'cpu'):>15}"
            )
            spread = f"{statistics.median(wall):7.2f} [{min(wall):.1f}-{max(wall):.1f}]"
            print(f"  {name:<15}{variant:<11}{spread:>16}{statistics.median(cpu):9.2f}{ratios}")


if __name__ == "__main__":
    main()
