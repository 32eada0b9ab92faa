"""Demo data: the staff account manager, the demo retailer and supplier and their members.

`connections.demo` and `uploads.demo` build on these (run after this module).
"""

import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from connect_api.demo import DemoCredential
from organizations.choices import OrganizationType
from organizations.models import AccountManager, Organization, OrganizationMembership, Person

RETAILER = ("retailer", "retailer-demo-pass")
SUPPLIER = ("supplier", "supplier-demo-pass")
MANAGER = ("manager", "manager-demo-pass")

_NAMESPACE = uuid.UUID("6f1c0d3e-2a55-4c1e-9c5d-0c0a7e3f9b10")
RETAILER_UUID = uuid.uuid5(_NAMESPACE, "Acme Retail")
SUPPLIER_UUID = uuid.uuid5(_NAMESPACE, "Thomas-Perkins")


def _user(username: str, password: str, **defaults):
    user, created = get_user_model().objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(password)
        user.save()
    return user


def _manager() -> AccountManager:
    manager_user = _user(
        *MANAGER,
        is_staff=True,
        first_name="Morgan",
        last_name="Manager",
        email="manager@example.com",
    )
    manager = AccountManager.objects.filter(user=manager_user).first()
    if manager is None:
        person = Person.objects.create(
            first_name="Morgan",
            last_name="Manager",
            email="manager@example.com",
            phone="801-555-0000",
            job_title="Account manager",
        )
        manager = AccountManager.objects.create(user=manager_user, person=person)
    return manager


def _organization(name: str, org_type: str, manager: AccountManager, **fields) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        uuid=uuid.uuid5(_NAMESPACE, name),
        defaults={
            "name": name,
            "org_type": org_type,
            "website": "https://example.com",
            "active_date": timezone.now(),
            "account_manager": manager,
            **fields,
        },
    )
    return organization


def _member(organization: Organization, username: str, password: str) -> None:
    user = _user(username, password, email=f"{username}@example.com")
    OrganizationMembership.objects.get_or_create(user=user, defaults={"organization": organization})


def seed() -> list[DemoCredential]:
    manager = _manager()
    _member(_organization("Acme Retail", OrganizationType.RETAILER, manager), *RETAILER)
    _member(_organization("Thomas-Perkins", OrganizationType.SUPPLIER, manager), *SUPPLIER)
    return [
        DemoCredential(*RETAILER, "retailer member (Acme Retail)", print_token=True),
        DemoCredential(*SUPPLIER, "supplier member (Thomas-Perkins)"),
        DemoCredential(*MANAGER, "staff account manager: approves/rejects requests"),
    ]
