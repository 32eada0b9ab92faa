"""`individuals_found`: the individual search's count and pages run by queries compiled once
per number of words and page (the page read as rows), with the same count SQL, page count
and contacts shown as `with_family_for_contacts(individuals_search(...))` evaluated as
usual; a word's LIKE pattern (upper case, `%`, `_` and `\\` escaped) is the one Django
writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.api.pagination import PageIndexPagination
from outreach import selectors
from outreach.api.outputs import Links, contact_data
from outreach.models import Individual
from tests.factories import IndividualFactory, SiteFactory, SiteMembershipFactory

pytestmark = pytest.mark.django_db
LINKS = Links("https://example.test/api_accessacs_mobile/v2/12345")

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
    IndividualFactory(site=site, first_name="Ida", last_name="Sonnet", family=None, phone="")
    IndividualFactory(site=site, first_name="Jo", last_name="Sonata", picture="people/jo.jpg")
    IndividualFactory(site=other, first_name="Ann", last_name="Anderson")
    Individual.objects.all().search_text_refresh()
    return SiteMembershipFactory(site=site)


def shown(people) -> list:
    """What the search answers of these people (rows or instances alike)."""
    selectors.with_contact_rows(people)
    return [(person.pk, contact_data(person, LINKS)) for person in people]


def test_the_same_pages_counts_and_sql_as_the_search(membership, monkeypatch):
    monkeypatch.setattr(selectors._individuals_found, "_counts", {})  # what this test compiles
    monkeypatch.setattr(selectors._individuals_found, "_pages", {})
    found_any, pictures = set(), set()
    for cap in (2, 100):
        for query in QUERIES:
            for page in (
                PageIndexPagination(0, 2),
                PageIndexPagination(1, 2),
                PageIndexPagination(2, 2),
            ):
                readable = selectors.with_family_for_contacts(
                    selectors.individuals_search(membership, query)
                )
                with CaptureQueriesContext(connection) as expected_sql:
                    expected = page.rows_counted_up_to(readable, cap)
                with CaptureQueriesContext(connection) as found_sql:
                    found = page.rows_counted_up_to(
                        selectors.individuals_found(membership, query), cap
                    )
                assert found[1] == expected[1], (query, cap, page)  # the page count
                assert found_sql[0]["sql"] == expected_sql[0]["sql"]  # the count
                assert len(found_sql) == len(expected_sql)
                with CaptureQueriesContext(connection) as expected_contacts:
                    expected_shown = shown(expected[0])
                with CaptureQueriesContext(connection) as found_contacts:
                    assert shown(found[0]) == expected_shown, (query, cap, page)
                assert len(found_contacts) == len(expected_contacts)  # the families came along
                found_any |= {person.last_name for person in found[0]}
                pictures |= {shown_one["PictureUrl"] for _, shown_one in shown(found[0])}
    assert {"Anderson", "Sonne", "Sönder", "50%Off", "A_b", "Back\\slash", "Sonnet", "Sonata"} <= (
        found_any
    )
    assert "https://example.test/api_accessacs_mobile/v2/12345/individuals/" in str(pictures)
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
