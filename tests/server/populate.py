"""Fill the real server's database: `python -m tests.server.populate` (DATABASE_URL set).

Prints one JSON object: the tokens, credentials and uuids the server tests address.
"""

import json
import os

import django


def populate() -> dict:
    from django.db import transaction
    from knox.models import AuthToken

    from tests.factories import (
        ChangeRequestWorld,
        ConnectionRequestFactory,
        IntegrationFactory,
        OrganizationFactory,
        OrganizationMembershipFactory,
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
