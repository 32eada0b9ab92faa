"""Authenticated answers are never cached; the server refuses to start without SECRET_KEY."""

import os
import subprocess
import sys

import pytest
from rest_framework.test import APIClient

from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]

WHOAMI = "/probe/whoami/"
OUTREACH_WHOAMI = "/probe/outreach-whoami/"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


class TestCacheControl:
    def test_token_answers_are_no_store(self, token_client, alice):
        response = token_client(alice).get(WHOAMI)

        assert response.status_code == 200
        assert no_store(response)

    def test_basic_answers_are_no_store(self, basic_client, alice):
        response = basic_client("alice").get(OUTREACH_WHOAMI)

        assert response.status_code == 200
        assert no_store(response)

    def test_session_answers_are_no_store(self, alice):
        client = APIClient()
        client.force_login(alice)

        assert no_store(client.get(WHOAMI))

    @pytest.mark.parametrize(
        "authorization", [basic_header("alice", "wrong"), "Token not-a-token", "Bearer x"]
    )
    def test_refusals_of_a_credential_are_no_store_too(self, alice, authorization):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=authorization)
        response = client.get(OUTREACH_WHOAMI)

        assert response.status_code == 401
        assert no_store(response)

    def test_the_token_login_answer_is_no_store(self, alice):
        response = APIClient().post("/api/token/", {"username": "alice", "password": "password"})

        assert response.status_code == 200
        assert no_store(response)

    def test_anonymous_schema_may_be_cached(self):
        response = APIClient().get("/api/schema/")

        assert response.status_code == 200
        assert not no_store(response)


def start(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    """Import the WSGI application in a fresh process, as gunicorn does at start."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "connect_api.settings"}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import connect_api.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestSecretKey:
    @pytest.mark.parametrize("unset", [None, ""])
    def test_debug_off_without_secret_key_refuses_to_start(self, unset):
        started = start({"DEBUG": "false", "SECRET_KEY": unset})

        assert started.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is not set" in started.stderr

    def test_with_a_secret_key_it_starts(self):
        started = start({"DEBUG": "false", "SECRET_KEY": "x" * 50})

        assert started.returncode == 0, started.stderr

    def test_debug_on_may_use_the_development_key(self):
        started = start({"DEBUG": "true", "SECRET_KEY": None})

        assert started.returncode == 0, started.stderr
