"""The request list's `total_count` beyond LIST_EXACT_COUNT_CAP.

Exact up to the cap; beyond it the planner's estimate (PostgreSQL) raised to what the page
proves, flagged `total_count_exact: false`; exact again wherever a page reaches the end or lies
in the last quarter. The cap is lowered here so a handful of rows crosses it; the estimate is pinned
where a test is about one path, so it runs the same on SQLite and PostgreSQL.

On PostgreSQL the list without filters is also counted per day, and a page beyond the cap is
placed by those counts, its total exact (tests/connections/test_shown_days.py); the tests of
the estimate's paths read the list as a list without those counts (`uncounted`)."""

import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from connect_api.api.pagination import StartLimitPagination
from connections.selectors import ShownDays
from tests.connections.test_queries import REQUEST_LIST_MAX_QUERIES
from tests.factories import ConnectionRequestFactory, IntegrationFactory, OrganizationFactory
from tests.supplier_fixtures import member_of

pytestmark = pytest.mark.django_db

URL = "/organizations/connections/request/"
ROWS = 10


@pytest.fixture
def cap(settings):
    settings.LIST_EXACT_COUNT_CAP = 3
    return 3


@pytest.fixture
def uncounted(monkeypatch):
    """The list read as one without counts per day (SQLite, a filtered list)."""
    monkeypatch.setattr(ShownDays, "place", lambda self, start: None)


@pytest.fixture
def listing(token_client):
    """A member's client over ROWS requests of its organization, and their uuids newest first."""
    organization = OrganizationFactory()
    ConnectionRequestFactory.create_batch(ROWS, requester=organization)
    client = token_client(member_of(organization))
    everything = client.get(URL, {"limit": 100}).json()["requests"]
    return client, [item["record_uuid"] for item in everything]


def estimate_is(monkeypatch, rows: int):
    monkeypatch.setattr(StartLimitPagination, "_estimate", staticmethod(lambda queryset: rows))


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    return [item["record_uuid"] for item in body["requests"]], body["pagination"]


def test_counts_up_to_the_cap_are_exact(token_client, settings):
    settings.LIST_EXACT_COUNT_CAP = ROWS
    organization = OrganizationFactory()
    ConnectionRequestFactory.create_batch(ROWS, requester=organization)

    _, pagination = page(token_client(member_of(organization)), limit=2)

    assert pagination == {"total_count": ROWS, "start": 0, "limit": 2, "total_count_exact": True}


def test_beyond_the_cap_the_first_page_answers_the_estimate_not_exact(listing, cap, monkeypatch):
    client, everything = listing
    estimate_is(monkeypatch, 1000)

    uuids, pagination = page(client, limit=2)

    assert uuids == everything[:2]
    assert pagination == {"total_count": 1000, "start": 0, "limit": 2, "total_count_exact": False}


def test_an_estimate_below_what_the_page_proves_is_raised_to_it(listing, cap, monkeypatch):
    client, everything = listing
    estimate_is(monkeypatch, 0)  # SQLite has no estimate; a stale one can be this low

    uuids, pagination = page(client, limit=2)

    assert uuids == everything[:2]
    # more than the cap, and at least one row after this page
    assert pagination["total_count"] == cap + 1
    assert pagination["total_count_exact"] is False
    _, later = page(client, start=1, limit=1)
    assert later["total_count"] == cap + 1  # still the cap + 1 (1 + 1 + 1 < cap + 1)


def test_a_page_reaching_the_end_makes_the_count_exact(listing, cap, monkeypatch, uncounted):
    client, everything = listing
    estimate_is(monkeypatch, 1000)

    uuids, pagination = page(client, start=6, limit=50)

    assert uuids == everything[6:]
    assert pagination == {"total_count": ROWS, "start": 6, "limit": 50, "total_count_exact": True}


def test_at_the_middle_the_page_is_read_forward_without_counting_every_row(
    listing, cap, monkeypatch, uncounted
):
    """An estimate a little under the true total put the middle on the counting side: an exact
    count of every row, then a walk back from the end, costs more than the walk forward."""
    client, everything = listing
    estimate_is(monkeypatch, ROWS - 1)

    for start, limit in [(5, 2), (6, 1)]:
        uuids, pagination = page(client, start=start, limit=limit)
        assert uuids == everything[start : start + limit]
        assert pagination == {
            "total_count": ROWS - 1,  # the estimate, above what the page proves (start+limit+1)
            "start": start,
            "limit": limit,
            "total_count_exact": False,
        }


def test_in_the_last_quarter_the_page_is_read_from_the_end_and_counted_exactly(
    listing, cap, monkeypatch, uncounted
):
    client, everything = listing
    estimate_is(monkeypatch, ROWS)

    for start, limit in [(8, 2), (8, 5), (9, 1)]:
        uuids, pagination = page(client, start=start, limit=limit)
        assert uuids == everything[start : start + limit]
        assert pagination == {
            "total_count": ROWS,
            "start": start,
            "limit": limit,
            "total_count_exact": True,
        }


@pytest.mark.parametrize("estimate", [0, ROWS, 1000])
def test_start_past_the_end_is_answered_as_the_exact_total(
    listing, cap, monkeypatch, estimate, uncounted
):
    client, _ = listing
    estimate_is(monkeypatch, estimate)

    uuids, pagination = page(client, start=ROWS + 40, limit=5)

    assert uuids == []
    assert pagination == {"total_count": ROWS, "start": ROWS, "limit": 5, "total_count_exact": True}


@pytest.mark.parametrize("counts", ["per day", "none"])
@pytest.mark.parametrize("limit", [3, 5])
@pytest.mark.parametrize("estimate", [None, 0, 6, 1000])
def test_paging_as_the_docs_clients_do_reaches_every_row_once(
    listing, cap, monkeypatch, estimate, limit, counts, request
):
    """Until `start >= total_count`, and until an empty page: both end with every row seen
    once, whatever the estimate (None: the database's own), placed by the counts per day
    (PostgreSQL) or not."""
    if counts == "none":
        request.getfixturevalue("uncounted")
    client, everything = listing
    if estimate is not None:
        estimate_is(monkeypatch, estimate)

    seen, start = [], 0
    while True:
        uuids, pagination = page(client, start=start, limit=limit)
        seen += uuids
        start += limit
        if start >= pagination["total_count"]:
            break
    assert seen == everything

    seen, start = [], 0
    while uuids := page(client, start=start, limit=limit)[0]:
        seen += uuids
        start += limit
    assert seen == everything


def test_the_planner_estimate_is_used_on_postgresql(listing, cap):
    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's")
    client, _ = listing
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE connections_connectionrequest")

    _, pagination = page(client, limit=2)

    assert pagination["total_count_exact"] is False
    assert pagination["total_count"] >= cap + 1


@pytest.mark.parametrize("counts", ["per day", "none"])
@pytest.mark.parametrize("rows", [5, 100])
@pytest.mark.parametrize("start", [0, 60])
def test_query_count_beyond_the_cap_is_constant(
    token_client, django_assert_max_num_queries, cap, rows, start, counts, request
):
    """The capped count, the estimate and, in the last quarter, the exact count (or the
    counts per day, past the cap): two queries more than a list within the cap, at 5 rows and
    at 100, on the first page and a deep one."""
    if counts == "none":
        request.getfixturevalue("uncounted")
    organization = OrganizationFactory()
    for connection_request in ConnectionRequestFactory.create_batch(rows, requester=organization):
        IntegrationFactory(request=connection_request)
    client = token_client(member_of(organization))

    with django_assert_max_num_queries(REQUEST_LIST_MAX_QUERIES + 2):
        body = client.get(URL, {"start": start, "limit": 30}).json()

    assert len(body["requests"]) == max(0, min(30, rows - start))
    assert all(len(item["integrations"]) == 1 for item in body["requests"])


def test_the_schema_describes_total_count_exact_on_the_request_list_only():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def pagination_of(path):
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        name = ref["schema"]["$ref"].rsplit("/", 1)[-1]
        return components[name]["properties"]["pagination"]["properties"]

    requests = pagination_of(URL)
    assert requests["total_count_exact"]["type"] == "boolean"
    assert "LIST_EXACT_COUNT_CAP" in requests["total_count_exact"]["description"]
    assert "total_count_exact" not in pagination_of("/organizations/files/")
