"""HTTP Basic in both Base64 alphabets, padded or not, on both APIs.

The vendor's Android app encodes `user:password` with `Base64.URL_SAFE | NO_WRAP`
(RESTClient.getB64Auth): `-` and `_` where the standard alphabet has `+` and `/`. A password
like `pass??>>~~` makes the two encodings differ.
"""

import base64
from unittest import mock

import pytest
from django.contrib.auth import base_user
from rest_framework.test import APIClient

from outreach import demo
from outreach.choices import SecurityRole
from tests.factories import ChangeRequestWorld, SiteMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "password??>>~~"
OUTREACH = "/api_accessacs_mobile/v2/12345/changerequests"
SUPPLIER = "/organizations/connections/request/"


def standard(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def url_safe(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


ENCODINGS = {
    "standard": standard,
    "standard, unpadded": lambda text: standard(text).rstrip("="),
    "url-safe (the vendor app)": url_safe,
    "url-safe, unpadded": lambda text: url_safe(text).rstrip("="),
}


@pytest.fixture
def user():
    """An Administrator of site 12345 whose credentials differ in the two alphabets, and
    whose `user:password` needs padding (so the unpadded forms are tested too)."""
    world = ChangeRequestWorld.build()
    user = UserFactory(username="b64demo")
    user.set_password(PASSWORD)
    user.save()
    SiteMembershipFactory(user=user, site=world.site, security_role=SecurityRole.ADMINISTRATOR)
    credentials = f"{user.username}:{PASSWORD}"
    assert standard(credentials) != url_safe(credentials)
    assert standard(credentials).endswith("=")
    return user


def client_with(header: str, ip: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("path", [OUTREACH, SUPPLIER])
def test_both_alphabets_log_in_on_both_apis(user, encoding, path):
    header = "Basic " + ENCODINGS[encoding](f"{user.username}:{PASSWORD}")

    response = client_with(header).get(path)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", [OUTREACH, SUPPLIER])
def test_a_wrong_password_in_the_url_safe_alphabet_is_401(user, path):
    response = client_with("Basic " + url_safe(f"{user.username}:wrong??>>~~")).get(path)
    assert response.status_code == 401


@pytest.mark.parametrize("token", ["not base64!", "YWxpY2U", "Y", "YWxpY2U6cGFzcw=x", "abc-+_/=="])
def test_malformed_credentials_are_401_not_500(user, token):
    response = client_with(f"Basic {token}").get(OUTREACH)
    assert response.status_code == 401


def test_the_remembered_credential_serves_either_alphabet(user):
    """The credential cache is keyed by the decoded username and password: the first call
    pays for the hash, later ones in either alphabet do not."""
    credentials = f"{user.username}:{PASSWORD}"
    with mock.patch.object(
        base_user, "check_password", wraps=base_user.check_password
    ) as check_password:
        for encode in (url_safe, standard, url_safe, lambda t: url_safe(t).rstrip("=")):
            assert client_with("Basic " + encode(credentials)).get(OUTREACH).status_code == 200

    assert check_password.call_count == 1


def test_url_safe_failures_count_towards_the_lockout(user, settings):
    statuses = [
        client_with("Basic " + url_safe(f"{user.username}:wrong{n}??>>~~"), ip="10.9.0.1")
        .get(OUTREACH)
        .status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [401] * settings.AXES_FAILURE_LIMIT

    right = "Basic " + url_safe(f"{user.username}:{PASSWORD}")
    locked = client_with(right, ip="10.9.0.1").get(OUTREACH)

    assert locked.status_code == 429
    assert "Retry-After" in locked
    assert client_with(right, ip="10.9.0.2").get(SUPPLIER).status_code == 200


def test_the_demos_url_safe_user_logs_in_with_the_apps_header():
    demo.seed()
    username, password = demo.URL_SAFE_BASE64
    credentials = f"{username}:{password}"
    assert standard(credentials) != url_safe(credentials)

    response = client_with("Basic " + url_safe(credentials)).get(
        "/api_accessacs_mobile/v2/12345/types/connections"
    )

    assert response.status_code == 200, response.content
