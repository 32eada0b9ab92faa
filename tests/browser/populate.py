"""Fill the browser tests' server database: `python -m tests.browser.populate` (DATABASE_URL
and MEDIA_ROOT set). Prints one JSON object: the operator's login and the rows the tests open.
"""

import json
import os

import django

OPERATOR = ("operator", "operator-pass-1")
ATTACHMENT = b"sku,quantity\nA-1,3\nB-2,7\n"


def populate() -> dict:
    from django.db import transaction

    from tests.factories import (
        ChangeRequestFactory,
        ChangeRequestWorld,
        ConnectionRequestFactory,
        IntegrationFactory,
        OrganizationFactory,
        StaffUserFactory,
        UploadFactory,
    )

    with transaction.atomic():
        StaffUserFactory(username=OPERATOR[0], password=OPERATOR[1], is_superuser=True)
        retailer = OrganizationFactory(name="Acme Retail", org_type="RETAILER")
        to_approve = ConnectionRequestFactory(
            requester=retailer, counterpart_name="Brightline Supply", contact_name="Dana Cruz"
        )
        IntegrationFactory(
            request=to_approve,
            integration_type="order",
            update_frequency="* 20 12 3 8,9 *",
            file_specs="CSV, one order line a row: sku, quantity, price (two decimals)",
            rules="Orders placed after 18:00 ship the next business day.",
        )
        attachment = UploadFactory(organization=retailer, name="price-list.csv", content=ATTACHMENT)
        to_approve.uploaded_files.add(attachment)
        to_reject = ConnectionRequestFactory(
            requester=retailer, counterpart_name="Nowhere Goods", contact_name="Sam Lee"
        )
        to_ask = ConnectionRequestFactory(
            requester=retailer, counterpart_name="Every Second Ltd", contact_name="Kim Park"
        )
        IntegrationFactory(
            request=to_ask, integration_type="item", update_frequency="* 20 12 3 8,9 *"
        )
        world = ChangeRequestWorld.build()
        change_request = ChangeRequestFactory(
            site=world.site,
            connection=world.connection,
            payload={
                "connection_date": "2015-07-01",
                "comment": "Called, will visit",
                "response_ids": [11],
            },
        )
    return {
        "username": OPERATOR[0],
        "password": OPERATOR[1],
        "to_approve": to_approve.pk,
        "to_reject": to_reject.pk,
        "to_ask": to_ask.pk,
        "attachment": attachment.pk,
        "attachment_bytes": ATTACHMENT.decode(),
        "change_request": change_request.pk,
        "connection": world.connection.pk,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
    django.setup()
    print(json.dumps(populate()))
