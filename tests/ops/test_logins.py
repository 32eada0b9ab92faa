"""API logins leave no session rows, and a user's tokens are capped."""

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/organizations/connections/request/"


def token_login(username: str, password: str = "password", *, as_json: bool = True) -> str:
    client = APIClient()
    data = {"username": username, "password": password}
    response = (
        client.post("/api/token/", data, format="json")
        if as_json
        else client.post("/api/token/", data)
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_token_logins_and_basic_calls_create_no_session_rows(retailer_user):
    """axes' login handler made a session (for its AccessLog session hash) on every token login."""
    for index in range(5):
        token_login(retailer_user.username, as_json=index % 2 == 0)
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION=basic_header(retailer_user.username, "password"))
    for _ in range(5):
        assert basic.get(LIST).status_code == 200
    token = token_login(retailer_user.username)
    assert APIClient().get(LIST, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert Session.objects.count() == 0
    assert AccessLog.objects.count() == 0


def test_a_thousand_logins_keep_ten_tokens_newest_first(settings):
    """1,000 logins on SQLite; 200 on the PostgreSQL pass (same code path, each login there
    costs ~4x the wall time on this shared machine and CI runs the suite twice)."""
    logins = 1000 if connection.vendor == "sqlite" else 200
    settings.TOKENS_PER_USER = 10
    # Throttle counters in memory: this test is about tokens, not about the cache's queries.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    user = UserFactory()
    tokens = []
    for index in range(logins):
        if index % 100 == 0:
            caches["default"].clear()  # the anonymous throttle counts these logins too
        tokens.append(token_login(user.username))
    assert AuthToken.objects.filter(user=user).count() == 10
    client = APIClient()
    assert (
        client.get(
            "/jobs/00000000-0000-0000-0000-000000000000", HTTP_AUTHORIZATION=f"Token {tokens[-1]}"
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/jobs/00000000-0000-0000-0000-000000000000", HTTP_AUTHORIZATION=f"Token {tokens[-10]}"
        ).status_code
        == 404
    )
    dropped = client.get(LIST, HTTP_AUTHORIZATION=f"Token {tokens[-11]}")
    assert dropped.status_code == 401


def test_the_cap_counts_one_user_only(settings):
    settings.TOKENS_PER_USER = 3
    first, second = UserFactory(), UserFactory()
    for _ in range(5):
        token_login(first.username)
    token_login(second.username)
    assert AuthToken.objects.filter(user=first).count() == 3
    assert AuthToken.objects.filter(user=second).count() == 1
