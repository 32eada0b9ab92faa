"""The shown requests counted per day (ShownRequestDay, PostgreSQL's triggers) and the deep
pages the request list places by them: the same rows as walking the list, an exact total,
one day walked."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext

from connections import selectors
from connections.choices import ConnectionRequestStatus
from connections.models import (
    SHOWN_REQUEST_PARTS,
    ConnectionRequest,
    ShownRequestDay,
    ShownRequestDayOfAll,
)
from connections.selectors import ShownDays
from tests.factories import ConnectionRequestFactory, OrganizationFactory
from tests.supplier_fixtures import member_of

pytestmark = pytest.mark.django_db

URL = "/organizations/connections/request/"
WITHDRAWN = ConnectionRequestStatus.WITHDRAWN
PENDING = ConnectionRequestStatus.PENDING
LATE = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # half an hour before a UTC midnight


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the counts are kept by PostgreSQL's triggers")


def counted() -> dict:
    """What the triggers kept per organization and day, without the days counted down to
    nothing; checked against what they kept for every organization, per part and day."""
    kept = ShownRequestDay.objects.values_list("requester_id", "day", "shown")
    per_organization = {(requester, day): shown for requester, day, shown in kept if shown}
    parts: dict = {}
    for (requester, day), shown in per_organization.items():
        key = (day, requester % SHOWN_REQUEST_PARTS)
        parts[key] = parts.get(key, 0) + shown
    kept_of_all = ShownRequestDayOfAll.objects.values_list("day", "part", "shown")
    assert {(day, part): shown for day, part, shown in kept_of_all if shown} == parts
    return per_organization


def truth() -> dict:
    """The shown requests per organization and UTC day, counted from the requests."""
    rows = (
        ConnectionRequest.objects.exclude(status=WITHDRAWN)
        .annotate(day=TruncDate("request_date", tzinfo=UTC))
        .values("requester_id", "day")
        .annotate(shown=Count("pk"))
        .values_list("requester_id", "day", "shown")
    )
    return {(requester, day): shown for requester, day, shown in rows}


def test_the_counts_follow_every_kind_of_write(postgresql):
    first, second = OrganizationFactory(), OrganizationFactory()
    made = [
        ConnectionRequestFactory(requester=first, request_date=LATE),
        ConnectionRequestFactory(requester=first, request_date=LATE + timedelta(hours=1)),
        ConnectionRequestFactory(requester=second, request_date=LATE, status=WITHDRAWN),
        # 02:00 at UTC+5 is 21:00 UTC the day before: counted on the UTC day
        ConnectionRequestFactory(
            requester=second,
            request_date=datetime(2026, 3, 11, 2, tzinfo=timezone(timedelta(hours=5))),
        ),
    ]
    assert counted() == truth()
    assert counted()[(first.pk, LATE.date())] == 1

    ConnectionRequest.objects.bulk_create(
        ConnectionRequest(
            requester=first if index % 2 else second,
            counterpart_name=f"Bulk {index}",
            request_date=LATE - timedelta(days=index),
            status=WITHDRAWN if index % 3 == 0 else PENDING,
        )
        for index in range(9)
    )
    assert counted() == truth()

    requests = ConnectionRequest.objects.all()
    requests.filter(requester=first).update(status=WITHDRAWN)  # hidden
    assert counted() == truth()
    requests.filter(requester=first).update(status=PENDING)  # shown again
    assert counted() == truth()
    requests.filter(pk=made[0].pk).update(requester=second)  # moved to another organization
    assert counted() == truth()

    moved = ConnectionRequest.objects.get(pk=made[1].pk)
    moved.request_date -= timedelta(days=3)  # moved to another day, by a save of every column
    moved.save()
    assert counted() == truth()
    before = counted()
    moved.contact_name = "Someone else"
    moved.save()  # no change of status, day or organization
    assert counted() == before == truth()

    requests.filter(requester=second).delete()
    assert counted() == truth()
    assert all(requester == first.pk for requester, _ in counted())

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE connections_connectionrequest SET request_date = request_date + "
            "interval '1 day', status = 'REJECTED'"
        )
    assert counted() == truth()


@pytest.fixture
def spread(postgresql, settings):
    """Two organizations' requests over a dozen days (ties on the same instant, some
    WITHDRAWN), the exact count's cap lowered to 3 so that nearly every page is placed."""
    settings.LIST_EXACT_COUNT_CAP = 3
    first, second = OrganizationFactory(), OrganizationFactory()
    for index in range(36):
        ConnectionRequestFactory(
            requester=first if index % 3 else second,
            request_date=LATE - timedelta(hours=7 * index),
            status=WITHDRAWN if index % 7 == 0 else PENDING,
        )
    ConnectionRequestFactory.create_batch(4, requester=first, request_date=LATE - timedelta(days=2))
    return first


def uuids_of(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    return [item["record_uuid"] for item in body["requests"]], body["pagination"]


@pytest.mark.parametrize("caller", ["staff", "member"])
def test_deep_pages_are_the_rows_of_the_list_with_the_exact_total(
    spread, caller, token_client, staff_user
):
    client = token_client(staff_user if caller == "staff" else member_of(spread))
    everything = [
        str(uuid)
        for uuid in ConnectionRequest.objects.exclude(status=WITHDRAWN)
        .filter(**({} if caller == "staff" else {"requester": spread}))
        .values_list("uuid", flat=True)
    ]  # the model's order: newest first, then by id
    assert len(everything) > 20

    for limit in (1, 4, 7):
        for start in range(len(everything) + 3):
            uuids, pagination = uuids_of(client, start=start, limit=limit)
            assert uuids == everything[start : start + limit], (start, limit)
            if start < 3:  # within the cap: read forward, the first pages' estimate
                continue
            assert pagination == {
                "total_count": len(everything),
                "start": min(start, len(everything)),
                "limit": limit,
                "total_count_exact": True,
            }


def test_a_deep_page_reads_the_counts_and_walks_one_day(spread, token_client, staff_user):
    client = token_client(staff_user)

    with CaptureQueriesContext(connection) as captured:
        uuids, _ = uuids_of(client, start=20, limit=5)

    assert len(uuids) == 5
    statements = [query["sql"] for query in captured.captured_queries]
    assert sum("connections_shownrequestday" in sql for sql in statements) == 1  # of all
    # neither the planner's estimate nor a count of every request
    assert not any(sql.startswith("EXPLAIN") for sql in statements)
    assert not any(
        "COUNT(" in sql and "connections_shownrequestday" not in sql and "LIMIT 4" not in sql
        for sql in statements
    )
    (page,) = [sql for sql in statements if '"request_date" <' in sql]
    assert "OFFSET" in page


@pytest.mark.parametrize("caller", ["staff", "member"])
def test_deep_pages_are_read_as_the_first_pages_are(
    spread, caller, token_client, staff_user, monkeypatch
):
    """A placed page runs one compiled query per window, whatever the day's bound (a
    parameter of it), read as rows: the same items as the list read without its counts."""
    monkeypatch.setattr(selectors._listed_requests_before, "_pages", {})
    client = token_client(staff_user if caller == "staff" else member_of(spread))
    starts = range(3, 27, 2)

    def pages() -> list:
        found = []
        for start in starts:
            response = client.get(URL, {"start": start, "limit": 4})
            assert response.status_code == 200, response.content
            found.append(response.json()["requests"])
        return found

    placed = pages()
    compiled = {
        shape[1:]: sql
        for prepared in selectors._listed_requests_before._pages.values()
        for shape, sql in prepared._compiled.items()
    }
    assert compiled and all(compiled.values())  # none fell back to the queryset's own SQL
    windows = {window for *_, window in compiled}
    assert len(compiled) == len(windows) < len(starts)  # one compile a window, for every day

    monkeypatch.setattr(ShownDays, "place", lambda self, start: None)
    assert placed == pages()


def test_a_filtered_list_is_read_as_before(spread, token_client, staff_user):
    client = token_client(staff_user)

    with CaptureQueriesContext(connection) as captured:
        uuids, _ = uuids_of(client, start=5, limit=5, status="PENDING")

    assert len(uuids) == 5
    assert not any("connections_shownrequestday" in q["sql"] for q in captured.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_at_once_on_the_same_day_each_count(postgresql):
    """Four writers add to the same organization's day at once, each holding its transaction
    open after its insert: each waits for the row of counts, and none is lost."""
    import threading
    import time

    from django.db import connection as db_connection
    from django.db import transaction

    organization = OrganizationFactory()
    barrier = threading.Barrier(4)
    failures = []

    def write(index):
        try:
            barrier.wait()
            for step in range(5):
                with transaction.atomic():
                    made = ConnectionRequestFactory(requester=organization, request_date=LATE)
                    if step == 4 and index % 2:
                        made.status = WITHDRAWN
                        made.save(update_fields=["status"])
                    time.sleep(0.01)  # the count's row stays locked until this commits
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=write, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert counted() == truth() == {(organization.pk, LATE.date()): 18}
