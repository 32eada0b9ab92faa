"""A database outage through the real server: gunicorn (2 workers, DEBUG off) on a PostgreSQL
cluster this test creates under /tmp (initdb + pg_ctl as the postgres OS user), stopped while
the server keeps running and started again. Every endpoint answers 503 + Retry-After in the
error shape during the outage and its usual answer afterwards, without restarting anything.
"""

import base64
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.server.conftest import (
    ROOT,
    Server,
    free_port,
    gunicorn_command,
    migrate,
    populate,
    stop,
)

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = pytest.mark.skipif(
    not INITDB or os.geteuid() != 0 or shutil.which("runuser") is None,
    reason="needs PostgreSQL's initdb/pg_ctl and root (to run them as the postgres user)",
)


class Cluster:
    """A throw-away PostgreSQL cluster, owned by the postgres OS user."""

    def __init__(self):
        self.bin = Path(INITDB[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="h16-outage-", dir="/tmp"))
        self.dir.chmod(0o755)
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres(
            "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"
        )

    def as_postgres(self, tool: str, *args) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin / tool), *map(str, args)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.as_postgres(
            "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self.as_postgres("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def outage_server():
    cluster = Cluster()
    process = log = None
    try:
        cluster.start()
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(cluster.bin.parent / "bin" / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "outage",
            ],
            check=True,
            capture_output=True,
        )
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url("outage"),
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "connect_api.settings",
            "MEDIA_ROOT": str(cluster.dir / "media"),
            "CONN_MAX_AGE": "60",
        }
        migrate(env)
        data = populate(env)
        log = (cluster.dir / "gunicorn.log").open("w")
        process = subprocess.Popen(
            gunicorn_command(port),
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = Server(port=port, data=data, env=env)
        deadline = time.monotonic() + 60
        while not _answers(server):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail((cluster.dir / "gunicorn.log").read_text())
            time.sleep(0.3)
        yield server, cluster
    finally:
        if process is not None:
            stop(process)
        if log is not None:
            log.close()
        cluster.remove()


def _answers(server: Server) -> bool:
    try:
        return server.request("GET", "/healthz", auth=None).status == 200
    except OSError:
        return False


def probes(server: Server) -> dict[str, callable]:
    """One call per kind of endpoint: supplier (token), outreach (Basic, remembered after the
    first call), the token login, a plain Django view behind the session middleware, health."""
    basic = base64.b64encode(f"{server.data['outreach_username']}:password".encode()).decode()
    login = json.dumps({"username": server.data["outreach_username"], "password": "password"})
    site = server.data["outreach_site"]
    return {
        "supplier list": lambda: server.request("GET", "/organizations/connections/request/"),
        "outreach account": lambda: server.request(
            "GET", f"/api_accessacs_mobile/v2/{site}/account", auth=f"Basic {basic}"
        ),
        "token login": lambda: server.request(
            "POST",
            "/api/token/",
            login.encode(),
            headers={"Content-Type": "application/json"},
            auth=None,
        ),
        "admin with a session cookie": lambda: server.request(
            "GET",
            "/admin/",
            headers={"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"},
            auth=None,
        ),
        "healthz": lambda: server.request("GET", "/healthz", auth=None),
    }


def test_an_outage_is_503_with_retry_after_everywhere_and_heals_by_itself(outage_server):
    server, cluster = outage_server
    calls = probes(server)
    before = {name: call().status for name, call in calls.items()}
    assert all(status < 500 for status in before.values()), before
    assert before["token login"] == 200

    cluster.stop()
    try:
        for round_ in range(2):  # twice: each worker's first and later failures alike
            for name, call in calls.items():
                response = call()
                assert response.status == 503, (round_, name, response.status, response.body)
                if name == "healthz":
                    continue  # health has its own body (h11's /healthz)
                assert response.headers["Content-Type"].startswith("application/json"), name
                assert response.json()["code"] == "service_unavailable", name
                assert response.json()["dependency"] == "database", name
                assert int(response.headers["Retry-After"]) > 0, name
    finally:
        cluster.start()

    deadline = time.monotonic() + 30
    while True:
        after = {name: call().status for name, call in calls.items()}
        if after == before or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert after == before
