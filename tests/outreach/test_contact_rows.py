"""`with_contact_rows`: what `contact_prefetches()` loads for a page of people, as rows: the
same `contact_data` for every person and the same number of queries (a person with and
without a family, families shared, several emails, phones and addresses, preferred ones not
first, inactive and mailing addresses, the family's before or after the person's own)."""

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from outreach import selectors
from outreach.api.outputs import Links, contact_data
from outreach.models import Individual
from tests.factories import (
    AddressFactory,
    FamilyFactory,
    IndividualEmailFactory,
    IndividualFactory,
    PhoneFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db
LINKS = Links("https://example.test/api_accessacs_mobile/v2/12345")


def people_of_every_kind():
    site = SiteFactory()
    shared = FamilyFactory(site=site)
    AddressFactory(individual=None, family=shared, active=False, street="1 Old Rd")
    AddressFactory(individual=None, family=shared, mailing=True, street="2 Family Way")
    PhoneFactory(individual=None, family=shared, phone_number="801-555-0001")
    PhoneFactory(individual=None, family=shared, phone_number="801-555-0002", preferred=True)
    alone = FamilyFactory(site=site)  # a family with nothing of its own
    people = [
        IndividualFactory(site=site, family=shared, first_name="Ann", email="", phone=""),
        IndividualFactory(site=site, family=shared, first_name="Ben", email="", phone=""),
        IndividualFactory(site=site, family=alone, first_name="Cy", email="", phone=""),
        IndividualFactory(site=site, family=None, first_name="Di", email="", phone=""),
        IndividualFactory(
            site=site, family=None, first_name="Ed", email="", phone=""
        ),  # nothing at all
    ]
    ann, ben, cy, di, _ = people
    IndividualEmailFactory(individual=ann, email="ann@home.test")
    IndividualEmailFactory(individual=ann, email="ann@work.test", preferred=True, listed=False)
    PhoneFactory(individual=ann, phone_number="801-555-0100", listed=False)
    AddressFactory(individual=ann, street="3 Own St")  # own, active, not mailing
    AddressFactory(individual=ben, street="4 Gone St", active=False)
    IndividualEmailFactory(individual=cy, email="cy@home.test")
    PhoneFactory(individual=cy, phone_number="801-555-0300")
    PhoneFactory(individual=cy, phone_number="801-555-0301", preferred=True)
    AddressFactory(individual=di, street="5 Mail St", mailing=True)
    AddressFactory(individual=di, street="6 Other St")
    return site


def page(site):
    return list(Individual.objects.filter(site=site).select_related("family").order_by("pk"))


def test_the_same_contacts_in_as_many_queries_as_the_prefetch():
    site = people_of_every_kind()
    for _ in range(2):  # the second time from the compiled queries
        expected = page(site)
        with CaptureQueriesContext(connection) as prefetching:
            prefetch_related_objects(expected, *selectors.contact_prefetches())
        found = page(site)
        with CaptureQueriesContext(connection) as reading:
            selectors.with_contact_rows(found)
        assert len(reading) == len(prefetching) == 5
        assert [contact_data(person, LINKS) for person in found] == [
            contact_data(person, LINKS) for person in expected
        ]
    answers = {row["FirstName"]: row for row in (contact_data(p, LINKS) for p in found)}
    assert answers["Ann"]["Email"] == "ann@work.test"  # preferred, though created second
    assert answers["Ann"]["Address"] == "2 Family Way"  # the family's mailing address
    assert answers["Cy"]["PhoneNumber"] == "801-555-0301"
    assert answers["Di"]["Address"] == "5 Mail St"
    assert answers["Ed"]["Address"] == answers["Ed"]["Email"] == answers["Ed"]["Phone"] == ""


def test_no_family_no_family_query_and_no_people_no_query():
    site = SiteFactory()
    IndividualFactory(site=site, family=None, email="", phone="")
    people = page(site)
    with CaptureQueriesContext(connection) as reading:
        selectors.with_contact_rows(people)
    assert len(reading) == 3  # the person's emails, phones and addresses
    with CaptureQueriesContext(connection) as reading:
        assert selectors.with_contact_rows([]) == []
    assert len(reading) == 0
