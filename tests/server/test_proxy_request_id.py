"""nginx (deploy/nginx/connect-api.conf.template) in front of the real gunicorn: one request id
per request, sent to the app and logged by both, also on nginx's own 502/503/504 answers; and
/metrics refused through the proxy (metrics are per instance)."""

import http.client
import json
import time

from tests.server.conftest import free_port
from tests.server.test_slow_clients import running_nginx


def fetch(port: int, path: str, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def access_lines(tmp_path) -> list[dict]:
    path = tmp_path / "access.log"
    deadline = time.monotonic() + 5
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_request_id_reaches_the_app_and_both_logs(server, tmp_path):
    with running_nginx(tmp_path, server.port) as port:
        status, headers, _ = fetch(port, "/healthz", {"X-Request-ID": "trace-42.a:b"})
        assert status == 200
        assert headers["X-Request-ID"] == "trace-42.a:b"  # the app's answer: it received it

        status, headers, _ = fetch(port, "/healthz")
        generated = headers["X-Request-ID"]
        assert status == 200 and len(generated) == 32  # nginx's $request_id, kept by the app

        status, headers, _ = fetch(port, "/healthz", {"X-Request-ID": "bad id\twith space"})
        replaced = headers["X-Request-ID"]
        assert replaced != "bad id\twith space" and len(replaced) == 32

        status, headers, body = fetch(port, "/metrics", {"Authorization": "Bearer x"})
        assert status == 404 and json.loads(body)["code"] == "not_found"
        metrics_id = headers["X-Request-ID"]

    logged = access_lines(tmp_path)[-4:]  # (before them: the start-up probes)
    assert [line["request_id"] for line in logged] == [
        "trace-42.a:b",
        generated,
        replaced,
        metrics_id,
    ]
    assert logged[0]["status"] == "200" and logged[0]["upstream"].endswith(f":{server.port}")
    assert logged[0]["logger"] == "nginx" and logged[0]["path"] == "/healthz"


def test_nginx_answers_on_its_own_carry_the_logged_request_id(tmp_path):
    """The app down: nginx's 503 in the error shape names the id its access log line has."""
    with running_nginx(tmp_path, free_port(), ready_status=503) as port:
        status, headers, body = fetch(port, "/api/token/", {"X-Request-ID": "lost-upstream-1"})
    assert status == 503
    assert headers["X-Request-ID"] == "lost-upstream-1"
    assert json.loads(body)["code"] == "service_unavailable"
    (line,) = [line for line in access_lines(tmp_path) if line["path"] == "/api/token/"]
    assert line["request_id"] == "lost-upstream-1"
    assert line["status"] == "503" and line["upstream_status"] == "502"
