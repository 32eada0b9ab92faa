"""The individual search's PageCount: exact while at most `SEARCH_EXACT_COUNT_UP_TO` people
match; beyond that a lower bound that still lets the vendor's app page to the end (its list
loaders offer "more" while `PageIndex < PageCount - 1` and read nothing else of it), with the
same people in the same order either way, in a constant number of queries."""

import math

import pytest

from connect_api.throttling import LEASES
from outreach.api import outputs
from outreach.choices import Right
from tests.factories import IndividualFactory, SiteFactory, SiteMembershipFactory

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"
OVERHEAD = 3  # cached Basic credential (user row), membership, throttle counter
CONTACT = 5  # emails, phones, addresses, the family's addresses and phones


@pytest.fixture
def site(db):
    return SiteFactory(number=12345)


@pytest.fixture
def client(site, basic_client):
    member = SiteMembershipFactory(site=site, locate_person=Right.GRANTED)
    client = basic_client(member.user.username)
    assert client.get(f"{BASE}/account").status_code == 200  # the credential is now cached
    return client


def _people(site, count: int) -> list[int]:
    """`count` people matching "zed", IndvIds in the search's order (by last name)."""
    for number in range(100, 100 + count):
        # numbers and names in opposite orders: a page read by id order would be caught
        IndividualFactory(site=site, number=number, last_name=f"Zed{999 - number}")
    return list(reversed(range(100, 100 + count)))


def _page(client, index: int, size: int) -> dict:
    response = client.get(f"{BASE}/individuals", {"q": "ZED", "pageIndex": index, "pageSize": size})
    assert response.status_code == 200
    return response.json()


def _as_the_app_pages(client, size: int) -> tuple[list[int], list[dict]]:
    """IndividualListLoader: page 0, then the next page while PageIndex < PageCount - 1."""
    seen, pages, index = [], [], 0
    while True:
        page = _page(client, index, size)
        pages.append(page)
        seen += [item["IndvId"] for item in page["Page"]]
        if not page["PageIndex"] < page["PageCount"] - 1:
            return seen, pages
        index += 1


@pytest.mark.parametrize("matches", [0, 1, 5, 6, 7, 13])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_the_app_pages_through_every_match_in_order(client, site, monkeypatch, matches, size):
    monkeypatch.setattr(outputs, "SEARCH_EXACT_COUNT_UP_TO", 6)
    expected = _people(site, matches)
    seen, pages = _as_the_app_pages(client, size)
    assert seen == expected
    assert pages[-1]["PageCount"] == math.ceil(matches / size)  # exact on the last page
    assert all(page["PageIndex"] < page["PageCount"] for page in pages if page["Page"])


@pytest.mark.parametrize("matches", [1, 5, 6])
def test_page_count_is_exact_up_to_the_cap(client, site, monkeypatch, matches):
    monkeypatch.setattr(outputs, "SEARCH_EXACT_COUNT_UP_TO", 6)
    _people(site, matches)
    for index in range(4):
        assert _page(client, index, 2)["PageCount"] == math.ceil(matches / 2)


def test_beyond_the_cap_page_count_is_a_lower_bound_that_reaches_the_last_page(
    client, site, monkeypatch
):
    monkeypatch.setattr(outputs, "SEARCH_EXACT_COUNT_UP_TO", 6)
    people = _people(site, 13)
    counts = [_page(client, index, 2)["PageCount"] for index in range(9)]
    # 7 known to match (4 pages), raised to include the next page, exact (7) on the last one;
    # past the end, the lower bound again
    assert counts == [4, 4, 4, 5, 6, 7, 7, 4, 4]
    assert [item["IndvId"] for item in _page(client, 6, 2)["Page"]] == people[12:]
    assert _page(client, 7, 2)["Page"] == []


@pytest.mark.parametrize(
    ("cap", "search"),
    [(0, 2), (1000, 2)],
    ids=["beyond the cap: count, page in order", "up to the cap: count, page of the matches"],
)
@pytest.mark.parametrize("rows", [1, 30])
def test_query_count_is_constant(
    client, site, monkeypatch, django_assert_num_queries, cap, search, rows
):
    monkeypatch.setattr(outputs, "SEARCH_EXACT_COUNT_UP_TO", cap)
    _people(site, rows)
    LEASES.clear()  # the throttle's upsert in every measured call, so the count is exact
    with django_assert_num_queries(OVERHEAD + search + CONTACT):
        page = _page(client, 0, 50)
    assert len(page["Page"]) == rows
