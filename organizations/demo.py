"""Demo data: the staff account manager, the demo retailer and supplier and their members
(holding every permission of their kind), and more suppliers and retailers, varied enough
for discovery's filters and sorts to show something (names by initial, a digit-named one,
recent and old catalog entries, an inactive one, one without a contact).

`connections.demo` and `uploads.demo` build on these (run after this module).
"""

import uuid
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from connect_api.demo import DemoCredential, set_demo_password
from organizations.choices import OrganizationStatus, OrganizationType, PermissionVisibility
from organizations.models import (
    AccountManager,
    Organization,
    OrganizationMembership,
    Permission,
    Person,
)

RETAILER = ("retailer", "retailer-demo-pass")
SUPPLIER = ("supplier", "supplier-demo-pass")
MANAGER = ("manager", "manager-demo-pass")
ACCOUNT_MANAGERS_GROUP = "Account managers"
"""The group connections' migration 0011 creates: what an account manager may do in the admin."""

_NAMESPACE = uuid.UUID("6f1c0d3e-2a55-4c1e-9c5d-0c0a7e3f9b10")
RETAILER_UUID = uuid.uuid5(_NAMESPACE, "Acme Retail")
SUPPLIER_UUID = uuid.uuid5(_NAMESPACE, "Thomas-Perkins")


def _user(username: str, password: str, **defaults):
    user, created = get_user_model().objects.get_or_create(username=username, defaults=defaults)
    if created:
        set_demo_password(user, password)
        user.save()
    return user


def _account_managers() -> Group:
    """The group as its migration creates it; created again the same way where a flush (a
    test database, `flush`) removed what the migrations had written."""
    group = Group.objects.filter(name=ACCOUNT_MANAGERS_GROUP).first()
    if group is None:
        migration = import_module("connections.migrations.0011_account_managers_group")
        migration.group_create(django_apps, None)
        group = Group.objects.get(name=ACCOUNT_MANAGERS_GROUP)
    return group


def _manager() -> AccountManager:
    manager_user = _user(
        *MANAGER,
        is_staff=True,
        first_name="Morgan",
        last_name="Manager",
        email="manager@example.com",
    )
    manager_user.groups.add(_account_managers())
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
    membership, _ = OrganizationMembership.objects.get_or_create(
        user=user, defaults={"organization": organization}
    )
    if membership.person_id is None:
        membership.person = Person.objects.create(
            first_name=user.first_name, last_name=user.last_name, email=user.email
        )
        membership.save(update_fields=["person"])
    membership.permissions.add(
        *Permission.objects.filter(
            visibility__in=[PermissionVisibility.BOTH, organization.org_type]
        )
    )


# name, kind, days in the catalog (None: not listed), SKUs, fulfillment %, contact, status
CATALOG = [
    ("Thomas-Perkins", OrganizationType.SUPPLIER, 400, 5, "0", ("owner", "user"), None),
    ("Tandem Textiles", OrganizationType.SUPPLIER, 30, 1250, "97.50", ("Tia", "Tandem"), None),
    ("Timberline Tools", OrganizationType.SUPPLIER, 75, 310, "88.25", ("Ted", "Lumber"), None),
    ("Bright Bulbs Co", OrganizationType.SUPPLIER, 10, 42, "99.10", ("Bea", "Bright"), None),
    ("3 Rivers Outfitters", OrganizationType.SUPPLIER, 200, 870, "91.00", None, None),
    ("Quiet Quarry", OrganizationType.SUPPLIER, 5, 64, "70.00", ("Quinn", "Stone"),
     OrganizationStatus.INACTIVE),
    ("Acme Retail", OrganizationType.RETAILER, None, 0, "0", ("Roger", "Rabbit"), None),
    ("Corner Shop", OrganizationType.RETAILER, 20, 0, "0", ("Bugs", "Bunny"), None),
    ("Mega Mart", OrganizationType.RETAILER, 120, 0, "0", ("Daffy", "Duck"), None),
]  # fmt: skip

DESCRIPTIONS = {
    "Tandem Textiles": "Organic cotton linens and towels, drop-shipped from two warehouses.",
    "Timberline Tools": "Hand and power tools for the trade.",
    "Bright Bulbs Co": "LED lighting, bulbs and smart switches.",
    "3 Rivers Outfitters": "Camping, fishing and river gear.",
}


def _catalog(manager: AccountManager) -> dict[str, Organization]:
    now = timezone.now()
    organizations = {}
    for name, kind, days, skus, fulfillment, contact, status in CATALOG:
        person = None
        if contact is not None:
            first_name, last_name = contact
            person, _ = Person.objects.get_or_create(
                uuid=uuid.uuid5(_NAMESPACE, f"contact {name}"),
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{first_name.lower()}@{name.split()[0].lower()}.example.com",
                    "phone": "801-555-0199",
                    "job_title": "Account Manager",
                },
            )
        organizations[name] = _organization(
            name,
            kind,
            manager,
            contact=person,
            status=status or OrganizationStatus.ACTIVE,
            description=DESCRIPTIONS.get(name),
            number_of_skus=skus,
            fulfillment_percentage=Decimal(fulfillment),
            discoverable_since=None if days is None else now - timedelta(days=days),
        )
    return organizations


def seed() -> list[DemoCredential]:
    manager = _manager()
    organizations = _catalog(manager)
    _member(organizations["Acme Retail"], *RETAILER)
    _member(organizations["Thomas-Perkins"], *SUPPLIER)
    return [
        DemoCredential(*RETAILER, "retailer member (Acme Retail)", print_token=True),
        DemoCredential(*SUPPLIER, "supplier member (Thomas-Perkins)"),
        DemoCredential(*MANAGER, "account manager: approves/rejects requests in /admin/"),
    ]
