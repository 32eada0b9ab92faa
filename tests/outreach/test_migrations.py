"""Migrations 0003/0004: each Individual.family_number becomes a Family of the same site and
FamId (the ids the app has seen stay), each email and phone a preferred, listed row; and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("outreach", "0002_change_requests")]
AFTER = [("outreach", "0004_directory_old_fields_removed")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_family_numbers_emails_and_phones_move_to_their_rows_and_back():
    old = _migrate(BEFORE)
    site = old.get_model("outreach", "Site").objects.create(number=4242, name="Old")
    other = old.get_model("outreach", "Site").objects.create(number=4343, name="Other")
    individual = old.get_model("outreach", "Individual").objects
    for site_, number, family, last, position, email, phone in [
        (site, 1, 9, "Zed", "Spouse", "a@example.org", "555-0001"),
        (site, 2, 9, "Zed", "Head", "", "555-0002"),
        (site, 3, None, "Solo", "", "c@example.org", ""),
        (other, 1, 9, "Else", "Head", "x@example.org", "555-0009"),
    ]:
        individual.create(
            site=site_,
            number=number,
            family_number=family,
            last_name=last,
            family_position=position,
            email=email,
            phone=phone,
        )
    try:
        new = _migrate(AFTER)
        people = {
            (p.site.number, p.number): p
            for p in new.get_model("outreach", "Individual").objects.select_related(
                "site", "family"
            )
        }
        zed_1, zed_2, solo, other_1 = (
            people[(4242, 1)],
            people[(4242, 2)],
            people[(4242, 3)],
            people[(4343, 1)],
        )
        assert zed_1.family_id == zed_2.family_id and zed_1.family.number == 9
        assert zed_1.family.name == "The Zed Family"  # the head's name
        assert other_1.family.number == 9 and other_1.family_id != zed_1.family_id
        assert solo.family is None
        emails = new.get_model("outreach", "IndividualEmail").objects
        phones = new.get_model("outreach", "Phone").objects
        assert list(emails.filter(individual=zed_1).values_list("email", "preferred")) == [
            ("a@example.org", True)
        ]
        assert not emails.filter(individual=zed_2).exists()
        assert list(phones.filter(individual=zed_2).values_list("phone_number", "listed")) == [
            ("555-0002", True)
        ]
        assert sorted(emails.filter(site__number=4242).values_list("number", flat=True)) == [1, 2]

        back = _migrate(BEFORE)
        restored = back.get_model("outreach", "Individual").objects.filter(site__number=4242)
        assert sorted(restored.values_list("number", "family_number", "email", "phone")) == [
            (1, 9, "a@example.org", "555-0001"),
            (2, 9, "", "555-0002"),
            (3, None, "c@example.org", ""),
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
