"""`individuals_found`: the individual search's count and pages run by queries compiled once
per number of words and page, with the same SQL, rows, families and page count as
`with_family_for_contacts(individuals_search(...))` evaluated as usual; a word's LIKE pattern
(upper case, `%`, `_` and `\\` escaped) is the one Django writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.api.pagination import PageIndexPagination
from outreach import selectors
from outreach.models import Individual
from tests.factories import IndividualFactory, SiteFactory, SiteMembershipFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "son",
    "SON",
    "ann son",
    "50%",
    "a_b",
    "back\\slash",
    "sön",
    "nobody",
    "son",
    "x y z",
]


@pytest.fixture
def membership():
    site = SiteFactory()
    other = SiteFactory()
    names = [
        ("Ann", "Anderson"),
        ("Bo", "Sonne"),
        ("Cy", "Sönder"),
        ("Di", "50%Off"),
        ("Ed", "A_b"),
        ("Flo", "Back\\slash"),
        ("Gus", "Axb"),  # `a_b` as a pattern would match it, escaped it must not
        ("Hal", "Johnson"),
    ]
    for first, last in names:
        IndividualFactory(site=site, first_name=first, last_name=last)
    IndividualFactory(site=other, first_name="Ann", last_name="Anderson")
    Individual.objects.all().search_text_refresh()
    return SiteMembershipFactory(site=site)


def test_the_same_pages_counts_and_sql_as_the_search(membership, monkeypatch):
    monkeypatch.setattr(selectors._individuals_found, "_counts", {})  # what this test compiles
    monkeypatch.setattr(selectors._individuals_found, "_pages", {})
    found_any = set()
    for cap in (2, 100):
        for query in QUERIES:
            for page in (PageIndexPagination(0, 2), PageIndexPagination(1, 2)):
                readable = selectors.with_family_for_contacts(
                    selectors.individuals_search(membership, query)
                )
                with CaptureQueriesContext(connection) as expected_sql:
                    expected = page.rows_counted_up_to(readable, cap)
                with CaptureQueriesContext(connection) as found_sql:
                    found = page.rows_counted_up_to(
                        selectors.individuals_found(membership, query), cap
                    )
                assert found == expected, (query, cap, page)
                assert [q["sql"] for q in found_sql] == [q["sql"] for q in expected_sql]
                with CaptureQueriesContext(connection) as after:
                    assert [person.family for person in found[0]] == [
                        person.family for person in expected[0]
                    ]
                assert len(after) == 0  # the families came with the page
                found_any |= {person.last_name for person in found[0]}
    assert {"Anderson", "Sonne", "Sönder", "50%Off", "A_b", "Back\\slash"} <= found_any
    compiled = [
        shape[2]  # (connection, site, number of words, window)
        for prepared in (
            *selectors._individuals_found._counts.values(),
            *selectors._individuals_found._pages.values(),
        )
        for shape, sql in prepared._compiled.items()
        if sql
    ]
    assert set(compiled) == {0, 1, 2, 3}  # every number of words compiled
