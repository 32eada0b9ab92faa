"""The real server: gunicorn started as `make run` starts it (with the project's
gunicorn.conf.py), on a free port, against a database this session creates and migrates (a
temporary SQLite file; a throw-away PostgreSQL database when DATABASE_URL names PostgreSQL).
"""

import atexit
import fcntl
import functools
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import environ
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MAX_BODY_BYTES = 64 * 1024
UPLOAD_MAX_BYTES = 256 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RawResponse:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Server:
    port: int
    data: dict
    env: dict
    process: subprocess.Popen | None = None

    def send(self, raw: bytes, timeout: float = 20) -> RawResponse:
        """Send `raw` (a whole HTTP/1.1 request, as bytes) and read the one response."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(raw)
            response = http.client.HTTPResponse(sock)
            response.begin()
            return RawResponse(response.status, response.headers, response.read())

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        headers: dict[str, str] | None = None,
        chunks: list[bytes] | None = None,
        auth: str | None = "token",
    ) -> RawResponse:
        """A request with `body` (Content-Length) or `chunks` (Transfer-Encoding: chunked)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close"]
        if auth == "token":
            lines.append(f"Authorization: Token {self.data['token']}")
        elif auth:
            lines.append(f"Authorization: {auth}")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        payload = b""
        if chunks is not None:
            lines.append("Transfer-Encoding: chunked")
            payload = chunked(chunks)
        elif body is not None:
            lines.append(f"Content-Length: {len(body)}")
            payload = body
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)


def chunked(chunks: list[bytes]) -> bytes:
    """`chunks` framed as a chunked body, ended by the last (zero) chunk."""
    framed = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks if chunk)
    return framed + b"0\r\n\r\n"


def split(data: bytes, size: int) -> list[bytes]:
    return [data[index : index + size] for index in range(0, len(data), size)]


def _database_url(tmp_path, suffix: str = "gunicorn") -> tuple[str, callable]:
    """A fresh database for the server and the function that drops it (PostgreSQL: named
    with `suffix` and the pytest-xdist worker, so servers of different test packages or
    workers never share one)."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg2

        config = environ.Env.db_url_config(configured)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = f"test_{config['NAME']}_{suffix}" + (f"_{worker}" if worker else "")
        admin = psycopg2.connect(
            dbname="postgres",
            user=config["USER"],
            password=config["PASSWORD"] or None,
            host=config["HOST"],
            port=config["PORT"] or 5432,
        )
        admin.autocommit = True

        def recreate(drop_only=False):
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if not drop_only:
                    cursor.execute(f'CREATE DATABASE "{name}"')

        recreate()
        url = configured.rsplit("/", 1)[0] + f"/{name}"

        def drop():
            recreate(drop_only=True)
            admin.close()

        return url, drop
    return f"sqlite:///{tmp_path / 'server.sqlite3'}", lambda: None


def migrated_sqlite(path: Path) -> Path:
    """`path`: a new SQLite database as `manage.py migrate` leaves it (its first migration
    creates the cache table: no `createcachetable`), copied from a template migrated once (in a
    subprocess, as `make run` migrates), so each server and worker the tests start does not run
    the migrations again. Once per test process; under pytest-xdist once per run, shared by the
    workers (see pytest_configure)."""
    shutil.copyfile(_sqlite_template(), path)
    return path


# Under pytest-xdist: where the workers share the migrated template, the run's base temporary
# directory (each worker's own is a directory in it; pytest keeps the last few runs' and
# removes older ones, so the template is never reused by a later run of other code).
_SHARED_TEMPLATE_DIRECTORY: Path | None = None


def pytest_configure(config):
    global _SHARED_TEMPLATE_DIRECTORY
    basetemp = config.getoption("basetemp", None)
    if os.environ.get("PYTEST_XDIST_WORKER") and basetemp:
        _SHARED_TEMPLATE_DIRECTORY = Path(basetemp).parent / "migrated-sqlite"


@functools.cache
def _sqlite_template() -> Path:
    shared = _SHARED_TEMPLATE_DIRECTORY
    if shared is None:
        directory = Path(tempfile.mkdtemp(prefix="connect-api-migrated-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        return _migrate_sqlite(directory / "template.sqlite3")
    shared.mkdir(parents=True, exist_ok=True)
    database = shared / "template.sqlite3"
    # The first worker to get here migrates while holding the lock; the others wait for it and
    # copy its file. It appears under its name complete, or not at all (a failed migrate leaves
    # none, and the next caller tries again).
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.exists():
            building = _migrate_sqlite(shared / f"building-{os.getpid()}.sqlite3")
            building.rename(database)
    return database


def _migrate_sqlite(database: Path) -> Path:
    migrate(
        {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "connect_api.settings",
            "DEBUG": "false",
        }
    )
    return database


def migrate(env: dict) -> None:
    """`manage.py migrate` against the database `env` names, as `make run` migrates."""
    subprocess.run(
        [str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def server_database(database_url: str, sqlite_path: Path, env: dict) -> None:
    """The database a test server starts on, as `manage.py migrate` leaves it: on SQLite a copy
    of the migrated template at `sqlite_path` (what `database_url` names), elsewhere migrated."""
    if database_url.startswith("sqlite:"):
        migrated_sqlite(sqlite_path)
    else:
        migrate(env)


def populate(env: dict, module: str = "tests.server.populate") -> dict:
    """Run `python -m <module>` against the database `env` names: the JSON object its last line
    prints (the credentials and ids the tests address); a failure fails the test with its error."""
    populated = subprocess.run(
        [str(BIN / "python"), "-m", module], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if populated.returncode:
        pytest.fail(f"populating the server's database failed:\n{populated.stderr}")
    return json.loads(populated.stdout.strip().splitlines()[-1])


def gunicorn_command(port: int) -> list[str]:
    """As `make run` starts it (scripts/serve): `gunicorn -c gunicorn.conf.py connect_api.wsgi`,
    bound by BIND; without a gunicorn.conf.py, the same on the command line."""
    if (ROOT / "gunicorn.conf.py").exists():
        return [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "connect_api.wsgi"]
    return [str(BIN / "gunicorn"), "connect_api.wsgi", "--bind", f"127.0.0.1:{port}", "-w", "2"]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    database_url, drop_database = _database_url(tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
        "UPLOAD_MAX_BYTES": str(UPLOAD_MAX_BYTES),
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DEBUG": "false",
    }
    server_database(database_url, tmp_path / "server.sqlite3", env)
    data = populate(env)
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        gunicorn_command(port),
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    running = Server(port=port, data=data, env=env, process=process)
    try:
        wait_until_up(running, process, tmp_path / "gunicorn.log")
        yield running
    finally:
        stop(process)
        log.close()
        drop_database()


def wait_until_up(server: Server, process, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.request("GET", "/healthz", auth=None).status == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the server did not start: {log_path.read_text()}")
        time.sleep(0.2)


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def runserver(server, tmp_path):
    """Django's development server on the same database (it cannot de-chunk: see
    connect_api/request_body.py)."""
    port = free_port()
    log_path = tmp_path / "runserver.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        running = Server(port=port, data=server.data, env=server.env)
        try:
            wait_until_up(running, process, log_path)
            yield running
        finally:
            stop(process)
