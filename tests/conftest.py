import base64
import inspect
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import TestCase, TransactionTestCase
from knox.models import AuthToken
from rest_framework.test import APIClient

from connect_api.throttling import LEASES

pytest_plugins = ["tests.supplier_fixtures", "tests.make_run"]
TESTS = Path(__file__).resolve().parent
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests need no costly hashes

# The servers tests start (gunicorn in tests/server, tests/availability) run with DEBUG off,
# which needs a SECRET_KEY (connect_api/settings.py); they inherit this one.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-outside-the-test-run")


def _redis_database_of_this_worker() -> None:
    """Under pytest-xdist (`make test`), TEST_REDIS_URL names a Redis database of this worker's
    own (the configured one, default 5, plus the worker's number: gw0 5, gw1 6, modulo Redis's
    16): the tests that flush it never empty another worker's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    url = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5"))
    database = (int(url.path.strip("/") or 0) + int(worker[2:])) % 16
    os.environ["TEST_REDIS_URL"] = url._replace(path=f"/{database}").geturl()


_redis_database_of_this_worker()


@pytest.fixture(autouse=True)
def _fast_passwords_and_clean_caches(settings, tmp_path_factory):
    # Uploaded bytes (the demo seed stores some too) never land in the project's media/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Tests do not run collectstatic, so no manifest of hashed names exists; nor do they read
    # what `make run` collected into staticfiles/ (WhiteNoise would index those files again for
    # each test client: 65 ms a client, minutes over the suite, once `make run` has run).
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "static-never-collected"
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
def cursors_opened(monkeypatch):
    """The aliases of the cursors `connection.cursor()` makes from here on."""
    from django.db import connections

    wrapper = connections["default"]
    opened = []
    make = type(wrapper).cursor

    def counted(self, *args, **kwargs):
        opened.append(self.alias)
        return make(self, *args, **kwargs)

    monkeypatch.setattr(type(wrapper), "cursor", counted)
    return opened


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


def pytest_itemcollected(item):
    """The xdist_group mark of a test sharing a fixture that starts something, set as the test
    is collected: pytest-xdist's worker reads the marks in its pytest_collection_modifyitems
    (it appends the group to the test's id, which the scheduler groups by), which runs before
    the trylast one below, so a mark set there would never group anything."""
    group = _shared_fixture_group(item)
    if group:
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    _group_in_node_ids(items)
    heavy = set()
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
        if item.get_closest_marker("xdist_group") or _starts_processes_or_migrates(item):
            heavy.add(item.nodeid)
    # Under `--dist loadgroup` xdist hands out the groups first (largest first), then the
    # single tests in this order: within each of pytest-django's ranks (tests in a transaction,
    # then tests that commit, whose flush empties what the migrations wrote, then tests without
    # a database) the long ones first, so that the run does not end with one worker busy for a
    # minute and the other idle.
    items.sort(key=lambda item: (django_rank(item), item.nodeid not in heavy))


def _group_in_node_ids(items) -> None:
    """pytest-xdist's worker (3.8) names a test's group for the scheduler by appending
    `@<group>` to the test's id, writing the id's old attribute (`_nodeid`); pytest 9.2 reads
    the id from a structured one (`_id`), so the suffix never reached the scheduler and
    `--dist loadgroup` sent the tests of one group to both workers, each starting the group's
    servers. The id written is copied to where pytest reads it; with a pytest that still reads
    `_nodeid` (or an xdist that names the group otherwise) nothing is left to do."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:
        return
    for item in items:
        written = item.__dict__.get("_nodeid")
        if written and written != item.nodeid and hasattr(item, "_id"):
            item._id = NodeId.parse(written)


def django_rank(item) -> int:
    """pytest-django's order (Django's): 0 in a transaction, 1 committing, 2 no database."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return 0 if issubclass(cls, TestCase) else 1
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    commits = bool(fixtures & {"transactional_db", "live_server"})
    if marker is not None:
        commits = commits or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
        commits = commits or bool(marker.args[:1] and marker.args[0])
    if commits:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def _starts_processes_or_migrates(item) -> bool:
    """Tests of a module that starts processes (gunicorn, a job worker, a management command in
    a subprocess) or replays migrations: seconds each, where most tests take milliseconds."""
    module = getattr(item, "module", None)
    names = vars(module) if module is not None else {}
    return "subprocess" in names or "MigrationExecutor" in names


def _shared_fixture_group(item) -> str | None:
    """The tests' own session- and module-scoped fixtures start something once (gunicorn,
    Chromium, nginx, moto, a PostgreSQL cluster, a generated schema). Under pytest-xdist with
    `--dist loadgroup` (`make test`) the tests sharing one are sent to one worker, so it starts
    once per run, not once per worker: grouped by the session fixtures they use, else by module.
    Autouse fixtures (named with a leading underscore here) concern every test and group none."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    shared = {"session": set(), "module": set()}
    for name in item.fixturenames:
        definitions = info.name2fixturedefs.get(name)
        if not definitions or name.startswith("_"):
            continue
        definition = definitions[-1]
        scope = getattr(definition.scope, "value", definition.scope)
        if scope in shared and Path(inspect.getfile(definition.func)).is_relative_to(TESTS):
            shared[scope].add(name)
    if shared["session"]:
        return "+".join(sorted(shared["session"]))
    if shared["module"]:
        return item.nodeid.split("::")[0]
    return None
