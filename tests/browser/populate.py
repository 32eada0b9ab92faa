"""Fill the browser tests' server database: `python -m tests.browser.populate` (DATABASE_URL
and MEDIA_ROOT set). Prints one JSON object: the operator's login and the rows the tests open.
"""

import json
import os

import django

OPERATOR = ("operator", "operator-pass-1")
ACCOUNT_MANAGER = ("account-manager", "manager-pass-1")
SITE_ADMINISTRATOR = ("site-admin", "site-admin-pass-1")
ATTACHMENT = b"sku,quantity\nA-1,3\nB-2,7\n"


def populate() -> dict:
    from datetime import date

    from django.contrib.auth.models import Group
    from django.db import transaction

    from outreach.choices import SecurityRole
    from tests.factories import (
        ChangeRequestFactory,
        ChangeRequestWorld,
        ConnectionRequestFactory,
        IndividualFactory,
        IntegrationFactory,
        OrganizationFactory,
        OutreachConnectionFactory,
        SiteMembershipFactory,
        StaffUserFactory,
        UploadFactory,
        UserFactory,
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
        manager = StaffUserFactory(username=ACCOUNT_MANAGER[0], password=ACCOUNT_MANAGER[1])
        manager.groups.add(Group.objects.get(name="Account managers"))
        manager_requests = {
            key: ConnectionRequestFactory(
                requester=retailer, counterpart_name=name, contact_name="Lee Park"
            )
            for key, name in (("approve", "Northwind Parts"), ("reject", "Faraway Goods"))
        }
        manager_requests["approve"].uploaded_files.add(attachment)

        site = world.site
        administrator = UserFactory(username=SITE_ADMINISTRATOR[0], password=SITE_ADMINISTRATOR[1])
        SiteMembershipFactory(
            site=site, user=administrator, security_role=SecurityRole.ADMINISTRATOR
        )
        submitter = UserFactory(username="submitter", email="submitter@example.org")
        SiteMembershipFactory(site=site, user=submitter)
        caller = IndividualFactory(site=site, number=90, first_name="Carla", last_name="Caller")
        connections = {
            number: OutreachConnectionFactory(
                site=site,
                number=number,
                connection_type=world.connection_type,
                contact=caller if number == 2 else IndividualFactory(site=site),
                caller=caller,
                due_date=date(2015, 6, number),
            )
            for number in (2, 3, 4, 5)
        }
        review = {
            key: ChangeRequestFactory(
                site=site,
                connection=connections[number],
                submitted_by=submitter,
                payload={"connection_date": "2015-08-0" + str(number), "response_ids": []},
            )
            for key, number in (("apply", 2), ("reject", 3))
        }
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
        "manager": {
            "username": ACCOUNT_MANAGER[0],
            "password": ACCOUNT_MANAGER[1],
            "to_approve": manager_requests["approve"].pk,
            "to_reject": manager_requests["reject"].pk,
        },
        "site_admin": {
            "username": SITE_ADMINISTRATOR[0],
            "password": SITE_ADMINISTRATOR[1],
            "to_apply": review["apply"].pk,
            "to_reject": review["reject"].pk,
            "to_apply_connection": connections[2].pk,
            "to_reassign": [connections[4].pk, connections[5].pk],
            "team": world.team.pk,
        },
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
    django.setup()
    print(json.dumps(populate()))
