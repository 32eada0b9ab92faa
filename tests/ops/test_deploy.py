"""docs/operations.md "Deploy", step by step, on a fresh database, served by a real gunicorn.

On the PostgreSQL pass (DATABASE_URL=postgres://...) the test creates its own database on that
server; on the SQLite pass a fresh database file. Nothing but the Deploy steps prepares it:
`migrate`, then (after checking that a server without collectstatic answers no 500)
`collectstatic` and `createsuperuser`; the organizations and the outreach site a client uses are
made the way an operator's data would arrive, through the models (tests/factories.py).
"""

import base64
import http.client
import json
import os
import secrets
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import environ
import psycopg2
import pytest
from django.db import connection

from tests.ops.conftest import ROOT, clean_env, free_port, manage

BIN = ROOT / ".venv" / "bin"

POPULATE = """
from organizations.choices import OrganizationType
from outreach.choices import SecurityRole
from tests.factories import (
    ConnectionTypeFactory, IndividualFactory, OrganizationFactory,
    OrganizationMembershipFactory, SiteFactory, SiteMembershipFactory, UserFactory,
)
retailer = OrganizationFactory(name="Deploy Retail", org_type=OrganizationType.RETAILER)
OrganizationMembershipFactory(
    organization=retailer, user=UserFactory(username="deploy-retailer", password="retail-pass-1")
)
site = SiteFactory(number=777, name="Deploy Church")
SiteMembershipFactory(
    site=site,
    user=UserFactory(username="deploy-outreach", password="outreach-pass-2"),
    security_role=SecurityRole.ADMINISTRATOR,
    individual=IndividualFactory(site=site),
)
ConnectionTypeFactory(site=site, number=1, description="First Time Guest")
"""


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Server:
    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, *, body=None, headers=None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Answer(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            conn.close()


def basic(username: str, password: str) -> dict:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


@pytest.fixture
def fresh_database(tmp_path):
    """A database nobody has touched, of the kind this test run uses."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
        return
    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = f"connect_api_deploy_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
        password=config["PASSWORD"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = config["USER"]
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    try:
        yield f"postgres://{user}{password}@{config['HOST']}:{config['PORT'] or 5432}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def deploy_env(fresh_database, tmp_path) -> dict:
    """Production settings, from the environment only (docs/operations.md "Deploy")."""
    return clean_env(
        DATABASE_URL=fresh_database,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        QUEUE_URL=f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        WEB_CONCURRENCY="2",
    )


@contextmanager
def gunicorn(env: dict, log_path):
    port = free_port()
    log = log_path.open("a")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "connect_api.wsgi"],
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def token_for(server: Server, username: str, password: str) -> str:
    answer = server.request(
        "POST",
        "/api/token/",
        body=json.dumps({"username": username, "password": password}),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 200, answer.body
    return answer.json()["token"]


def test_the_readme_deploy_steps_give_a_working_server(deploy_env, tmp_path):
    log_path = tmp_path / "gunicorn.log"

    # Not migrated yet: 503 naming `migrate` on business endpoints, never a 500.
    with gunicorn(deploy_env, log_path) as server:
        ready = server.request("GET", "/readyz")
        assert ready.status == 503
        assert {"migrations", "cache"} <= set(ready.json()["failed"])
        login = server.request(
            "POST",
            "/api/token/",
            body=json.dumps({"username": "nobody", "password": "x"}),
            headers={"Content-Type": "application/json"},
        )
        assert login.status == 503 and b"manage.py migrate" in login.body
        outreach = server.request(
            "GET", "/api_accessacs_mobile/v2/777/account", headers=basic("a", "b")
        )
        assert outreach.status == 503

    # 1. migrate: the only database step (the cache table is a migration).
    manage("migrate", "--noinput", "-v0", env=deploy_env)
    manage("shell", "-c", POPULATE, env=deploy_env)

    # Before collectstatic: no 500 anywhere, and readiness says what is missing.
    with gunicorn(deploy_env, log_path) as server:
        ready = server.request("GET", "/readyz")
        assert ready.status == 503
        assert ready.json()["failed"] == ["staticfiles"]
        for path in ("/api/docs/", "/admin/login/", "/api/schema/"):
            assert server.request("GET", path).status == 200, path
        token = token_for(server, "deploy-retailer", "retail-pass-1")
        listed = server.request(
            "GET",
            "/organizations/connections/request/",
            headers={"Authorization": f"Token {token}"},
        )
        assert listed.status == 200, listed.body
    assert "run `manage.py collectstatic --noinput`" in log_path.read_text()

    # 2. collectstatic, 3. createsuperuser.
    manage("collectstatic", "--noinput", "-v0", env=deploy_env)
    manage(
        "createsuperuser",
        "--noinput",
        env={
            **deploy_env,
            "DJANGO_SUPERUSER_USERNAME": "operator",
            "DJANGO_SUPERUSER_EMAIL": "ops@example.com",
            "DJANGO_SUPERUSER_PASSWORD": "operator-pass-3",
        },
    )

    with gunicorn(deploy_env, log_path) as server:
        ready = server.request("GET", "/readyz")
        assert ready.status == 200, ready.body
        assert ready.json()["status"] == "ok"

        # Static assets, hashed by the manifest, served by whitenoise.
        docs = server.request("GET", "/api/docs/")
        assert docs.status == 200
        asset = next(
            part.split('"')[0]
            for part in docs.body.decode().split('src="')[1:]
            if part.startswith("/static/")
        )
        assert server.request("GET", asset).status == 200, asset
        assert server.request("GET", "/admin/login/").status == 200

        # The superuser logs in (token); the retailer uses the supplier API with a token.
        token_for(server, "operator", "operator-pass-3")
        token = token_for(server, "deploy-retailer", "retail-pass-1")
        auth = {"Authorization": f"Token {token}"}
        created = server.request(
            "POST",
            "/organizations/connections/request/",
            body=json.dumps({"organization_name": "Road Runner", "primary_contact_name": "RR"}),
            headers={**auth, "Content-Type": "application/json"},
        )
        assert created.status == 201, created.body
        request_uuid = created.json()["request_uuid"]
        detail = server.request(
            "GET", f"/organizations/connections/request/{request_uuid}/", headers=auth
        )
        assert detail.status == 200 and detail.json()["org_name"] == "Road Runner"

        boundary = "deploy-boundary"
        content = b"sku,description\nA-1,Anvil\n"
        multipart = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="items.csv"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        uploaded = server.request(
            "POST",
            "/organizations/files/upload/",
            body=multipart,
            headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert uploaded.status == 201, uploaded.body
        download = server.request(
            "GET", f"/organizations/files/{uploaded.json()['uuid']}/download/", headers=auth
        )
        assert download.status == 200 and download.body == content

        # Outreach, with HTTP Basic as the mobile app sends it.
        outreach = basic("deploy-outreach", "outreach-pass-2")
        account = server.request("GET", "/api_accessacs_mobile/v2/777/account", headers=outreach)
        assert account.status == 200, account.body
        assert account.json()["SecurityRole"] == "Administrator"
        types = server.request(
            "GET", "/api_accessacs_mobile/v2/777/types/connections", headers=outreach
        )
        assert types.status == 200, types.body
        pending = server.request(
            "GET", "/api_accessacs_mobile/v2/777/changerequests", headers=outreach
        )
        assert pending.status == 200, pending.body

        # Every answer carries a request id.
        assert pending.headers["x-request-id"]

    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "connect_api.request"]
    assert requests and all(line["status"] < 500 or line["status"] == 503 for line in requests)
