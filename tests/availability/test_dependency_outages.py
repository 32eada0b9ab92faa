"""Redis and the object store failing under the real server: gunicorn (2 workers, DEBUG off)
with its cache and job queue on a redis-server and its uploads on a moto S3 server, both
started by this test on their own ports, stopped while the server runs and started again.

Redis down: the API keeps answering (limits counted per worker process), creates still
commit (their events wait for the sweep), /readyz names the cache and the queue, and the
outage is logged once per process, not per request. The object store down: uploads and
downloads answer 503 + Retry-After naming `storage`. Both heal without restarting anything.
"""

import json
import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.server.conftest import (
    BIN,
    ROOT,
    Server,
    free_port,
    gunicorn_command,
    migrated_sqlite,
    populate,
    stop,
)

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
    pytest.mark.skipif(not (BIN / "moto_server").exists(), reason="needs moto[server]"),
]

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing-key", "AWS_SECRET_ACCESS_KEY": "testing-secret"}
JSON = {"Content-Type": "application/json"}


def _wait_for_port(port: int, process, what: str, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start on port {port}")
            time.sleep(0.1)


class Service:
    """A server process on its own port that the test stops and starts again."""

    def __init__(self, name: str, command: list[str], port: int):
        self.name, self.command, self.port = name, command, port
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for_port(self.port, self.process, self.name)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def redis_service() -> Service:
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    return Service("redis-server", [*command, "--appendonly", "no"], port)


def moto_service() -> Service:
    port = free_port()
    return Service("moto_server", [str(BIN / "moto_server"), "-p", str(port)], port)


def create_bucket(endpoint: str, bucket: str) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The server as deployed for production: cache and queue on Redis, uploads on S3."""
    tmp_path = tmp_path_factory.mktemp("outages")
    redis, moto = redis_service(), moto_service()
    endpoint = f"http://127.0.0.1:{moto.port}"
    bucket = f"outages-{uuid.uuid4().hex[:8]}"
    process = log = None
    try:
        redis.start()
        moto.start()
        create_bucket(endpoint, bucket)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "PYTEST_"))
            and key not in {"CACHE_URL", "QUEUE_URL", "STORAGE_BACKEND"}
        }
        env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'server.sqlite3'}",
            CACHE_URL=f"redis://127.0.0.1:{redis.port}/0",
            QUEUE_URL=f"redis://127.0.0.1:{redis.port}/1",
            STORAGE_BACKEND="s3",
            AWS_STORAGE_BUCKET_NAME=bucket,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_S3_ADDRESSING_STYLE="path",
            DEBUG="false",
            DJANGO_SETTINGS_MODULE="connect_api.settings",
            LOG_FORMAT="json",
            **CREDENTIALS,
        )
        migrated_sqlite(tmp_path / "server.sqlite3")  # as `manage.py migrate` leaves it
        data = populate(env)
        port = free_port()
        log_path = tmp_path / "gunicorn.log"
        log = log_path.open("w")
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
                pytest.fail(log_path.read_text())
            time.sleep(0.3)
        yield server, redis, moto, (endpoint, bucket), log_path
    finally:
        if process is not None:
            stop(process)
        if log is not None:
            log.close()
        redis.stop()
        moto.stop()


def _answers(server: Server) -> bool:
    try:
        return server.request("GET", "/healthz", auth=None).status == 200
    except OSError:
        return False


def _readiness_failures(server: Server) -> list[str]:
    """/readyz's failed checks (staticfiles too where collectstatic has not run)."""
    ready = server.request("GET", "/readyz", auth=None)
    failed = ready.json()["failed"]
    assert (ready.status == 503) == bool(failed)
    return failed


def _log_records(log_path) -> list[dict]:
    records = []
    for line in log_path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def _outage_lines(log_path, dependency: str, state: str) -> list[dict]:
    return [
        record
        for record in _log_records(log_path)
        if record.get("dependency") == dependency and record.get("outage") == state
    ]


def _multipart(content: bytes) -> tuple[bytes, dict[str, str]]:
    boundary = "----outageboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="items.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


CSV = b"sku,description,quantity\r\nACME-100,Anvil,2\r\n" * 50


def _upload(server: Server):
    body, headers = _multipart(CSV)
    return server.request("POST", "/organizations/files/upload/", body, headers=headers)


def _create(server: Server, name: str):
    body = json.dumps(
        {
            "org_name": name,
            "org_contact_full_name": "Jo Outage",
            "requested_integrations": [{"integration_type": "items", "update_frequency": "@daily"}],
        }
    ).encode()
    return server.request("POST", "/organizations/connections/request/", body, headers=JSON)


def _login(server: Server):
    body = json.dumps({"username": "nick@dobaretailer.com", "password": "thanos_rocks"})
    return server.request("POST", "/api/token/", body.encode(), headers=JSON, auth=None)


def _assert_unavailable(response, dependency: str) -> None:
    assert response.status == 503, (response.status, response.body)
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert body["dependency"] == dependency
    assert dependency.replace("storage", "file storage") in body["detail"]


def test_redis_down_degrades_the_api_instead_of_failing_it(deployed):
    server, redis, _, _, log_path = deployed
    assert server.request("GET", "/organizations/connections/request/").status == 200
    assert _login(server).status == 200

    redis.stop()
    try:
        for round_ in range(6):  # several rounds: both workers, first and later failures
            listed = server.request("GET", "/organizations/connections/request/")
            assert listed.status == 200, (round_, listed.status, listed.body)
            assert _login(server).status == 200, round_
            created = _create(server, f"Made during the outage {round_}")
            assert created.status == 201, (round_, created.status, created.body)
        assert {"cache", "queue"} <= set(_readiness_failures(server))
        started = _outage_lines(log_path, "cache", "started")
        # Once per worker process that saw it (2 workers), not once per request (18 here).
        assert 1 <= len(started) <= 2, started
        assert len(_outage_lines(log_path, "queue", "started")) <= 2
    finally:
        redis.start()

    deadline = time.monotonic() + 30
    while {"cache", "queue"} & set(_readiness_failures(server)):
        assert time.monotonic() < deadline, "readiness still names Redis after it came back"
        time.sleep(0.5)
    # Every request after the probe interval counts in Redis again, and says so once.
    time.sleep(2.5)
    for _ in range(4):  # (the throttle may still spend a block leased during the outage)
        assert server.request("GET", "/organizations/connections/request/").status == 200
        assert _login(server).status == 200
    assert _create(server, "Made after the outage").status == 201
    assert 1 <= len(_outage_lines(log_path, "cache", "ended")) <= 2


def test_the_object_store_down_is_503_naming_storage(deployed):
    server, _, moto, (endpoint, bucket), log_path = deployed
    created = _upload(server)
    assert created.status == 201, created.body
    file_uuid = created.json()["uuid"]
    download = f"/organizations/files/{file_uuid}/download/"
    assert server.request("GET", download).body == CSV

    moto.stop()
    try:
        for _ in range(3):
            _assert_unavailable(_upload(server), "storage")
            _assert_unavailable(server.request("GET", download), "storage")
        # Logged once per worker process that saw it, not once per request (6 here).
        assert 1 <= len(_outage_lines(log_path, "storage", "started")) <= 2
        # What does not touch the store keeps working.
        assert server.request("GET", "/organizations/connections/request/").status == 200
    finally:
        moto.start()
        create_bucket(endpoint, bucket)  # moto keeps nothing across a restart

    again = _upload(server)
    assert again.status == 201, again.body
    assert server.request("GET", f"/organizations/files/{again.json()['uuid']}/download/").body == (
        CSV
    )
