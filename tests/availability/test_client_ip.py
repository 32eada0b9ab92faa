"""One client address for throttles, lockout and the failed-login budget: X-Forwarded-For is
believed only from TRUSTED_PROXIES, and ignored without them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.test import APIClient

from connect_api import clientip
from connect_api.clientip import client_ip
from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]

PROXY = "127.0.0.1"


def meta_request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class TestClientIp:
    def test_without_trusted_proxies_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXIES = []
        assert client_ip(meta_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"

    @pytest.mark.parametrize(
        ("remote", "forwarded", "expected"),
        [
            # our proxy appended the client's address: that one, whatever the client claimed
            ("10.9.0.1", "6.6.6.6, 203.0.113.1", "203.0.113.1"),
            # two trusted proxies in a row
            ("10.9.0.1", "203.0.113.1, 10.9.0.2", "203.0.113.1"),
            # a direct client (not a trusted proxy) cannot forward for anyone
            ("198.51.100.7", "203.0.113.1", "198.51.100.7"),
            # a trusted proxy without the header is the client itself
            ("10.9.0.1", None, "10.9.0.1"),
            # garbage where an address should be: stop at the last hop we trust
            ("10.9.0.1", "203.0.113.1, not-an-ip", "10.9.0.1"),
            ("10.9.0.1", "2001:db8::5", "2001:db8::5"),
            # every hop trusted: the leftmost
            ("10.9.0.1", "10.9.0.3, 10.9.0.2", "10.9.0.3"),
        ],
    )
    def test_behind_trusted_proxies_the_first_untrusted_hop_is_the_client(
        self, settings, remote, forwarded, expected
    ):
        settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
        assert client_ip(meta_request(remote, forwarded)) == expected

    @pytest.mark.parametrize(
        ("count", "remote", "forwarded", "expected"),
        [
            # one proxy (docker-compose's nginx): the address it appended, whatever came before
            (1, "172.18.0.5", "6.6.6.6, 203.0.113.1", "203.0.113.1"),
            (1, "172.18.0.5", "203.0.113.1", "203.0.113.1"),
            # two proxies: the second appended the first's address, which appended the client's
            (2, "172.18.0.5", "6.6.6.6, 203.0.113.1, 10.1.2.3", "203.0.113.1"),
            # a shorter chain than the proxies configured: the leftmost address there is
            (2, "172.18.0.5", "203.0.113.1", "203.0.113.1"),
            # no header: the connection itself
            (1, "172.18.0.5", None, "172.18.0.5"),
            # garbage where the proxy's hop should be: the last address believed
            (1, "172.18.0.5", "203.0.113.1, not-an-ip", "172.18.0.5"),
            (1, "172.18.0.5", "2001:db8::5", "2001:db8::5"),
        ],
    )
    def test_behind_a_proxy_count_the_hop_that_many_from_the_end_is_the_client(
        self, settings, count, remote, forwarded, expected
    ):
        settings.TRUSTED_PROXIES = []
        settings.TRUSTED_PROXY_COUNT = count
        assert client_ip(meta_request(remote, forwarded)) == expected

    def test_count_and_cidrs_together_each_vouch_for_a_hop(self, settings):
        # the nearest proxy by count, then a CDN's address known by its range
        settings.TRUSTED_PROXY_COUNT = 1
        settings.TRUSTED_PROXIES = ["192.0.2.0/24"]
        chain = "6.6.6.6, 203.0.113.1, 192.0.2.10"
        assert client_ip(meta_request("172.18.0.5", chain)) == "203.0.113.1"

    def test_a_negative_count_is_refused_at_start(self):
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=Path(__file__).resolve().parents[2],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "connect_api.settings",
                "TRUSTED_PROXY_COUNT": "-1",
            },
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "TRUSTED_PROXY_COUNT" in result.stderr

    def test_axes_uses_the_same_function(self, settings):
        from axes.helpers import get_client_ip_address

        settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
        assert get_client_ip_address(meta_request("10.9.0.1", "203.0.113.9")) == "203.0.113.9"


@pytest.fixture(params=["cidrs", "count"])
def behind_proxy(request, settings):
    """The proxy at PROXY configured either way: by its address or as the one proxy in front."""
    if request.param == "cidrs":
        settings.TRUSTED_PROXIES = [f"{PROXY}/32"]
        settings.TRUSTED_PROXY_COUNT = 0
    else:
        settings.TRUSTED_PROXIES = []
        settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(clientip.AnonRateThrottle, "rate", "3/min", raising=False)


def anonymous_token_posts(forwarded_for: list[str]) -> list[int]:
    client = APIClient(REMOTE_ADDR=PROXY)
    return [
        client.post("/api/token/", {}, HTTP_X_FORWARDED_FOR=value).status_code
        for value in forwarded_for
    ]


class TestThrottles:
    def test_spoofed_forwarded_for_without_the_setting_is_still_throttled(
        self, settings, three_per_minute
    ):
        settings.TRUSTED_PROXIES = []
        spoofed = [f"203.0.113.{n}" for n in range(5)]

        assert anonymous_token_posts(spoofed) == [400, 400, 400, 429, 429]

    def test_behind_a_configured_proxy_each_client_has_its_own_limit(
        self, settings, three_per_minute, behind_proxy
    ):

        assert anonymous_token_posts([f"203.0.113.{n}" for n in range(5)]) == [400] * 5
        assert anonymous_token_posts(["203.0.113.77"] * 4) == [400, 400, 400, 429]


def failed_basic(forwarded_for: str, username: str):
    client = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    client.credentials(HTTP_AUTHORIZATION=basic_header(username, "wrong"))
    return client.get("/probe/outreach-whoami/")


class TestLoginLimits:
    @pytest.fixture(autouse=True)
    def small_budget(self, settings):
        settings.FAILED_LOGINS_PER_ADDRESS = 3

    def test_without_the_setting_rotating_forwarded_for_does_not_escape_the_budget(self, settings):
        settings.TRUSTED_PROXIES = []
        statuses = [failed_basic(f"203.0.113.{n}", f"user-{n}").status_code for n in range(5)]

        assert statuses == [401, 401, 401, 429, 429]
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}

    def test_behind_a_configured_proxy_budget_and_lockout_are_per_client(self, behind_proxy):
        UserFactory(username="alice")
        statuses = [failed_basic("203.0.113.5", f"user-{n}").status_code for n in range(4)]

        assert statuses == [401, 401, 401, 429]
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
        other = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
        other.credentials(HTTP_AUTHORIZATION=basic_header("alice", "password"))
        assert other.get("/probe/outreach-whoami/").status_code == 200
