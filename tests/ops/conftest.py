"""Services the operations tests use (Redis, an S3-compatible server) and how they start.

Not reachable: skipped on a developer's machine, a failure with CI=true.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A local port nothing listens on (bound and released: connection refused)."""
    return free_port()


def service_missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is unreachable and CI=true: failing instead of skipping.")
    pytest.skip(f"{what} is unreachable")


@pytest.fixture
def _once_per_ci_run():
    """For subprocess tests on their own SQLite files: the test database's vendor changes
    nothing, so they run in the SQLite pass only (CI runs the suite on SQLite and PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("independent of the test database; runs in the SQLite pass")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Redis db 5 (this suite's), or TEST_REDIS_URL."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        service_missing(f"Redis at {url}")
    return url


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3-compatible server on a free port, for the session."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        service_missing("moto[server] (requirements-dev.txt)")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def manage(*args: str, env: dict, check: bool = True, timeout: float = 300):
    """`manage.py ARGS` in a subprocess; a failure shows its output."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        pytest.fail(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    return result


def clean_env(**overrides: str) -> dict:
    """This process's environment without the suite's own database/queue settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "QUEUE_URL", "STORAGE_BACKEND"}
        and not key.startswith(("AWS_", "PYTEST_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "connect_api.settings"
    env.setdefault("SECRET_KEY", "tests-ops-" + "k" * 50)  # production settings require one
    env.update(overrides)
    return env


def latest_migration(app: str = "connect_api") -> str:
    """The app's newest migration (forgetting an older one would leave the plan empty: its
    successors are still recorded as applied)."""
    ((_, name),) = MigrationLoader(None).graph.leaf_nodes(app)
    return name
