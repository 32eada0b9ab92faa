"""The tenant app's writes and the one tenant rule, below HTTP."""

import pytest

from organizations import demo
from organizations import services as organizations_services
from organizations.models import AccountManager
from tests.factories import StaffUserFactory


@pytest.mark.django_db
def test_account_manager_made_concurrently_by_another_decision_is_reused(monkeypatch):
    """The lookup saw none, then a concurrent decision by the same staff user created it:
    the insert conflicts and the other one's manager is used (no IntegrityError, no 500)."""
    staff = StaffUserFactory()
    theirs = organizations_services.account_manager_get_or_create(user=staff)
    real_lookups = iter([False, True])  # the first lookup ran before the other one's commit
    real_lookup = organizations_services._account_manager_of
    monkeypatch.setattr(
        organizations_services,
        "_account_manager_of",
        lambda user: real_lookup(user) if next(real_lookups) else None,
    )

    assert organizations_services.account_manager_get_or_create(user=staff) == theirs
    assert AccountManager.objects.filter(user=staff).count() == 1


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_prints_the_retailer_token_only():
    first = demo.seed()
    demo.seed()
    assert AccountManager.objects.filter(user__username="manager").count() == 1
    assert [credential.print_token for credential in first] == [True, False, False]


@pytest.mark.django_db
def test_organization_create_makes_an_active_organization_and_its_contact():
    organization = organizations_services.organization_create(
        name="Thomas Perkins Co",
        org_type="SUPPLIER",
        contact_name="  Roger  Jessica Rabbit ",
        contact_email="roger@rabbit.com",
        contact_phone="801-555-1212",
    )
    organization.refresh_from_db()
    assert (organization.status, organization.org_type) == ("ACTIVE", "SUPPLIER")
    assert organization.active_date is not None
    contact = organization.contact
    assert (contact.first_name, contact.last_name) == ("Roger", "Jessica Rabbit")
    assert (contact.email, contact.phone) == ("roger@rabbit.com", "801-555-1212")
