"""Demo data: a retailer, a supplier, a staff account manager and a few requests.

The first request and its integration carry the uuids of the seed document, so the seed's
PATCH works against `make run` with only the host and the token changed.
"""

import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from connect_api.demo import DemoCredential
from connections.choices import IntegrationType, OrganizationType
from connections.models import (
    AccountManager,
    ConnectionRequest,
    Integration,
    Organization,
    OrganizationMembership,
    Person,
)

RETAILER = ("retailer", "retailer-demo-pass")
SUPPLIER = ("supplier", "supplier-demo-pass")
MANAGER = ("manager", "manager-demo-pass")

SEED_REQUEST_UUID = uuid.UUID("d0041bf9-ee07-4298-8298-26eee419db2d")
SEED_INTEGRATION_UUID = uuid.UUID("3a438d7e-1234-46e1-96d2-efd9dac561d9")
_NAMESPACE = uuid.UUID("6f1c0d3e-2a55-4c1e-9c5d-0c0a7e3f9b10")


def _user(username: str, password: str, **defaults):
    user, created = get_user_model().objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(password)
        user.save()
    return user


def _organization(name: str, org_type: str, manager: AccountManager, username: str, password: str):
    organization, _ = Organization.objects.get_or_create(
        uuid=uuid.uuid5(_NAMESPACE, name),
        defaults={
            "name": name,
            "org_type": org_type,
            "website": "https://example.com",
            "active_date": timezone.now(),
            "account_manager": manager,
        },
    )
    user = _user(username, password, email=f"{username}@example.com")
    OrganizationMembership.objects.get_or_create(user=user, defaults={"organization": organization})
    return organization


def _request(requester, key: str, *, integrations: list[tuple], **fields):
    request_uuid = SEED_REQUEST_UUID if key == "seed" else uuid.uuid5(_NAMESPACE, key)
    connection_request, created = ConnectionRequest.objects.get_or_create(
        uuid=request_uuid, defaults={"requester": requester, **fields}
    )
    if created:
        for index, (integration_type, frequency) in enumerate(integrations):
            Integration.objects.create(
                uuid=SEED_INTEGRATION_UUID
                if key == "seed" and index == 0
                else uuid.uuid5(_NAMESPACE, f"{key}-{index}"),
                request=connection_request,
                integration_type=integration_type,
                update_frequency=frequency,
                file_specs=f"{integration_type} feed, CSV",
            )


def seed() -> list[DemoCredential]:
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

    retailer = _organization("Acme Retail", OrganizationType.RETAILER, manager, *RETAILER)
    supplier = _organization("Thomas-Perkins", OrganizationType.SUPPLIER, manager, *SUPPLIER)

    _request(
        retailer,
        "seed",
        counterpart_name="Thomas Perkins Co",
        contact_name="Roger Rabbit",
        contact_email="roger@rabbit.com",
        contact_phone="801-555-1212",
        account_number="ACME-001",
        integrations=[(IntegrationType.ITEM, "0 2 * * *"), (IntegrationType.ORDER, "@hourly")],
    )
    _request(
        retailer,
        "wile",
        counterpart_name="Wile E. Supplies",
        contact_name="Wile Coyote",
        contact_email="wile@example.com",
        integrations=[(IntegrationType.TRACKING, "*/30 * * * *")],
    )
    _request(
        supplier,
        "supplier-asks",
        counterpart_name="Corner Shop",
        contact_name="Bugs Bunny",
        account_number="TP-77",
        integrations=[(IntegrationType.ALLOCATION, "0 0 6 * * *")],
    )
    return [
        DemoCredential(*RETAILER, "retailer member (Acme Retail)", print_token=True),
        DemoCredential(*SUPPLIER, "supplier member (Thomas-Perkins)"),
        DemoCredential(*MANAGER, "staff account manager: approves/rejects requests"),
    ]
