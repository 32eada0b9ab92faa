"""Fill the real server's database: `python -m tests.server.populate` (DATABASE_URL set).

Prints one JSON object: the tokens, credentials and uuids the server tests address.
"""

import json
import os
from datetime import timedelta

import django


def populate() -> dict:
    from django.db import transaction
    from django.utils import timezone
    from knox.models import AuthToken

    from tests.connections.conftest import SEED_INTEGRATION_UUID, SEED_REQUEST_UUID
    from tests.factories import (
        ChangeRequestWorld,
        ConnectionRequestFactory,
        IntegrationFactory,
        OrganizationFactory,
        OrganizationMembershipFactory,
        UserFactory,
    )

    with transaction.atomic():
        retailer = OrganizationFactory(name="Acme Retail", org_type="RETAILER")
        user = OrganizationMembershipFactory(organization=retailer).user
        _, token = AuthToken.objects.create(user=user)
        pending = ConnectionRequestFactory(
            requester=retailer, counterpart_name="Old Name", contact_name="Old Contact"
        )
        integration = IntegrationFactory(
            request=pending, integration_type="order", update_frequency="0 2 * * *"
        )
        # The seed's request and integration (their uuids), for the seed's PATCH sent chunked.
        seed_request = ConnectionRequestFactory(
            uuid=SEED_REQUEST_UUID, requester=retailer, counterpart_name="Old Name"
        )
        IntegrationFactory(
            uuid=SEED_INTEGRATION_UUID,
            request=seed_request,
            integration_type="order",
            update_frequency="0 2 * * *",
            file_locations="sftp://old",
        )
        # The docs' login user, and a supplier their discovery call finds.
        OrganizationMembershipFactory(
            user=UserFactory(username="nick@dobaretailer.com", password="thanos_rocks"),
            organization=OrganizationFactory(name="Doba Retail", org_type="RETAILER"),
        )
        OrganizationFactory(
            name="Thomas-Perkins",
            org_type="SUPPLIER",
            discoverable_since=timezone.now() - timedelta(days=10),
            number_of_skus=5,
        )
        world = ChangeRequestWorld.build()
    return {
        "token": token,
        "request_uuid": str(pending.uuid),
        "integration_uuid": str(integration.uuid),
        "outreach_username": world.caller.user.username,
        "outreach_site": world.site.number,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
    django.setup()
    print(json.dumps(populate()))
