"""The review console (/review/) for site Administrators, through Django's test client with a
real session: who gets in, the queue (apply, reject, apply all, the stale notice), connections
(filters, bulk reassign, CSV), the workload, the directory, the site switcher; a crawl of every
URL the console exposes as an Administrator of one site, with the other site's ids; and the
queries a page costs, pinned at 1 and at 1,000 rows."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.urls import URLPattern, reverse
from django.utils import timezone

from connect_api.events import EventName
from connect_api.models import Event
from outreach.choices import ChangeRequestKind, ChangeRequestStatus, SecurityRole
from outreach.models import ChangeRequest, CommentChangeRequest, Connection, ConnectionHistory
from outreach.review import review_site
from tests.factories import (
    ChangeRequestFactory,
    CommentTypeFactory,
    ConnectionTypeFactory,
    EndpointFactory,
    FamilyFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    SiteFactory,
    SiteMembershipFactory,
    TeamFactory,
    UserFactory,
)
from tests.outreach.conftest import rows_once_per_module

pytestmark = pytest.mark.django_db

FOREIGN_MARKERS = ("Zebulon", "Foreignsite", "foreign_submitter", "Foreign Team", "Foreign Type")
"""Strings only the other site's rows hold: none may appear on any page of the console."""


@dataclass
class SiteRows:
    site: object
    individual: object
    family: object
    team: object
    connection: object
    change_request: object
    comment_change_request: object


def _site_rows(number: int, name: str, *, foreign: bool) -> SiteRows:
    site = SiteFactory(number=number, name=name)
    family = FamilyFactory(site=site, number=1, name="Foreignsite Family" if foreign else "Home")
    individual = IndividualFactory(
        site=site,
        number=1,
        family=family,
        first_name="Zebulon" if foreign else "Ada",
        last_name="Foreignsite" if foreign else "Local",
        email="",
        phone="",
    )
    team = TeamFactory(site=site, number=1, name="Foreign Team" if foreign else "Care Team")
    connection = OutreachConnectionFactory(
        site=site,
        number=1,
        contact=individual,
        caller=individual,
        connection_type=ConnectionTypeFactory(
            site=site, number=1, description="Foreign Type" if foreign else "First Visit"
        ),
        due_date=timezone.localdate() - timedelta(days=2),
    )
    submitter = UserFactory(
        username="foreign_submitter" if foreign else "local_submitter",
        email="foreign@example.org" if foreign else "local@example.org",
    )
    SiteMembershipFactory(site=site, user=submitter, individual=individual)
    change_request = ChangeRequestFactory(site=site, connection=connection, submitted_by=submitter)
    comment_change_request = CommentChangeRequest.objects.create(
        site=site,
        number=1,
        individual=individual,
        comment_type=CommentTypeFactory(site=site, number=1),
        text="Foreignsite comment" if foreign else "A kind word",
        submitted_by=submitter,
    )
    return SiteRows(
        site, individual, family, team, connection, change_request, comment_change_request
    )


@dataclass
class Console:
    mine: SiteRows
    theirs: SiteRows
    administrator: object


def _console_build() -> Console:
    mine = _site_rows(12345, "Grace", foreign=False)
    theirs = _site_rows(54321, "Hillside", foreign=True)
    administrator = UserFactory(username="site_admin")
    SiteMembershipFactory(
        site=mine.site, user=administrator, security_role=SecurityRole.ADMINISTRATOR
    )
    SiteMembershipFactory(site=theirs.site, user=administrator, security_role=SecurityRole.STAFF)
    return Console(mine, theirs, administrator)


_console_rows = rows_once_per_module(_console_build)


@pytest.fixture
def console(_console_rows, client) -> Console:
    """An Administrator of site 12345 (and a plain member of 54321: no console there), logged
    in; the rows written once per module, each test with its own copies."""
    built = _console_build() if _console_rows is None else _console_rows.own_copy()
    client.force_login(built.administrator)
    return built


def url(name: str, *args) -> str:
    return reverse(f"review:{name}", args=args)


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_nothing_foreign(response, where: str):
    body = text_of(response)
    leaked = [marker for marker in FOREIGN_MARKERS if marker in body]
    assert not leaked, f"{where} shows {leaked}"


# --- who gets in ------------------------------------------------------------------------


def test_a_user_who_administers_no_site_is_refused_at_the_login(client):
    member = UserFactory(username="caller", password="caller-pass-1")
    SiteMembershipFactory(user=member, security_role=SecurityRole.STAFF)
    UserFactory(username="staffer", password="staff-pass-1", is_staff=True)

    for username, password in (("caller", "caller-pass-1"), ("staffer", "staff-pass-1")):
        response = client.post(url("login"), {"username": username, "password": password})
        assert response.status_code == 200
        assert "username and password of a site Administrator" in response.text
        assert client.get(url("index")).status_code == 302  # back to the login


def test_an_administrator_logs_in(client):
    user = UserFactory(username="boss", password="boss-pass-1")
    SiteMembershipFactory(user=user, security_role=SecurityRole.ADMINISTRATOR)
    response = client.post(
        url("login") + "?next=/review/", {"username": "boss", "password": "boss-pass-1"}
    )
    assert response.status_code == 302
    assert client.get(url("index")).status_code == 200


def test_the_site_switcher_shows_one_administered_site_at_a_time(client, console):
    console.administrator.site_memberships.filter(site=console.theirs.site).update(
        security_role=SecurityRole.ADMINISTRATOR
    )
    index = client.get(url("index"))
    assert 'id="site-switcher"' in index.text
    queue = client.get(url("outreach_changerequest_changelist"))
    assert "local_submitter" in queue.text and "foreign_submitter" not in queue.text

    client.post(url("site_switch"), {"site": "54321"})

    queue = client.get(url("outreach_changerequest_changelist"))
    assert "foreign_submitter" in queue.text and "local_submitter" not in queue.text
    assert client.post(url("site_switch"), {"site": "99999"}).status_code == 404


# --- the queue --------------------------------------------------------------------------


def test_the_queue_lists_pending_requests_oldest_first_with_their_tables(client, console):
    newer = ChangeRequestFactory(
        site=console.mine.site,
        connection=console.mine.connection,
        submitted_at=timezone.now() + timedelta(minutes=5),
    )
    ChangeRequestFactory(
        site=console.mine.site,
        connection=console.mine.connection,
        status=ChangeRequestStatus.REJECTED,
    )
    response = client.get(url("outreach_changerequest_changelist"))
    numbers = re.findall(r"/review/outreach/changerequest/(\d+)/change/", response.text)
    assert [int(pk) for pk in dict.fromkeys(numbers)] == [
        console.mine.change_request.pk,
        newer.pk,
    ]
    assert response.text.count('class="change-table"') == 2
    assert "<th>Field</th><th>Before</th><th>After</th>" in response.text
    assert "local_submitter" in response.text


def test_apply_from_the_button_and_read_the_history(client, console):
    change_request = console.mine.change_request

    response = client.post(url("outreach_changerequest_apply", change_request.pk))

    assert response.status_code == 302
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.APPLIED
    assert change_request.reviewed_by == console.administrator
    page = client.get(url("outreach_connection_change", console.mine.connection.pk))
    assert 'class="history-entry"' in page.text
    assert f"change request {change_request.number}" in page.text


def test_reject_with_a_message_mails_the_submitter(
    client, console, django_capture_on_commit_callbacks
):
    change_request = console.mine.change_request
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("outreach_changerequest_changelist"),
            {
                "action": "reject_selected",
                helpers.ACTION_CHECKBOX_NAME: [change_request.pk],
                "message": "Please call first.",
            },
        )
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.REJECTED
    (message,) = [m for m in mail.outbox if m.to == ["local@example.org"]]
    assert "rejected" in message.subject
    assert "Please call first." in message.body


def test_apply_all_applies_each_once_and_tells_the_submitter_of_a_stale_one(
    client, console, django_capture_on_commit_callbacks
):
    site = console.mine.site
    fresh = console.mine.change_request
    stale = ChangeRequestFactory(
        site=site, connection=console.mine.connection, submitted_by=fresh.submitted_by
    )
    endpoint = EndpointFactory(
        organization=None, site=site, number=1, events=[EventName.CHANGE_REQUEST_STALE]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("outreach_changerequest_apply_all"), follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert "1 change request(s) applied." in shown
    assert any(
        text.startswith(f"Change request {stale.number}: not applied: Connection 1 changed")
        for text in shown
    )
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.status, stale.status) == (ChangeRequestStatus.APPLIED, "PENDING")
    (event,) = Event.objects.filter(name=EventName.CHANGE_REQUEST_STALE)
    assert event.data["reason"] == stale.failure_reason
    assert event.data["change_request_id"] == stale.number
    assert endpoint.deliveries.filter(event=event).exists()
    (notice,) = [m for m in mail.outbox if "could not be applied" in m.subject]
    assert notice.to == ["local@example.org"] and stale.failure_reason in notice.body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("outreach_changerequest_apply_all"))  # still stale, same reason

    assert Event.objects.filter(name=EventName.CHANGE_REQUEST_STALE).count() == 1
    assert ConnectionHistory.objects.filter(change_request=fresh).count() == 1


def test_comment_change_requests_are_applied_from_their_queue(client, console):
    comment = console.mine.comment_change_request
    queue = client.get(url("outreach_commentchangerequest_changelist"))
    assert "A kind word" in queue.text
    client.post(
        url("outreach_commentchangerequest_changelist"),
        {"action": "apply_selected", helpers.ACTION_CHECKBOX_NAME: [comment.pk]},
    )
    comment.refresh_from_db()
    assert comment.status == ChangeRequestStatus.APPLIED


# --- connections ------------------------------------------------------------------------


def test_bulk_reassign_makes_one_change_each_with_history(client, console):
    site = console.mine.site
    second = OutreachConnectionFactory(
        site=site, number=2, connection_type=console.mine.connection.connection_type
    )
    chosen = [console.mine.connection.pk, second.pk]
    changelist = url("outreach_connection_changelist")

    form = client.post(
        changelist, {"action": "reassign_selected", helpers.ACTION_CHECKBOX_NAME: chosen}
    )
    assert 'id="reassign-form"' in form.text and "Care Team" in form.text
    done = client.post(
        changelist,
        {
            "action": "reassign_selected",
            helpers.ACTION_CHECKBOX_NAME: chosen,
            "reassign": "1",
            "team": console.mine.team.pk,
        },
    )

    assert done.status_code == 302
    for connection in Connection.objects.filter(pk__in=chosen):
        assert connection.team == console.mine.team
        assert connection.version == 2
        (entry,) = connection.history.all()
        assert entry.kind == ChangeRequestKind.REASSIGN
        assert entry.changes["TeamId"] == [None, 1]
        assert entry.changed_by == console.administrator


def test_reassign_refuses_another_sites_team(client, console):
    response = client.post(
        url("outreach_connection_changelist"),
        {
            "action": "reassign_selected",
            helpers.ACTION_CHECKBOX_NAME: [console.mine.connection.pk],
            "reassign": "1",
            "team": console.theirs.team.pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.text
    console.mine.connection.refresh_from_db()
    assert console.mine.connection.team is None


def test_filters_and_the_csv_export_agree(client, console):
    site = console.mine.site
    OutreachConnectionFactory(
        site=site,
        number=2,
        connection_type=console.mine.connection.connection_type,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    query = "?due=overdue"
    listed = client.get(url("outreach_connection_changelist") + query)
    exported = client.get(url("outreach_connection_export") + query)

    numbers = re.findall(r"/review/outreach/connection/(\d+)/change/", listed.text)
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert exported["Content-Type"].startswith("text/csv")
    assert rows[0][0] == "ConnectionId"
    assert [row[0] for row in rows[1:]] == ["1"]
    assert [int(pk) for pk in dict.fromkeys(numbers)] == [console.mine.connection.pk]


def test_the_workload_counts_and_links_to_the_filtered_list(client, console):
    site = console.mine.site
    today = timezone.localdate()
    kind = console.mine.connection.connection_type
    caller = console.mine.individual
    OutreachConnectionFactory(
        site=site, number=2, connection_type=kind, caller=caller, due_date=today + timedelta(1)
    )
    OutreachConnectionFactory(
        site=site,
        number=3,
        connection_type=kind,
        caller=caller,
        completed=True,
        completed_date=today - timedelta(days=3),
    )
    page = client.get(url("workload"))
    row = re.search(r"Ada Local \(1\)</th>(.*?)</tr>", page.text).group(1)
    figures = dict(re.findall(r'<td class="(\w+)"><a href="[^"]*">(\d+)</a>', row))
    assert figures == {"open": "2", "overdue": "1", "soon": "1", "done": "1"}

    link = re.search(r'<td class="soon"><a href="([^"]*)">', row).group(1)
    listed = client.get(link.replace("&amp;", "&"))
    numbers = re.findall(r"/review/outreach/connection/(\d+)/change/", listed.text)
    assert len(set(numbers)) == 1


def test_the_directory_searches_with_the_apis_search(client, console):
    found = client.get(url("outreach_individual_changelist") + "?q=ada+loc")
    assert "Ada" in found.text
    missing = client.get(url("outreach_individual_changelist") + "?q=zebulon")
    assert "0 individuals" in missing.text


# --- tenancy: the crawl -----------------------------------------------------------------


def _console_routes():
    """Every URL pattern the console exposes, as (route, needs an object id, model admin)."""
    routes = [(pattern, None) for pattern in review_site.get_urls()[:2]]  # switch, workload
    for model_admin in review_site._registry.values():
        routes += [(pattern, model_admin) for pattern in model_admin.get_urls()]
    return [
        (pattern, model_admin) for pattern, model_admin in routes if isinstance(pattern, URLPattern)
    ]


def _object_url(pattern, model_admin, pk) -> str:
    return f"/review/{model_admin.opts.app_label}/{model_admin.opts.model_name}/" + str(
        pattern.pattern
    ).replace("<path:object_id>", str(pk))


def _rows_of(rows: SiteRows, model_admin):
    return {
        "changerequest": rows.change_request,
        "commentchangerequest": rows.comment_change_request,
        "connection": rows.connection,
        "individual": rows.individual,
        "family": rows.family,
    }[model_admin.opts.model_name]


def test_the_crawl_never_shows_another_sites_data(client, console):
    crawled = 0
    for pattern, model_admin in _console_routes():
        route = str(pattern.pattern)
        if model_admin is None:
            target = "/review/" + route
            assert_nothing_foreign(client.get(target), target)
            crawled += 1
            continue
        base = f"/review/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"
        if "<path:object_id>" not in route:
            if route.endswith("apply-all/"):
                continue  # a write: exercised in its own test, for one site only
            target = base + route
            for query in ("", "?q=1", f"?caller__id__exact={console.theirs.individual.pk}"):
                response = client.get(target + query)
                assert response.status_code in (200, 403, 302), target
                assert_nothing_foreign(response, target + query)
                crawled += 1
            continue
        own = _object_url(pattern, model_admin, _rows_of(console.mine, model_admin).pk)
        foreign = _object_url(pattern, model_admin, _rows_of(console.theirs, model_admin).pk)
        assert_nothing_foreign(client.get(own), own)
        for method in (client.get, client.post):
            response = method(foreign, follow=True)  # <id>/ redirects to <id>/change/
            assert response.status_code in (404, 403, 405), (method.__name__, foreign)
            if response.status_code == 405:  # POST-only: the POST must not find it either
                continue
            assert_nothing_foreign(response, foreign)
            crawled += 1
    assert crawled > 40

    theirs = console.theirs
    for model_admin in review_site._registry.values():
        name = model_admin.opts.model_name
        for action in model_admin.get_actions(_request(client, console)):
            response = client.post(
                f"/review/outreach/{name}/",
                {
                    "action": action,
                    helpers.ACTION_CHECKBOX_NAME: [_rows_of(theirs, model_admin).pk],
                    "reassign": "1",
                    "team": console.mine.team.pk,
                },
            )
            assert response.status_code == 404, (name, action)
    untouched = [
        ChangeRequest.objects.get(pk=theirs.change_request.pk).status,
        CommentChangeRequest.objects.get(pk=theirs.comment_change_request.pk).status,
    ]
    assert untouched == ["PENDING", "PENDING"]
    assert Connection.objects.get(pk=theirs.connection.pk).version == 1


def _request(client, console):
    from django.test import RequestFactory

    request = RequestFactory().get("/review/")
    request.user = console.administrator
    request.session = client.session
    return request


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [
        ("connection", "caller"),
        ("connection", "contact"),
        ("individual", "family"),
        ("commentchangerequest", "individual"),
    ],
)
def test_autocomplete_offers_only_the_sites_rows(client, console, model_name, field_name):
    for term in ("", "Zebulon", "Foreignsite", "Ada"):
        response = client.get(
            url("autocomplete"),
            {
                "app_label": "outreach",
                "model_name": model_name,
                "field_name": field_name,
                "term": term,
            },
        )
        assert response.status_code in (200, 403, 404)
        assert_nothing_foreign(response, f"autocomplete {model_name}.{field_name} {term!r}")


def test_another_sites_ids_in_the_decision_urls_are_not_found(client, console):
    theirs = console.theirs.change_request
    for decision in ("apply", "reject"):
        response = client.post(url(f"outreach_changerequest_{decision}", theirs.pk))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ChangeRequestStatus.PENDING


# --- queries ----------------------------------------------------------------------------


def _queries(client, django_assert_max_num_queries, target: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "outreach_changerequest_changelist",
        "outreach_commentchangerequest_changelist",
        "outreach_connection_changelist",
        "workload",
    ],
)
def test_pages_cost_the_same_queries_at_1_and_at_1000_rows(
    client, console, django_assert_max_num_queries, name
):
    target = url(name)
    Connection.objects.filter(pk=console.mine.connection.pk).update(team=console.mine.team)
    at_one = _queries(client, django_assert_max_num_queries, target)
    _more_rows(console.mine, 999)
    at_many = _queries(client, django_assert_max_num_queries, target)
    assert at_one == at_many
    assert at_one <= 16


def _more_rows(rows: SiteRows, count: int) -> None:
    site, connection = rows.site, rows.connection
    submitter = rows.change_request.submitted_by
    people = [
        IndividualFactory(site=site, number=100 + index, email="", phone="") for index in range(5)
    ]
    teams = [TeamFactory(site=site, number=10 + index) for index in range(3)]
    connections = Connection.objects.bulk_create(
        Connection(
            site=site,
            number=1000 + index,
            connection_type=connection.connection_type,
            contact=people[index % 5],
            caller=people[index % 5] if index % 2 else None,
            team=teams[index % 3] if not index % 2 else None,
            due_date=date(2015, 6, 1) + timedelta(days=index % 60),
        )
        for index in range(count)
    )
    ChangeRequest.objects.bulk_create(
        ChangeRequest(
            site=site,
            number=1000 + index,
            kind=ChangeRequestKind.MODIFY,
            payload={"connection_date": "2015-07-01", "comment": "x", "response_ids": []},
            connection=connections[index],
            base_version=1,
            submitted_by=submitter,
        )
        for index in range(count)
    )
    CommentChangeRequest.objects.bulk_create(
        CommentChangeRequest(
            site=site,
            number=1000 + index,
            individual=people[index % 5],
            comment_type=rows.comment_change_request.comment_type,
            text="x",
            submitted_by=submitter,
        )
        for index in range(count)
    )
