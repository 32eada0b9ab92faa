"""The rules themselves, below HTTP: merge, decisions, confirmation, locking."""

import threading
import time

import pytest
from django.db import connection as db_connection

from connect_api.errors import Conflict, DomainError, PermissionDenied, Unprocessable
from connections import services
from connections.choices import ConnectionRequestStatus, ConnectionStatus
from connections.models import Connection
from connections.validators import is_valid_cron
from organizations.choices import OrganizationType
from organizations.models import AccountManager
from tests.factories import (
    ConnectionFactory,
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.supplier_fixtures import member_of


@pytest.mark.parametrize(
    ("expression", "valid"),
    [
        ("0 2 * * *", True),
        ("* 20 12 3 8,9 *", True),  # the seed: seconds first
        ("*/10 1-5 * jan-mar mon,fri", True),
        ("@yearly", True),
        ("@reboot", False),
        ("0 0 1 * * * 2030", False),
        ("0 0 ? * *", False),
        ("0 0 L * *", False),
        ("0 0 1W * *", False),
        ("H * * * *", False),
        ("ftp://foo:bar@baz.blerg", False),
        ("* * * * 8", False),
        ("0 0 30 2 *", False),
    ],
)
def test_cron_validation(expression, valid):
    assert is_valid_cron(expression) is valid


def test_six_fields_are_read_seconds_first():
    from croniter import croniter

    # Seconds first, "* 20 12 3 8,9 *" fires at 12:20 on 3 August/September, each second.
    assert croniter.match(
        "* 20 12 3 8,9 *", __import__("datetime").datetime(2026, 8, 3, 12, 20, 7),
        second_at_beginning=True,
    )  # fmt: skip
    assert is_valid_cron("* 20 12 3 8,9 *")
    assert not is_valid_cron("* * * * * 61")  # seconds-last would read 61 as seconds


@pytest.fixture
def pending(db):
    connection_request = ConnectionRequestFactory(
        requester=OrganizationFactory(org_type=OrganizationType.RETAILER)
    )
    IntegrationFactory(request=connection_request, rules="keep")
    return connection_request


@pytest.mark.django_db
def test_merge_updates_only_named_fields_adds_and_deletes(pending):
    first = pending.integrations.get()
    doomed = IntegrationFactory(request=pending)
    services.connection_request_update(
        connection_request=pending,
        organization=pending.requester,
        data={
            "contact_phone": "123",
            "integrations": [
                {"record_uuid": first.uuid, "file_specs": "new specs"},
                {"record_uuid": doomed.uuid, "delete": True},
                {"integration_type": "other", "update_frequency": "@weekly"},
            ],
        },
    )
    first.refresh_from_db()
    assert (first.file_specs, first.rules) == ("new specs", "keep")
    assert sorted(pending.integrations.values_list("integration_type", flat=True)) == [
        "item",
        "other",
    ]
    pending.refresh_from_db()
    assert pending.contact_phone == "123"
    assert pending.contact_name == "Pat Contact"


@pytest.mark.django_db
def test_merge_refuses_foreign_record_uuid_and_writes_nothing(pending):
    foreign = IntegrationFactory()
    with pytest.raises(Unprocessable) as raised:
        services.connection_request_update(
            connection_request=pending,
            organization=pending.requester,
            data={
                "integrations": [
                    {"integration_type": "other", "update_frequency": "@weekly"},
                    {"record_uuid": foreign.uuid, "rules": "x"},
                ]
            },
        )
    assert "integrations.1.record_uuid" in raised.value.errors
    assert pending.integrations.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("org_type", [OrganizationType.RETAILER, OrganizationType.SUPPLIER])
def test_approve_creates_the_opposite_kind_and_the_connection(org_type):
    connection_request = ConnectionRequestFactory(
        requester=OrganizationFactory(org_type=org_type),
        counterpart_name="New Co",
        contact_name="Mary Ann Smith",
        account_number="N1",
    )
    staff = StaffUserFactory()
    decided = services.connection_request_approve(connection_request=connection_request, user=staff)
    counterpart = decided.counterpart
    assert counterpart.org_type != org_type
    assert (counterpart.contact.first_name, counterpart.contact.last_name) == ("Mary", "Ann Smith")
    assert counterpart.account_manager == staff.account_manager
    connection = decided.connection
    assert connection.status == ConnectionStatus.CONFIRMATION_WAITING
    if org_type == OrganizationType.RETAILER:
        assert connection.retailer == connection_request.requester
        assert connection.suppliers_retailer_account_number == "N1"
    else:
        assert connection.supplier == connection_request.requester
        assert connection.retailers_supplier_account_number == "N1"


@pytest.mark.django_db
def test_decisions_need_staff_and_a_pending_request(pending):
    with pytest.raises(PermissionDenied):
        services.connection_request_approve(connection_request=pending, user=UserFactory())
    staff = StaffUserFactory()
    services.connection_request_reject(connection_request=pending, user=staff, reason="dup")
    with pytest.raises(Conflict):
        services.connection_request_approve(connection_request=pending, user=staff)
    with pytest.raises(Conflict):
        services.connection_request_reject(connection_request=pending, user=staff, reason="x")
    assert AccountManager.objects.filter(user=staff).count() == 1
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_approve_cannot_link_the_requester_itself(pending):
    with pytest.raises(DomainError):
        services.connection_request_approve(
            connection_request=pending,
            user=StaffUserFactory(),
            supplier_uuid=OrganizationFactory(org_type=OrganizationType.SUPPLIER).uuid,
            retailer_uuid=pending.requester.uuid,
        )


@pytest.mark.django_db
def test_withdraw_only_pending(pending):
    services.connection_request_withdraw(connection_request=pending)
    pending.refresh_from_db()
    assert pending.status == ConnectionRequestStatus.WITHDRAWN
    with pytest.raises(Unprocessable):
        services.connection_request_withdraw(connection_request=pending)


@pytest.mark.django_db
def test_connection_without_request_may_be_confirmed_by_either_side():
    connection = ConnectionFactory()
    services.connection_confirm(connection=connection, user=member_of(connection.retailer))
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.confirmed_date is not None


@pytest.mark.django_db
def test_outsider_cannot_confirm_or_deactivate():
    connection = ConnectionFactory()
    outsider = member_of(OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.connection_confirm(connection=connection, user=outsider)
    with pytest.raises(PermissionDenied):
        services.connection_deactivate(connection=connection, user=outsider)


@pytest.mark.django_db
def test_admin_actions_approve_and_reject(client):
    admin_user = StaffUserFactory(is_superuser=True)
    client.force_login(admin_user)
    to_approve = ConnectionRequestFactory()
    to_reject = ConnectionRequestFactory()
    url = "/admin/connections/connectionrequest/"

    response = client.post(
        url, {"action": "reject_selected", "_selected_action": [to_reject.pk], "reason": ""}
    )
    assert response.status_code == 302
    to_reject.refresh_from_db()
    assert to_reject.status == ConnectionRequestStatus.PENDING  # no reason given

    client.post(
        url, {"action": "reject_selected", "_selected_action": [to_reject.pk], "reason": "Dup"}
    )
    client.post(url, {"action": "approve_selected", "_selected_action": [to_approve.pk]})
    to_reject.refresh_from_db()
    to_approve.refresh_from_db()
    assert (to_reject.status, to_reject.rejection_reason) == ("REJECTED", "Dup")
    assert to_approve.status == ConnectionRequestStatus.APPROVED
    assert to_approve.decided_by.user == admin_user
    assert Connection.objects.filter(request=to_approve).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "/admin/connections/connectionrequest/?q=Counterpart&status__exact=PENDING",
        "/admin/organizations/organization/?q=Org&org_type__exact=RETAILER",
        "/admin/connections/connection/?status__exact=ACTIVE",
        "/admin/organizations/accountmanager/",
        "/admin/organizations/person/",
    ],
)
def test_admin_pages_render(client, page):
    client.force_login(StaffUserFactory(is_superuser=True))
    connection_request = ConnectionRequestFactory()
    IntegrationFactory(request=connection_request)
    member_of(connection_request.requester)
    assert client.get(page).status_code == 200
    detail = f"/admin/connections/connectionrequest/{connection_request.pk}/change/"
    assert client.get(detail).status_code == 200
    org_detail = f"/admin/organizations/organization/{connection_request.requester.pk}/change/"
    assert client.get(org_detail).status_code == 200


@pytest.mark.django_db
def test_demo_seed_is_idempotent():
    from connections import demo
    from connections.models import ConnectionRequest, Integration
    from organizations import demo as organizations_demo

    organizations_demo.seed()
    assert demo.seed() == []
    demo.seed()
    assert ConnectionRequest.objects.filter(uuid=demo.SEED_REQUEST_UUID).count() == 1
    assert Integration.objects.filter(uuid=demo.SEED_INTEGRATION_UUID).exists()
    assert ConnectionRequest.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_both_take_effect_one_after_the_other(monkeypatch):
    """Two PATCHes of one request at once: the row lock makes the second wait for the
    first, re-read, and apply on top; neither change is lost."""
    from rest_framework.test import APIClient

    from tests.conftest import token_header

    organization = OrganizationFactory()
    user = member_of(organization)
    pending = ConnectionRequestFactory(requester=organization, additional_information="")
    integration = IntegrationFactory(request=pending, rules="old")
    header = token_header(user)
    url = f"/organizations/connections/request/{pending.uuid}/"

    held = []
    merge = services.integrations_merge

    def slow_merge(**kwargs):
        start = time.monotonic()
        time.sleep(0.3)  # widen the window in which an unlocked writer would interleave
        merge(**kwargs)
        held.append((start, time.monotonic()))

    monkeypatch.setattr(services, "integrations_merge", slow_merge)
    bodies = [
        # Only integrations here: no UPDATE of the request row that could stand in for the lock.
        {"integrations": [{"type": "order", "update_frequency": "@daily"}]},
        {
            "primary_contact_phone": "555-B",
            "integrations": [{"record_uuid": str(integration.uuid), "rules": "from B"}],
        },
    ]
    barrier = threading.Barrier(len(bodies))
    statuses = []

    def send(body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        try:
            barrier.wait()
            statuses.append(client.patch(url, body, format="json").status_code)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [204, 204]
    (_, first_end), (second_start, _) = sorted(held)
    assert second_start >= first_end - 0.01, "the second PATCH ran inside the first's lock"
    pending.refresh_from_db()
    assert pending.contact_phone == "555-B"
    integration.refresh_from_db()
    assert integration.rules == "from B"
    assert sorted(pending.integrations.values_list("integration_type", flat=True)) == [
        "item",
        "order",
    ]
