"""The organization calls through real HTTP, as `make run` serves them: gunicorn and the job
worker side by side with the demo data, links in the mails the worker sends followed as the
docs' clients would. On SQLite that is the session's `make run` server (tests/make_run.py,
shared with the docs' shell blocks), whose worker prints the mails, as `make run` shows them; on
PostgreSQL (DATABASE_URL naming it), a server of this module's own on a fresh PostgreSQL
database, its worker writing mails to files (EMAIL_URL=filemail://)."""

import json
import os
import re
import subprocess
import time

import pytest

from tests.server.conftest import (
    BIN,
    ROOT,
    Server,
    _database_url,
    free_port,
    gunicorn_command,
    stop,
    wait_until_up,
)

JSON = {"Content-Type": "application/json; charset=utf-8"}


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture
def live(demo_server, request):
    """On SQLite, the session's `make run` server (tests/make_run.py; the worker prints the
    mails it sends, as `make run` shows them), its database put back to the demo data after
    the test; on PostgreSQL, a server of this module's own on a PostgreSQL database."""
    if ON_POSTGRESQL:
        yield request.getfixturevalue("_live_on_postgresql")
        return
    log_start = demo_server.log_size()
    server = Server(port=demo_server.server.port, data={}, env=demo_server.env)
    server.mails = lambda: demo_server.log_since(log_start).split("-" * 79)
    try:
        yield server
    finally:
        demo_server.reset()


@pytest.fixture(scope="module")
def _live_on_postgresql(tmp_path_factory):
    """gunicorn and the job worker on a PostgreSQL database with the demo data, mails written
    by the worker to files (EMAIL_URL=filemail://)."""
    tmp_path = tmp_path_factory.mktemp("orgapi-live")
    database_url, drop_database = _database_url(tmp_path, suffix="orgapi")
    port = free_port()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "QUEUE_WORKERS": "1",
        "EMAIL_URL": "filemail://",
        "EMAIL_BACKEND": "",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DEBUG": "false",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    manage = [str(BIN / "python"), "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (tmp_path / "serve.log").open("w")
    web = subprocess.Popen(gunicorn_command(port), cwd=ROOT, env=env, stdout=log, stderr=log)
    worker = subprocess.Popen([*manage, "run_huey"], cwd=ROOT, env=env, stdout=log, stderr=log)
    server = Server(port=port, data={}, env=env)
    server.mails = lambda: [
        message
        for path in sorted(mail_dir.glob("*.log"))
        for message in path.read_text(errors="replace").split("-" * 79)
    ]
    try:
        wait_until_up(server, web, tmp_path / "serve.log")
        yield server
    finally:
        stop(web)
        stop(worker)
        log.close()
        drop_database()


def mailed_link(server, to: str, marker: str, seen: int = 0) -> str:
    """The path of the newest link with `marker` in a mail to `to` (waits for the worker)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        links = []
        for message in server.mails():
            if f"To: {to}" in message:
                links += re.findall(rf"http://[^\s\"<>]*{marker}[^\s\"<>]*", message)
        if len(links) > seen:
            return re.sub(r"^http://[^/]+", "", links[-1])
        time.sleep(0.3)
    pytest.fail(f"no mail to {to} with {marker} from the worker")


def login(server, username: str, password: str) -> dict:
    body = json.dumps({"username": username, "password": password}).encode()
    response = server.request(
        "POST",
        "/timp/organizations/user-login/",
        body,
        headers={**JSON, "Authorization": "Basic Og=="},
        auth=None,
    )
    assert response.status == 200, response.body
    return response.json()


def test_invite_accept_login_grant_revoke_over_http(live):
    retailer = login(live, "retailer", "retailer-demo-pass")
    token = f"Token {retailer['auth_token']}"
    invited = live.request(
        "POST",
        "/timp/organizations/users/invite/",
        b'{"email":"live.colleague@example.com","first_name":"Live","last_name":"Colleague"}',
        headers=JSON,
        auth=token,
    )
    assert invited.status == 201, invited.body
    colleague = invited.json()["uuid"]
    link = mailed_link(live, "live.colleague@example.com", "accept-invite")
    assert live.request("GET", link, auth=None).json()["email"] == "live.colleague@example.com"
    accepted = live.request(
        "POST", link, b'{"password":"crux_is_awesome"}', headers=JSON, auth=None
    )
    assert accepted.status == 204, accepted.body
    own = login(live, "live.colleague@example.com", "crux_is_awesome")
    assert own["user_uuid"] == colleague
    mine = f"Token {own['auth_token']}"
    assert live.request("GET", "/organizations/users/all", auth=mine).status == 403
    grant = b'{"permission_uuids":["68b1647d-b6a7-48b1-9ec2-bf2f1003b6cc"]}'
    path = f"/timp/organizations/users/permissions/{colleague}/"
    assert live.request("PATCH", path, grant, headers=JSON, auth=token).status == 200
    assert live.request("GET", "/organizations/users/all", auth=mine).status == 200
    assert live.request("DELETE", path, grant, headers=JSON, auth=token).status == 200
    assert live.request("GET", "/organizations/users/all", auth=mine).status == 403


def test_reset_validate_complete_over_http(live):
    before = login(live, "supplier", "supplier-demo-pass")
    reset = live.request(
        "POST",
        "/timp/organizations/reset-password/",
        b'{"email":"supplier@example.com"}',
        headers={**JSON, "Authorization": ""},
        auth=None,
    )
    assert reset.status == 200 and reset.json() == {"reset_token": None}
    link = mailed_link(live, "supplier@example.com", "complete-password")
    token = link.split("token=", 1)[1]
    checked = live.request(
        "GET", link, headers={"Content-Type": "application/octet-stream"}, auth=None
    )
    assert checked.status == 204
    body = json.dumps({"password": "a-new-supplier-pass", "token": token}).encode()
    done = live.request(
        "POST", "/timp/organizations/complete-password/", body, headers=JSON, auth=None
    )
    assert done.status == 204, done.body
    old = live.request("GET", "/timp/organizations/", auth=f"Token {before['auth_token']}")
    assert old.status == 401  # every token of the user revoked
    assert login(live, "supplier", "a-new-supplier-pass")["org_type"] == "SUPPLIER"
