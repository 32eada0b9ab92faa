"""`Individual.search_text` (what the individual search matches) stays current through every
write path of a person's names, emails and phones: model saves and deletes (services, demo
seeding, factories), the admin's change form with its inlines, the bulk refresh, and the data
migration that filled it for the rows already there."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from outreach.models import Individual, IndividualEmail, IndividualQuerySet, Phone
from tests.factories import (
    FamilyFactory,
    IndividualEmailFactory,
    IndividualFactory,
    PhoneFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _text(person) -> str:
    return Individual.objects.get(pk=person.pk).search_text


@pytest.fixture
def person():
    return IndividualFactory(
        first_name="Ann", last_name="Wright", goes_by_name="Annie", phone="801-555-0199"
    )


def test_names_goes_by_name_own_emails_and_phones_in_upper_case(person):
    assert _text(person) == "ANN WRIGHT ANNIE ANN.WRIGHT@EXAMPLE.ORG 801-555-0199"


def test_a_family_phone_is_not_the_persons(person):
    PhoneFactory(individual=None, family=person.family, phone_number="801-555-7777")
    assert "7777" not in _text(person)


def test_renaming_the_person_rewrites_it_also_with_update_fields(person):
    person = Individual.objects.get(pk=person.pk)
    person.last_name = "Adams"
    person.save(update_fields=["last_name"])
    assert _text(person) == "ANN ADAMS ANNIE ANN.WRIGHT@EXAMPLE.ORG 801-555-0199"


def test_adding_changing_and_deleting_emails_and_phones_rewrite_it(person):
    email = IndividualEmailFactory(individual=person, email="second@church.org")
    assert _text(person).endswith("ANN.WRIGHT@EXAMPLE.ORG SECOND@CHURCH.ORG 801-555-0199")
    email.email = "third@church.org"
    email.save()
    assert "THIRD@CHURCH.ORG" in _text(person) and "SECOND" not in _text(person)
    email.delete()
    Phone.objects.get(individual=person).delete()
    assert _text(person) == "ANN WRIGHT ANNIE ANN.WRIGHT@EXAMPLE.ORG"


def test_moving_a_phone_to_another_person_rewrites_both(person):
    other = IndividualFactory(site=person.site, phone="")
    phone = Phone.objects.get(individual=person)
    phone.individual = other
    phone.save()
    assert "0199" not in _text(person) and _text(other).endswith("801-555-0199")


def test_bulk_refresh_after_bulk_writes(person):
    IndividualEmail.objects.filter(individual=person).update(email="bulk@example.org")
    assert "BULK" not in _text(person)
    assert Individual.objects.filter(pk=person.pk).search_text_refresh() == 1
    assert "BULK@EXAMPLE.ORG" in _text(person)
    assert Individual.objects.filter(pk=person.pk).search_text_refresh() == 0  # unchanged


def _change_form_data(response) -> dict:
    """The admin change form's data as the browser would post it back unchanged."""
    data = {}

    def add(bound_field):
        value = bound_field.value()
        if value is None or value is False:
            return
        if value is True:
            value = "on"
        elif isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        elif isinstance(value, FieldFile):
            return  # a file is uploaded or left alone, never posted back
        data[bound_field.html_name] = value

    for bound_field in response.context["adminform"].form:
        add(bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = bound_field.value()
        for form in formset.forms:
            for bound_field in form:
                add(bound_field)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_inline_edits_of_emails_and_phones_rewrite_it(admin_client, person):
    url = reverse("admin:outreach_individual_change", args=[person.pk])
    data = _change_form_data(admin_client.get(url))
    data["first_name"] = "Anne"
    data["emails-0-email"] = "anne@church.org"
    data["phones-0-DELETE"] = "on"
    data["phones-TOTAL_FORMS"] = "2"
    data.update(
        {
            "phones-1-number": "9001",
            "phones-1-phone_type": "1",
            "phones-1-phone_number": "435-555-0123",
            "phones-1-site": str(person.site_id),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and [
        form.errors for form in response.context["inline_admin_formsets"][2].formset.forms
    ]
    assert _text(person) == "ANNE WRIGHT ANNIE ANNE@CHURCH.ORG 435-555-0123"


def test_admin_family_page_renaming_a_member_rewrites_it(admin_client, person):
    url = reverse("admin:outreach_family_change", args=[person.family_id])
    data = _change_form_data(admin_client.get(url))
    assert data["members-0-id"] == person.pk
    data["members-0-last_name"] = "Adams"
    assert admin_client.post(url, data).status_code == 302
    assert _text(person).startswith("ANN ADAMS ANNIE")


BEFORE = [("outreach", "0005_connection_due_notice")]
AFTER = [("outreach", "0006_individual_search_text")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_it_as_the_saves_write_it():
    family = FamilyFactory()
    person = IndividualFactory(site=family.site, family=family, goes_by_name="Al")
    PhoneFactory(individual=person, phone_number="801-555-2222")
    PhoneFactory(individual=None, family=family, phone_number="801-555-3333")
    IndividualFactory(site=family.site, first_name="", last_name="", email="", phone="")
    written = dict(Individual.objects.values_list("pk", "search_text"))
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
        assert dict(Individual.objects.values_list("pk", "search_text")) == written
        assert "" in written.values() and "801-555-2222" in written[person.pk]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_bulk_refresh_in_chunks(person, monkeypatch):
    others = [IndividualFactory(site=person.site) for _ in range(4)]
    IndividualEmail.objects.filter(individual__site=person.site).update(email="same@example.org")
    monkeypatch.setattr(IndividualQuerySet, "REFRESH_CHUNK", 2)
    assert Individual.objects.filter(site=person.site).search_text_refresh() == 5
    assert all(_text(p).endswith("SAME@EXAMPLE.ORG 801-555-0100") for p in others)
