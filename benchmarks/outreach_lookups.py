"""Requests/s of the outreach lookups the mobile app calls most (its hot read paths).

    DATABASE_URL=sqlite:////tmp/bench_outreach_lookups.sqlite3 \
        .venv/bin/python benchmarks/outreach_lookups.py

Site 99001 with 2,000 individuals; served in-process (no network) by:
  1. the real endpoints (DRF: cached HTTP Basic, membership and rights, throttle, hand-built
     dicts), with the user throttle and without it;
  2. plain Django views running the same membership lookup, the same selector queries and the
     same dict builders (no authentication: the request's user is set directly).
Paths: the individual search page (`individuals?q=son&pageSize=25`), a connection's detail
(team of 8, 3 responses, 10 comments) and the assignments of one type (50 connections).
About 15 s on SQLite and 25 s on PostgreSQL on this machine.
"""

import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_outreach_lookups.sqlite3")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from rest_framework.throttling import UserRateThrottle  # noqa: E402

from connect_api.api.pagination import PageIndexPagination  # noqa: E402
from connect_api.api.views import OutreachView  # noqa: E402
from outreach import permissions, selectors  # noqa: E402
from outreach.api import outputs, views  # noqa: E402
from outreach.choices import Right, SecurityRole  # noqa: E402
from outreach.models import (  # noqa: E402
    Connection,
    ConnectionComment,
    ConnectionType,
    ConnectionTypeRight,
    Family,
    Individual,
    IndividualEmail,
    Phone,
    Response,
    Site,
    SiteMembership,
    Team,
)
from tests.conftest import basic_header  # noqa: E402

SITE_NUMBER = 99001
INDIVIDUALS = 2000
ASSIGNED = 50
ROUNDS = 7
CALLS_PER_ROUND = 40
USERNAME, PASSWORD = "bench-outreach-caller", "bench-password"
LAST_NAMES = ["Anderson", "Baker", "Carlson", "Davis", "Ellison", "Foster", "Garcia", "Hudson"]


def prepare() -> tuple:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    Connection.objects.filter(site__number=SITE_NUMBER).delete()  # PROTECTs type and contact
    Site.objects.filter(number=SITE_NUMBER).delete()
    site = Site.objects.create(number=SITE_NUMBER, name="Bench")
    families = Family.objects.bulk_create(
        Family(site=site, number=number) for number in range(INDIVIDUALS // 3 + 1)
    )
    Individual.objects.bulk_create(
        Individual(
            site=site,
            number=number,
            family=families[number // 3],
            first_name=f"First{number}",
            last_name=LAST_NAMES[number % len(LAST_NAMES)],
            family_position="Head",
            member_status="Member",
        )
        for number in range(1, INDIVIDUALS + 1)
    )
    people = list(Individual.objects.filter(site=site).order_by("number"))
    IndividualEmail.objects.bulk_create(
        IndividualEmail(
            site=site,
            number=person.number,
            individual=person,
            email=f"person{person.number}@example.org",
            preferred=True,
        )
        for person in people
    )
    Phone.objects.bulk_create(
        Phone(
            site=site,
            number=person.number,
            individual=person,
            phone_number=f"801-555-{person.number:04d}",
            preferred=True,
        )
        for person in people
    )
    Individual.objects.filter(site=site).search_text_refresh()  # bulk_create skips the saves
    me = people[0]
    connection_type = ConnectionType.objects.create(site=site, number=1, description="Guest")
    responses = [
        Response.objects.create(
            site=site, number=number, connection_type=connection_type, description=f"R{number}"
        )
        for number in (1, 2, 3)
    ]
    team = Team.objects.create(site=site, number=1, name="Care Team")
    team.members.set([me, *people[1:8]])

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(PASSWORD)
    user.save()
    membership = SiteMembership.objects.create(
        user=user,
        site=site,
        individual=me,
        security_role=SecurityRole.STAFF,
        locate_person=Right.GRANTED,
        view_add_comments=Right.GRANTED,
    )
    ConnectionTypeRight.objects.create(
        membership=membership, connection_type=connection_type, right=Right.GRANTED
    )
    connections = Connection.objects.bulk_create(
        Connection(
            site=site,
            number=number,
            connection_type=connection_type,
            contact=people[100 + number],
            caller=me if number % 2 else None,
            team=None if number % 2 else team,
            due_date=date(2015, 6, 1) + timedelta(days=number),
        )
        for number in range(1, ASSIGNED + 1)
    )
    detail = connections[1]  # assigned to the team
    detail.responses.set(responses)
    ConnectionComment.objects.bulk_create(
        ConnectionComment(connection=detail, author_name="Bench", text=f"Comment {index}")
        for index in range(10)
    )
    caches["credentials"].clear()
    throttle = UserRateThrottle()
    throttle.cache.delete(throttle.cache_format % {"scope": throttle.scope, "ident": user.pk})
    return user, detail.number


# --- the same work without DRF -------------------------------------------------------------


def _links(request, site_number) -> outputs.Links:
    return outputs.Links(request.build_absolute_uri(f"/api_accessacs_mobile/v2/{site_number}"))


def _viewer(request, membership, site_number, include_self=False) -> outputs.Viewer:
    return outputs.Viewer(
        links=_links(request, site_number),
        individual_id=membership.individual_id,
        include_self=include_self,
        with_comments=permissions.can_view_comments(membership),
        permission_level=lambda c: permissions.connection_permission_level(membership, c),
    )


def plain_search(request, site_number):
    membership = permissions.membership_for(request.user, site_number)
    if not permissions.can_locate_people(membership):
        return JsonResponse({"detail": "forbidden"}, status=403)
    page = PageIndexPagination(0, 25)
    individuals = selectors.individuals_search(membership, request.GET.get("q", ""))
    rows, page_count = page.rows_counted_up_to(
        individuals.select_related("family"),
        outputs.SEARCH_EXACT_COUNT_UP_TO,
        selectors.contact_prefetches(),
    )
    links = _links(request, site_number)
    items = [outputs.contact_data(person, links) for person in rows]
    return JsonResponse(page.data(items, page_count))


def plain_connection(request, site_number, connection_id):
    membership = permissions.membership_for(request.user, site_number)
    viewer = _viewer(request, membership, site_number, include_self=True)
    connection = selectors.connection_get(
        membership, int(connection_id), with_comments=viewer.with_comments
    )
    return JsonResponse(outputs.connection_detail_data(connection, viewer))


def plain_assignments(request, site_number, connection_type_id):
    membership = permissions.membership_for(request.user, site_number)
    viewer = _viewer(request, membership, site_number)
    connection_type = selectors.connection_type_get(membership, int(connection_type_id))
    connections = selectors.assignments_for(membership).filter(connection_type=connection_type)
    page = PageIndexPagination(0, 100)
    rows, page_count = page.rows(
        selectors.with_connection_details(connections, with_comments=viewer.with_comments)
    )
    items = [outputs.connection_summary_data(connection, viewer) for connection in rows]
    return JsonResponse(page.data(items, page_count))


# --- measuring -----------------------------------------------------------------------------


def rates(*calls) -> list[float]:
    """Median requests/s of each call over ROUNDS rounds of CALLS_PER_ROUND calls, the calls
    taking turns round by round so that load from elsewhere on the machine hits them alike."""
    for call in calls:
        call()  # warm up
    measured: list[list[float]] = [[] for _ in calls]
    for _ in range(ROUNDS):
        for index, call in enumerate(calls):
            started = time.perf_counter()
            for _ in range(CALLS_PER_ROUND):
                call()
            measured[index].append(CALLS_PER_ROUND / (time.perf_counter() - started))
    return [statistics.median(values) for values in measured]


def main() -> None:
    user, detail_number = prepare()
    factory = RequestFactory()
    authorization = basic_header(USERNAME, PASSWORD)
    base = f"/api_accessacs_mobile/v2/{SITE_NUMBER}"
    paths = {
        "individual search page": (
            f"{base}/individuals",
            {"q": "son", "pageSize": 25},
            views.IndividualSearchView,
            plain_search,
            {},
        ),
        "connection detail": (
            f"{base}/connections/{detail_number}",
            {"includeSelf": "true"},
            views.ConnectionDetailView,
            plain_connection,
            {"connection_id": detail_number},
        ),
        "assignments of a type": (
            f"{base}/connections/assignments/1",
            {"pageSize": 100},
            views.AssignmentListView,
            plain_assignments,
            {"connection_type_id": 1},
        ),
    }

    def endpoint(url, params, view_class, kwargs):
        view = view_class.as_view()

        def call():
            request = factory.get(url, params, HTTP_AUTHORIZATION=authorization)
            response = view(request, site_number=SITE_NUMBER, **kwargs)
            response.render()
            assert response.status_code == 200, response.content
            return response

        return call

    def plain(url, params, view_function, kwargs):
        def call():
            request = factory.get(url, params)
            request.user = user
            response = view_function(request, site_number=SITE_NUMBER, **kwargs)
            assert response.status_code == 200, response.content
            return response

        return call

    calls = {
        label: (endpoint(url, params, view_class, kwargs), plain(url, params, function, kwargs))
        for label, (url, params, view_class, function, kwargs) in paths.items()
    }
    for label, (api_call, plain_call) in calls.items():
        api_body = json.loads(api_call().content)
        assert json.loads(plain_call().content) == api_body, label

    # 3 x (ROUNDS x CALLS_PER_ROUND + 1) calls stay under the default 1200/min user throttle.
    with_throttle = {label: rates(api_call)[0] for label, (api_call, _) in calls.items()}
    OutreachView.throttle_classes = []
    figures = [
        (label, with_throttle[label], *rates(api_call, plain_call))
        for label, (api_call, plain_call) in calls.items()
    ]
    print(
        f"outreach lookups, site of {INDIVIDUALS} individuals, {django.db.connection.vendor} "
        "(req/s, median of 7 rounds of 40)"
    )
    print(f"  {'path':<24} {'endpoint':>9} {'no throttle':>12} {'plain Django':>13} {'ratio':>6}")
    for label, throttled, api, floor in figures:
        print(f"  {label:<24} {throttled:9.1f} {api:12.1f} {floor:13.1f} {floor / api:6.2f}")


if __name__ == "__main__":
    main()
