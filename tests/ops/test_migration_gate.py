"""A server whose database is not migrated answers 503 naming `migrate`, never a 500."""

import pytest
from django.db import connection
from django.utils import timezone

from connect_api import migration_gate
from connect_api.migration_gate import MigrationGateMiddleware
from tests.ops.conftest import latest_migration

pytestmark = pytest.mark.django_db

LIST = "/organizations/connections/request/"


@pytest.fixture
def gate(monkeypatch):
    monkeypatch.setattr(MigrationGateMiddleware, "applied", False)
    monkeypatch.setattr(MigrationGateMiddleware, "missing", None)
    monkeypatch.setattr(MigrationGateMiddleware, "checked_at", float("-inf"))
    return MigrationGateMiddleware


def forget(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'connect_api' AND name = %s", [name]
        )


def test_business_endpoints_answer_503_until_migrated(gate, retailer_client, monkeypatch):
    latest = latest_migration()
    forget(latest)
    response = retailer_client.get(LIST)
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert "manage.py migrate" in response.json()["detail"]
    assert response["Retry-After"] == "5"
    assert gate.missing == [f"connect_api.{latest}"]

    # Health and readiness still answer, and say why.
    assert retailer_client.get("/healthz").status_code == 200
    ready = retailer_client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["failed"] == ["migrations"]

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('connect_api', %s, %s)",
            [latest, timezone.now()],
        )
    assert retailer_client.get(LIST).status_code == 503  # rechecked only every few seconds
    monkeypatch.setattr(migration_gate, "RECHECK_SECONDS", 0.0)
    assert retailer_client.get(LIST).status_code == 200
    assert gate.applied is True


def test_once_migrated_the_gate_costs_no_query(
    gate, retailer_client, django_assert_max_num_queries
):
    retailer_client.get("/healthz/")
    assert retailer_client.get(LIST).status_code == 200
    assert gate.applied is True
    with django_assert_max_num_queries(0):
        assert retailer_client.get("/metrics").status_code == 404
