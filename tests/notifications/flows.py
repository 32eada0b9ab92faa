"""The two flows the mails are about (a connection request decided, an outreach change
request reviewed), driven through the API as the real clients do; every
request's commit callbacks (the event dispatch job, run immediately in tests) are executed."""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from outreach.choices import SecurityRole
from tests.conftest import basic_header, token_header
from tests.factories import (
    ChangeRequestWorld,
    IndividualFactory,
    OrganizationMembershipFactory,
    OutreachConnectionFactory,
    SiteMembershipFactory,
    TeamFactory,
)
from tests.seeds import OUTREACH_SEED_BODY

REQUESTS_URL = "/organizations/connections/request/"
CONNECTIONS_URL = "/organizations/connections/"
OUTREACH = "/api_accessacs_mobile/v2/12345"

SEED_CREATE = {
    "organization_name": "Thomas-Perkins",
    "primary_contact_name": "Pat Doe",
    "integrations": [{"type": "orders", "update_frequency": "0 2 * * *"}],
}


def _call(client, capture, method, url, body=None, **kwargs):
    with capture(execute=True):
        response = getattr(client, method)(url, body, **kwargs)
    assert response.status_code in (200, 201), response.content
    return response.json()


@dataclass
class SupplierFlow:
    retailer_users: list
    supplier_users: list
    approved_request: str
    rejected_request: str
    connection: str


def supplier_flow(*, client_for, capture, retailer, supplier, staff_user) -> SupplierFlow:
    """create -> approve (linking the supplier) -> confirm -> deactivate; and a create ->
    reject. Two members on each side."""
    retailer_users = [OrganizationMembershipFactory(organization=retailer).user for _ in "ab"]
    supplier_users = [OrganizationMembershipFactory(organization=supplier).user for _ in "ab"]
    retailer_client = client_for(retailer_users[0], token=True)
    staff = client_for(staff_user, token=True)
    created = _call(retailer_client, capture, "post", REQUESTS_URL, SEED_CREATE, format="json")
    approved = _call(
        staff,
        capture,
        "post",
        f"{REQUESTS_URL}{created['request_uuid']}/approve/",
        {"supplier_uuid": str(supplier.uuid)},
        format="json",
    )
    connection = approved["connection_uuid"]
    supplier_client = client_for(supplier_users[0], token=True)
    _call(supplier_client, capture, "post", f"{CONNECTIONS_URL}{connection}/confirm/")
    _call(retailer_client, capture, "post", f"{CONNECTIONS_URL}{connection}/deactivate/")
    second = _call(
        retailer_client,
        capture,
        "post",
        REQUESTS_URL,
        {**SEED_CREATE, "organization_name": "Unknown Supply"},
        format="json",
    )
    _call(
        staff,
        capture,
        "post",
        f"{REQUESTS_URL}{second['request_uuid']}/reject/",
        {"reason": "We do not know this supplier"},
        format="json",
    )
    return SupplierFlow(
        retailer_users=retailer_users,
        supplier_users=supplier_users,
        approved_request=created["request_uuid"],
        rejected_request=second["request_uuid"],
        connection=connection,
    )


@dataclass
class OutreachFlow:
    world: ChangeRequestWorld
    reviewers: list
    applied: int
    rejected: int
    team_users: list
    due_connection: object


def outreach_flow(*, client_for, capture) -> OutreachFlow:
    """The caller submits two change requests (the seed's add), an Administrator applies one
    and rejects the other with a message; a second Administrator chose the daily digest."""
    world = ChangeRequestWorld.build()
    world.site.name = "First Church"
    world.site.save()
    second_admin = SiteMembershipFactory(site=world.site, security_role=SecurityRole.ADMINISTRATOR)
    caller = client_for(world.caller.user)
    admin = client_for(world.admin.user)
    _call(
        client_for(second_admin.user),
        capture,
        "put",
        f"{OUTREACH}/account/notifications",
        {"Notifications": [{"Kind": "ChangeRequestSubmitted", "Frequency": "Daily"}]},
        format="json",
    )
    # Two different proposals (an identical resend would be answered with the first's id).
    numbers = [
        _call(
            caller,
            capture,
            "post",
            f"{OUTREACH}/connections",
            json.dumps({**OUTREACH_SEED_BODY, "Comment": comment}),
            content_type="application/x-www-form-urlencoded",
        )
        for comment in ("First call", "Second call")
    ]
    _call(admin, capture, "post", f"{OUTREACH}/changerequests/{numbers[0]}/apply")
    _call(
        admin,
        capture,
        "post",
        f"{OUTREACH}/changerequests/{numbers[1]}/reject",
        {"Message": "Already called last week"},
        format="json",
    )
    # a connection due in 3 days, assigned to a team of two people with accounts (+ one without)
    team_people = [IndividualFactory(site=world.site) for _ in "abc"]
    team = TeamFactory(site=world.site, members=team_people)
    team_users = [
        SiteMembershipFactory(site=world.site, individual=person).user for person in team_people[:2]
    ]
    due = OutreachConnectionFactory(
        site=world.site,
        connection_type=world.connection_type,
        team=team,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    return OutreachFlow(
        world=world,
        reviewers=[world.admin.user, second_admin.user],
        applied=numbers[0],
        rejected=numbers[1],
        team_users=team_users,
        due_connection=due,
    )


def client_factory(client_class):
    """A client for a user: Token for the supplier API, Basic (the app's) for outreach."""

    def make(user, *, token=False):
        client = client_class()
        header = token_header(user) if token else basic_header(user.username, "password")
        client.credentials(HTTP_AUTHORIZATION=header)
        return client

    return make
