"""Slow clients cannot starve the server: the production stack, nginx with the
repository's deploy/nginx/connect-api.conf.template in front of the real gunicorn
(gunicorn.conf.py, 2 sync workers), on loopback.

20 connections trickle a header, or a body, while /healthz keeps answering within 1 s through
the same nginx; a request announcing `Content-Length: 999999999` is refused at once (413 in the
API's error shape) and never reaches a worker. Without nginx two such clients stall both workers;
nginx reads every request whole in its
event loop and gunicorn only ever sees complete ones.

nginx comes from the system (Debian's `nginx-light`; `.ci/run` installs it): missing, these
tests skip on a developer's machine and fail with CI=true.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.server.conftest import ROOT, free_port

TEMPLATE = ROOT / "deploy" / "nginx" / "connect-api.conf.template"
SLOW_CLIENTS = 20
PROBE_LIMIT = 1.0  # seconds /healthz may take while the slow clients are held


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).exists()),
        None,
    )
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("nginx is not installed and CI=true (.ci/run installs nginx-light).")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return found


def render(template: str, values: dict[str, str]) -> str:
    """What the nginx image's envsubst does with `values` (and only those)."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    assert "${" not in template, "the template names a variable the test does not set"
    return template


def nginx_conf(tmp: Path, upstream_port: int, listen_port: int) -> Path:
    server = render(
        TEMPLATE.read_text(),
        {
            "APP_UPSTREAM": f"127.0.0.1:{upstream_port}",
            "NGINX_LISTEN": f"127.0.0.1:{listen_port}",
            "NGINX_CLIENT_MAX_BODY_SIZE": "26m",
            "NGINX_ACCESS_LOG": str(tmp / "access.log"),
        },
    )
    (tmp / "connect-api.conf").write_text(server)
    # What the image's own nginx.conf provides around conf.d/, with paths of this test's own.
    user = "user root;\n" if os.geteuid() == 0 else ""  # temp files in a root-only directory
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\n"
        f"error_log {tmp}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {tmp}/{kind}_temp;\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp}/connect-api.conf;\n}}\n"
    )
    return conf


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory):
    """nginx on a free loopback port in front of the session's gunicorn: its port."""
    with running_nginx(tmp_path_factory.mktemp("nginx"), server.port) as port:
        yield port


@contextmanager
def running_nginx(tmp: Path, upstream_port: int, *, ready_status: int = 200):
    binary = nginx_binary()
    port = free_port()
    conf = nginx_conf(tmp, upstream_port, port)
    checked = subprocess.run(
        [binary, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if get(port, "/healthz")[0] == ready_status:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {(tmp / 'error.log').read_text()}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str, timeout: float = 10) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


class Trickle:
    """SLOW_CLIENTS connections, each sending `opening` and then `piece` every `interval` s."""

    def __init__(self, port: int, opening: bytes, piece: bytes, interval: float = 0.5):
        self.port, self.opening, self.piece, self.interval = port, opening, piece, interval
        self.sockets: list[socket.socket] = []
        self.closed_by_server: list[float] = []  # seconds after the start
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(self.opening)
            self.sockets.append(sock)
        self.started = time.monotonic()
        self.thread.start()
        return self

    def run(self):
        alive = list(self.sockets)
        while alive and not self.stopping.wait(self.interval):
            for sock in list(alive):
                try:
                    sock.sendall(self.piece)
                except OSError:
                    self.closed_by_server.append(time.monotonic() - self.started)
                    alive.remove(sock)

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


def probe_for(port: int, seconds: float) -> list[tuple[int, float]]:
    """GET /healthz through nginx, one after another, for `seconds`."""
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            answers.append(get(port, "/healthz", timeout=5))
        except OSError:
            answers.append((0, 5.0))
        time.sleep(0.1)
    return answers


def assert_healthy(answers: list[tuple[int, float]]) -> None:
    assert len(answers) >= 10
    assert {status for status, _ in answers} == {200}, answers
    slowest = max(elapsed for _, elapsed in answers)
    assert slowest < PROBE_LIMIT, f"/healthz took {slowest:.2f} s with slow clients held"


def test_twenty_clients_trickling_headers_starve_nothing_and_are_cut_off(proxy):
    opening = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    with Trickle(proxy, opening, b"X-Slow: 1\r\n") as slow:
        answers = probe_for(proxy, 12)
    assert_healthy(answers)
    # nginx's client_header_timeout (10 s for the whole header) closed every one of them
    assert len(slow.closed_by_server) == SLOW_CLIENTS
    assert all(8 < when < 12.5 for when in slow.closed_by_server), slow.closed_by_server


def test_twenty_clients_trickling_bodies_starve_nothing(proxy, server):
    body_length = 4000
    opening = (
        "POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {body_length}\r\n\r\n"
    ).encode()
    with Trickle(proxy, opening, b" " * 10) as slow:
        answers = probe_for(proxy, 6)
        # the bodies are still coming in: none of them has been cut off or answered
        assert slow.closed_by_server == []
    assert_healthy(answers)


def test_trickled_body_reaches_the_app_whole_when_it_is_complete(proxy, server):
    """What nginx buffered is what gunicorn gets: a token login sent 10 bytes at a time
    (tests/server/populate.py's supplier user)."""
    body = json.dumps({"username": "nick@dobaretailer.com", "password": "thanos_rocks"}).encode()
    head = (
        "POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", proxy), timeout=10) as sock:
        sock.sendall(head)
        for index in range(0, len(body), 10):
            time.sleep(0.05)
            sock.sendall(body[index : index + 10])
        response = http.client.HTTPResponse(sock)
        response.begin()
        answer = json.loads(response.read())
    assert response.status == 200, answer
    assert answer["token"]


def test_a_huge_announced_body_is_refused_at_once_in_the_error_shape(proxy):
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", proxy), timeout=10) as sock:
        sock.sendall(
            b"POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\n\r\n{"
        )
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
    elapsed = time.perf_counter() - started
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(body)["code"] == "payload_too_large"
    assert elapsed < 2
    # no worker was held: /healthz answers at once
    status, took = get(proxy, "/healthz")
    assert status == 200 and took < PROBE_LIMIT


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414, "uri_too_long"),
        (
            b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
            431,
            "request_header_fields_too_large",
        ),
        (b"NONSENSE\r\n\r\n", 400, "bad_request"),
    ],
)
def test_the_proxy_refuses_in_the_error_shape(proxy, raw, status, code):
    with socket.create_connection(("127.0.0.1", proxy), timeout=10) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
    assert response.status == status
    assert json.loads(body)["code"] == code


def test_without_gunicorn_the_proxy_answers_503_with_retry_after_in_the_error_shape(
    tmp_path,
):
    """gunicorn down, restarting, or its worker killed past GUNICORN_TIMEOUT: nginx's 502 is
    answered as the API's 503 (docs/operations.md, "Errors from the server itself")."""
    with running_nginx(tmp_path, free_port(), ready_status=503) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/organizations/connections/request/")
            response = connection.getresponse()
            body = json.loads(response.read())
        finally:
            connection.close()
    assert response.status == 503
    assert response.getheader("Retry-After") == "5"
    assert response.getheader("Content-Type") == "application/json"
    assert body["code"] == "service_unavailable"
