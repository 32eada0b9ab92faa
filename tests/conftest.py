import base64
import os

import pytest
from django.core.cache import caches
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from connect_api.throttling import LEASES

pytest_plugins = ["tests.supplier_fixtures"]

# The servers tests start (gunicorn in tests/server, tests/availability) run with DEBUG off,
# which needs a SECRET_KEY (connect_api/settings.py); they inherit this one.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-outside-the-test-run")


@pytest.fixture(autouse=True)
def _fast_passwords_and_clean_caches(settings, tmp_path_factory):
    # Uploaded bytes (the demo seed stores some too) never land in the project's media/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests do not run collectstatic, so no manifest of hashed names exists.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    caches["credentials"].clear()
    LEASES.clear()  # a block leased in one test must not serve the next (ids are reused)
    yield
    caches["credentials"].clear()
    LEASES.clear()


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_immediately():
    """Huey tasks run in the caller during tests (tests/ops starts a real worker where needed)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True, scope="session")
def _database_is_migrated():
    """pytest-django migrated the test database: the migration gate need not read it (its
    queries would count in query-count tests). tests/ops/test_migration_gate.py tests the gate."""
    from connect_api.migration_gate import MigrationGateMiddleware

    MigrationGateMiddleware.applied = True


def basic_header(username: str, password: str) -> str:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {encoded}"


def token_header(user) -> str:
    _, token = AuthToken.objects.create(user=user)
    return f"Token {token}"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client():
    """APIClient authenticated with a real knox token for the given user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token_header(user))
        return client

    return make


@pytest.fixture
def basic_client():
    """APIClient sending real HTTP Basic credentials on every call, as the mobile app does."""

    def make(username: str, password: str = "password") -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic_header(username, password))
        return client

    return make


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
