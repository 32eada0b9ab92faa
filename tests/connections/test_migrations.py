"""Requests decided before the review history existed get their one history line."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from connections.models import ReviewEntry

BEFORE = [("connections", "0008_integration_time_zone_and_review_history")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.fixture
def old_apps(transactional_db):
    executor = migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_decided_requests_get_their_decision_line(old_apps, django_user_model):
    Organization = old_apps.get_model("organizations", "Organization")
    Person = old_apps.get_model("organizations", "Person")
    AccountManager = old_apps.get_model("organizations", "AccountManager")
    ConnectionRequest = old_apps.get_model("connections", "ConnectionRequest")
    staff = django_user_model.objects.create(username="decider", is_staff=True)
    manager = AccountManager.objects.create(
        user_id=staff.pk, person=Person.objects.create(first_name="Morgan", last_name="M")
    )
    retailer = Organization.objects.create(name="Acme Retail", org_type="RETAILER")

    def request(status, **fields):
        return ConnectionRequest.objects.create(
            requester=retailer, counterpart_name="X", contact_name="Y", status=status, **fields
        )

    rejected = request("REJECTED", decided_by=manager, decided_at="2026-01-02T03:04:05Z",
                       rejection_reason="No EDI")  # fmt: skip
    approved = request("APPROVED", decided_by=manager, decided_at="2026-01-03T00:00:00Z")
    withdrawn = request("WITHDRAWN", decided_at="2026-01-04T00:00:00Z")
    pending = request("PENDING")

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    lines = {entry.request_id: entry for entry in ReviewEntry.objects.all()}
    assert set(lines) == {rejected.pk, approved.pk, withdrawn.pk}
    assert pending.pk not in lines
    line = lines[rejected.pk]
    assert (line.action, line.message, line.account_manager_id, line.user_id) == (
        "REJECTED", "No EDI", manager.pk, staff.pk
    )  # fmt: skip
    assert line.created_at.isoformat() == "2026-01-02T03:04:05+00:00"
    assert (lines[approved.pk].action, lines[approved.pk].message) == ("APPROVED", "")
    assert (lines[withdrawn.pk].action, lines[withdrawn.pk].account_manager_id) == (
        "WITHDRAWN", None
    )  # fmt: skip
