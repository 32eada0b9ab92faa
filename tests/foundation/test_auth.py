from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import base_user
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]

WHOAMI = "/probe/whoami/"
OUTREACH_WHOAMI = "/probe/outreach-whoami/"


def obtain_token(client, username="alice", password="password", **kwargs):
    return client.post("/api/token/", {"username": username, "password": password}, **kwargs)


@pytest.fixture
def alice():
    return UserFactory(username="alice")


class TestTokens:
    @pytest.mark.parametrize("fmt", ["json", "multipart"])
    def test_obtain_with_json_or_form_and_use_it(self, api_client, alice, fmt):
        response = obtain_token(api_client, format=fmt)

        assert response.status_code == 200
        assert set(response.json()) == {"token", "expiry"}
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert api_client.get(WHOAMI).json() == {"username": "alice"}

    def test_obtain_with_urlencoded_form(self, alice):
        response = APIClient().post(
            "/api/token",
            "username=alice&password=password",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200

    def test_token_is_stored_hashed(self, api_client, alice):
        token = obtain_token(api_client).json()["token"]

        stored = AuthToken.objects.get(user=alice)
        assert token not in (stored.digest, stored.token_key)
        assert stored.digest != token

    def test_default_lifetime_is_thirty_days(self, api_client, alice):
        obtain_token(api_client)

        lifetime = AuthToken.objects.get(user=alice).expiry - timezone.now()
        assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)

    def test_wrong_password_is_401_with_token_challenge(self, api_client, alice):
        response = obtain_token(api_client, password="nope")

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "authentication_failed"

    def test_missing_field_is_400_naming_it(self, api_client):
        response = api_client.post("/api/token/", {"username": "alice"})

        assert response.status_code == 400
        assert response.json()["errors"] == {"password": ["This field is required."]}

    def test_expired_token_is_refused(self, api_client, alice):
        token = obtain_token(api_client).json()["token"]
        AuthToken.objects.filter(user=alice).update(expiry=timezone.now() - timedelta(seconds=1))

        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = api_client.get(WHOAMI)

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_use_extends_expiry(self, api_client, alice):
        token = obtain_token(api_client).json()["token"]
        AuthToken.objects.filter(user=alice).update(expiry=timezone.now() + timedelta(days=1))

        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get(WHOAMI).status_code == 200

        assert AuthToken.objects.get(user=alice).expiry > timezone.now() + timedelta(days=29)

    def test_logout_revokes_the_token(self, api_client, alice):
        token = obtain_token(api_client).json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

        assert api_client.post("/api/token/logout/").status_code == 204
        assert api_client.get(WHOAMI).status_code == 401
        assert not AuthToken.objects.filter(user=alice).exists()

    def test_stale_session_cookie_beside_valid_token_is_harmless(self, api_client, alice):
        token = obtain_token(api_client).json()["token"]
        api_client.cookies["sessionid"] = "fi1us4q9rlphkjbscpo0dtz9iltj7ovp"
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

        assert api_client.get(WHOAMI).status_code == 200
        assert api_client.post(WHOAMI, {"a": 1}).status_code == 200


class TestChallenges:
    @pytest.mark.parametrize(
        ("path", "challenge"),
        [(WHOAMI, "Token"), (OUTREACH_WHOAMI, 'Basic realm="connect-api"')],
    )
    def test_no_credentials_is_401_with_the_api_challenge(self, api_client, path, challenge):
        response = api_client.get(path)

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == challenge
        assert response.json()["code"] == "not_authenticated"

    def test_session_login_works_for_browsable_api(self, alice):
        client = APIClient()
        client.force_login(alice)
        assert client.get(WHOAMI).json() == {"username": "alice"}


class TestBasic:
    @pytest.mark.parametrize("path", [WHOAMI, OUTREACH_WHOAMI])
    def test_basic_works_on_both_apis(self, api_client, alice, path):
        api_client.credentials(HTTP_AUTHORIZATION=basic_header("alice", "password"))
        assert api_client.get(path).json() == {"username": "alice"}

    def test_wrong_basic_password_is_401(self, api_client, alice):
        api_client.credentials(HTTP_AUTHORIZATION=basic_header("alice", "wrong"))
        response = api_client.get(OUTREACH_WHOAMI)

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Basic realm="connect-api"'

    def test_second_call_skips_the_password_hash(self, api_client, alice):
        api_client.credentials(HTTP_AUTHORIZATION=basic_header("alice", "password"))
        with mock.patch.object(
            base_user, "check_password", wraps=base_user.check_password
        ) as check_password:
            assert api_client.get(OUTREACH_WHOAMI).status_code == 200
            assert api_client.get(OUTREACH_WHOAMI).status_code == 200
            assert api_client.get(OUTREACH_WHOAMI).status_code == 200

        assert check_password.call_count == 1

    def test_remembered_credential_is_dropped_when_password_changes(self, api_client, alice):
        api_client.credentials(HTTP_AUTHORIZATION=basic_header("alice", "password"))
        assert api_client.get(OUTREACH_WHOAMI).status_code == 200

        alice.set_password("a-new-password")
        alice.save()

        assert api_client.get(OUTREACH_WHOAMI).status_code == 401

    def test_remembered_credential_is_dropped_when_user_deactivated(self, api_client, alice):
        api_client.credentials(HTTP_AUTHORIZATION=basic_header("alice", "password"))
        assert api_client.get(OUTREACH_WHOAMI).status_code == 200

        alice.is_active = False
        alice.save()

        assert api_client.get(OUTREACH_WHOAMI).status_code == 401

    def test_wrong_password_is_not_remembered_as_right(self, api_client, alice):
        api_client.credentials(HTTP_AUTHORIZATION=basic_header("alice", "wrong"))
        assert api_client.get(OUTREACH_WHOAMI).status_code == 401
        assert api_client.get(OUTREACH_WHOAMI).status_code == 401


def fail_basic(username: str, ip: str, times: int = 1):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=basic_header(username, "wrong"))
    return [client.get(OUTREACH_WHOAMI).status_code for _ in range(times)]


def basic_status(username: str, ip: str, password: str = "password") -> int:
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=basic_header(username, password))
    return client.get(OUTREACH_WHOAMI)


class TestLockout:
    def test_ten_failures_lock_only_that_username_and_address(self, alice):
        UserFactory(username="bob")

        assert fail_basic("alice", "10.0.0.1", times=10) == [401] * 10

        locked = basic_status("alice", "10.0.0.1")
        assert locked.status_code == 429
        assert 0 < int(locked["Retry-After"]) <= 15 * 60
        assert locked.json()["code"] == "locked_out"
        assert basic_status("bob", "10.0.0.1").status_code == 200
        assert basic_status("alice", "10.0.0.2").status_code == 200

    def test_nine_failures_do_not_lock(self, alice):
        fail_basic("alice", "10.0.0.1", times=9)
        assert basic_status("alice", "10.0.0.1").status_code == 200

    def test_lock_ends_after_cool_off(self, alice):
        fail_basic("alice", "10.0.0.1", times=10)
        assert basic_status("alice", "10.0.0.1").status_code == 429

        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

        assert basic_status("alice", "10.0.0.1").status_code == 200

    def test_token_endpoint_is_locked_too(self, alice):
        client = APIClient(REMOTE_ADDR="10.0.0.3")
        statuses = [obtain_token(client, password="wrong").status_code for _ in range(10)]
        assert statuses == [401] * 10

        response = obtain_token(client)

        assert response.status_code == 429
        assert "Retry-After" in response
        assert obtain_token(APIClient(REMOTE_ADDR="10.0.0.4")).status_code == 200

    def test_failures_on_token_endpoint_and_basic_add_up(self, alice):
        client = APIClient(REMOTE_ADDR="10.0.0.5")
        for _ in range(5):
            obtain_token(client, password="wrong")
        fail_basic("alice", "10.0.0.5", times=5)

        assert basic_status("alice", "10.0.0.5").status_code == 429
