"""Failed logins are cheap to refuse: per-address budget, per-(user, address) lockout, stale
passwords, remembered credentials (connect_api.authentication / connect_api.failed_logins)."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from connect_api import failed_logins
from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]

OUTREACH_WHOAMI = "/probe/outreach-whoami/"
BUDGET = 5


@pytest.fixture(autouse=True)
def small_budget(settings):
    settings.FAILED_LOGINS_PER_ADDRESS = BUDGET


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def basic(username: str, password: str, ip: str):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=basic_header(username, password))
    return client.get(OUTREACH_WHOAMI)


def token_login(username: str, password: str, ip: str):
    return APIClient(REMOTE_ADDR=ip).post(
        "/api/token/", {"username": username, "password": password}
    )


def spend_budget(ip: str) -> list[int]:
    """BUDGET failed logins from `ip`, each for another (nonexistent) username."""
    return [basic(f"guess-{n}", "wrong", ip).status_code for n in range(BUDGET)]


class TestPerAddressBudget:
    def test_failures_for_many_usernames_block_the_address_before_any_hash(self, alice, hashes):
        assert spend_budget("10.1.0.1") == [401] * BUDGET
        hashes.clear()

        refused = basic("alice", "password", "10.1.0.1")

        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_failed_logins"
        assert refused.json()["detail"].startswith("Too many failed logins from this address.")
        assert 0 < int(refused["Retry-After"]) <= 15 * 60
        assert basic("someone-new", "guess", "10.1.0.1").status_code == 429
        assert hashes == []

    def test_other_addresses_are_not_affected(self, alice):
        spend_budget("10.1.0.1")

        assert basic("alice", "password", "10.1.0.2").status_code == 200
        assert token_login("alice", "password", "10.1.0.2").status_code == 200

    def test_the_token_endpoint_spends_and_obeys_the_same_budget(self, alice, hashes):
        statuses = [token_login(f"guess-{n}", "wrong", "10.1.0.3").status_code for n in range(3)]
        statuses += [basic(f"other-{n}", "wrong", "10.1.0.3").status_code for n in range(2)]
        assert statuses == [401] * BUDGET
        hashes.clear()

        refused = token_login("alice", "password", "10.1.0.3")

        assert refused.status_code == 429
        assert "Retry-After" in refused
        assert refused.json()["code"] == "too_many_failed_logins"
        assert hashes == []

    def test_one_short_of_the_budget_still_checks_the_password(self, alice):
        [basic(f"guess-{n}", "wrong", "10.1.0.4") for n in range(BUDGET - 1)]

        assert basic("alice", "password", "10.1.0.4").status_code == 200

    def test_the_count_lives_in_the_shared_cache_not_in_the_worker(self, settings, alice):
        spend_budget("10.1.0.5")
        caches["credentials"].clear()  # all another worker process would lack

        count_key, _ = failed_logins._keys("10.1.0.5", settings.FAILED_LOGINS_WINDOW_SECONDS)
        assert caches["default"].get(count_key) == BUDGET
        assert "LocMemCache" not in settings.CACHES["default"]["BACKEND"]
        assert basic("alice", "password", "10.1.0.5").status_code == 429

    def test_the_budget_is_configurable(self, settings, alice):
        settings.FAILED_LOGINS_PER_ADDRESS = 2
        basic("guess-1", "wrong", "10.1.0.6")
        basic("guess-2", "wrong", "10.1.0.6")

        assert basic("alice", "password", "10.1.0.6").status_code == 429


class TestBurst:
    """Within a minute an address may cost FAILED_LOGINS_BURST hashes, whatever its 15-minute
    budget; the minute starts at its first failure."""

    @pytest.fixture(autouse=True)
    def burst_of_three(self, settings):
        settings.FAILED_LOGINS_PER_ADDRESS = 30
        settings.FAILED_LOGINS_BURST = 3

    def test_a_burst_is_refused_for_the_rest_of_its_minute(self, alice, hashes):
        assert [basic(f"guess-{n}", "wrong", "10.5.0.1").status_code for n in range(3)] == [401] * 3
        hashes.clear()

        refused = basic("alice", "password", "10.5.0.1")

        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        assert hashes == []

    def test_the_minute_ends_and_the_address_may_try_again(self, settings, alice):
        [basic(f"guess-{n}", "wrong", "10.5.0.2") for n in range(3)]
        assert basic("alice", "password", "10.5.0.2").status_code == 429
        count_key, since_key = failed_logins._keys("10.5.0.2", settings.FAILED_LOGINS_BURST_SECONDS)
        caches["default"].delete_many([count_key, since_key])  # what its expiry does

        assert basic("alice", "password", "10.5.0.2").status_code == 200


class TestStalePassword:
    """A phone still sending an old password: hashed once, however often it retries; it still
    counts towards its own (username, address) lockout, as the contract says, and nowhere else."""

    def test_the_same_wrong_password_is_refused_without_a_second_hash(self, alice, hashes):
        statuses = [basic("alice", "old-password", "10.2.0.1").status_code for _ in range(9)]

        assert statuses == [401] * 9
        assert len(hashes) == 1
        assert basic("alice", "password", "10.2.0.1").status_code == 200

    def test_it_still_locks_its_own_pair_after_ten(self, settings, alice, hashes):
        settings.FAILED_LOGINS_PER_ADDRESS = 30
        statuses = [basic("alice", "old-password", "10.2.0.4").status_code for _ in range(10)]

        assert statuses == [401] * 10
        assert len(hashes) == 1
        assert basic("alice", "password", "10.2.0.4").status_code == 429
        assert basic("alice", "password", "10.2.0.5").status_code == 200

    def test_it_does_not_spend_the_address_budget(self, alice):
        for _ in range(BUDGET + 3):  # fewer than the pair lockout's 10
            basic("alice", "old-password", "10.2.0.2")

        assert basic("bob-does-not-exist", "x", "10.2.0.2").status_code == 401
        assert basic("alice", "password", "10.2.0.2").status_code == 200

    def test_a_password_changed_to_the_remembered_wrong_one_works_at_once(self, alice):
        assert basic("alice", "new-password", "10.2.0.3").status_code == 401

        alice.set_password("new-password")
        alice.save()

        assert basic("alice", "new-password", "10.2.0.3").status_code == 200


class TestPerUserLockout:
    """AXES_FAILURE_LIMIT different wrong passwords for one user from one address lock that
    pair: the right password too, there; from any other address the user still logs in."""

    def guess(self, ip: str, times: int = 10) -> list[int]:
        return [basic("alice", f"guess-{n}", ip).status_code for n in range(times)]

    def test_ten_different_wrong_passwords_lock_the_pair(self, settings, alice):
        settings.FAILED_LOGINS_PER_ADDRESS = 30
        assert self.guess("10.3.0.1") == [401] * 10

        locked = basic("alice", "password", "10.3.0.1")

        assert locked.status_code == 429
        assert locked.json()["code"] == "locked_out"
        assert 0 < int(locked["Retry-After"]) <= 15 * 60

    def test_a_user_locked_by_someone_elses_guesses_logs_in_elsewhere(self, settings, alice):
        settings.FAILED_LOGINS_PER_ADDRESS = 30
        self.guess("10.3.0.2")

        assert basic("alice", "password", "10.3.0.2").status_code == 429
        assert basic("alice", "password", "10.3.0.3").status_code == 200
        assert token_login("alice", "password", "10.3.0.3").status_code == 200


class TestRememberedCredentials:
    """While an address is over its budget, a Basic credential verified from that same address
    (within BASIC_AUTH_CACHE_SECONDS) keeps working; a username someone there keeps guessing,
    and any credential first presented there during the block, does not."""

    def test_a_user_verified_at_the_address_keeps_working_through_the_block(self, alice, hashes):
        assert basic("alice", "password", "10.4.0.1").status_code == 200
        spend_budget("10.4.0.1")
        hashes.clear()

        assert [basic("alice", "password", "10.4.0.1").status_code for _ in range(3)] == [200] * 3
        assert hashes == []

    def test_a_guessed_username_is_refused_even_with_the_remembered_password(self, alice):
        assert basic("alice", "password", "10.4.0.2").status_code == 200
        spend_budget("10.4.0.2")

        assert basic("alice", "guess", "10.4.0.2").status_code == 429
        assert basic("alice", "password", "10.4.0.2").status_code == 429

    def test_a_credential_remembered_elsewhere_is_not_honoured_at_a_blocked_address(self, alice):
        assert basic("alice", "password", "10.4.0.3").status_code == 200
        spend_budget("10.4.0.4")

        assert basic("alice", "password", "10.4.0.4").status_code == 429
        assert basic("alice", "password", "10.4.0.3").status_code == 200


class TestAdminLogin:
    """The admin's password form spends and obeys the same per-address budget."""

    def admin_login(self, username: str, password: str, ip: str):
        from django.test import Client

        return Client(REMOTE_ADDR=ip).post(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )

    def test_failed_admin_logins_spend_the_budget_and_then_refuse_before_any_hash(self, hashes):
        UserFactory(username="root", is_staff=True, is_superuser=True)
        statuses = [self.admin_login(f"guess-{n}", "x", "10.6.0.1").status_code for n in range(3)]
        statuses += [basic(f"other-{n}", "x", "10.6.0.1").status_code for n in range(2)]
        assert statuses == [200, 200, 200, 401, 401]  # the form again, with its error
        hashes.clear()

        refused = self.admin_login("root", "password", "10.6.0.1")

        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_failed_logins"
        assert int(refused["Retry-After"]) > 0
        assert hashes == []
        assert basic("root", "password", "10.6.0.1").status_code == 429
        assert self.admin_login("root", "password", "10.6.0.2").status_code == 302


class TestOtherLoginEndpoints:
    """The other password endpoints go through authenticate_with_lockout: same budget."""

    def test_the_documented_user_login_spends_and_obeys_the_budget(self, hashes):
        client = APIClient(REMOTE_ADDR="10.7.0.1")
        statuses = [
            client.post(
                "/organizations/user-login/", {"username": f"guess-{n}", "password": "x"}
            ).status_code
            for n in range(BUDGET)
        ]
        assert statuses == [401] * BUDGET
        hashes.clear()

        refused = client.post("/organizations/user-login/", {"username": "a", "password": "b"})

        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_failed_logins"
        assert hashes == []

    def test_find_by_email_spends_and_obeys_the_budget(self, hashes):
        UserFactory(username="carol", email="carol@example.com")
        client = APIClient(REMOTE_ADDR="10.7.0.2")

        def find(password: str):
            body = f'{{"email":"carol@example.com","password":"{password}"}}'
            return client.put(
                "/api_accessacs_mobile/v2/accounts/findbyemail",
                body.encode("iso-8859-1"),
                content_type="text/plain; charset=ISO-8859-1",
            )

        assert [find(f"guess-{n}").status_code for n in range(BUDGET)] == [401] * BUDGET
        hashes.clear()

        refused = find("password")

        assert refused.status_code == 429
        assert hashes == []
