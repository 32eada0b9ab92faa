"""The server `make run` starts, once per test process (on one pytest-xdist worker, the tests
using it are grouped there by tests/conftest.py): the demo data (`manage.py seed_demo`), then
gunicorn and the job worker (scripts/serve) on a free port, on a SQLite database of its own.
Used by the docs' shell blocks (tests/docs) and the organization calls over HTTP
(tests/organizations/test_org_live.py). Each test puts the database back with `reset()` when it
is done, so every test starts from the demo data exactly as `seed_demo` left it.
"""

import os
import signal
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server.conftest import BIN, ROOT, Server, free_port, migrated_sqlite, wait_until_up


@dataclass
class DemoServer:
    server: Server
    database: Path
    seeded: Path
    env: dict
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def reset(self) -> None:
        """The database back to the demo data as `seed_demo` left it (what `make reset` does,
        copied back with SQLite's backup API instead of seeding again: milliseconds)."""
        sqlite_copy(self.seeded, self.database)

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        """What gunicorn and the worker printed after `offset` (mails included: the worker
        prints them, as `make run` shows them)."""
        with self.log.open(errors="replace") as log:
            log.seek(offset)
            return log.read()


def sqlite_copy(source_path: Path, target_path: Path) -> None:
    """SQLite's online backup: safe while the server's processes have the target open."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("make-run")
    database = migrated_sqlite(tmp_path / "db.sqlite3")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "QUEUE_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DEBUG": "false",
    }
    # As `make run`: the demo data, then gunicorn and the worker. Its collectstatic is left out:
    # no test reads a static file, and pages answer without it (connect_api/staticfiles.py).
    seeded = subprocess.run(
        [str(BIN / "python"), "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert seeded.returncode == 0, seeded.stderr
    snapshot = tmp_path / "seeded.sqlite3"
    sqlite_copy(database, snapshot)

    port = free_port()
    log = tmp_path / "make-run.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["scripts/serve"],
            cwd=ROOT,
            env={**env, "BIN": str(BIN), "BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Server(port=port, data={}, env=env, process=process)
        try:
            wait_until_up(server, process, log)
            yield DemoServer(server=server, database=database, seeded=snapshot, env=env, log=log)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
