"""Demo data: a few connection requests of the demo retailer and supplier
(`organizations.demo`), the first with the demo upload (`uploads.demo`) attached.

The first request and its integration carry the uuids of the seed document, so the seed's
PATCH works against `make run` with only the host and the token changed.
"""

import uuid

from connect_api.demo import DemoCredential
from connections.choices import IntegrationType
from connections.models import ConnectionRequest, Integration
from organizations import demo as organizations_demo
from organizations.models import Organization
from uploads import demo as uploads_demo
from uploads.models import Upload

SEED_REQUEST_UUID = uuid.UUID("d0041bf9-ee07-4298-8298-26eee419db2d")
SEED_INTEGRATION_UUID = uuid.UUID("3a438d7e-1234-46e1-96d2-efd9dac561d9")
_NAMESPACE = uuid.UUID("6f1c0d3e-2a55-4c1e-9c5d-0c0a7e3f9b10")


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
    retailer = Organization.objects.get(uuid=organizations_demo.RETAILER_UUID)
    supplier = Organization.objects.get(uuid=organizations_demo.SUPPLIER_UUID)
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
    seed_request = ConnectionRequest.objects.get(uuid=SEED_REQUEST_UUID)
    seed_request.uploaded_files.add(*Upload.objects.filter(uuid=uploads_demo.DEMO_UPLOAD_UUID))
    return []
