"""Changing or resetting a password revokes the user's knox tokens (and remembered Basic
credentials), whichever way the password is changed; a hasher upgrade on login does not."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]

WHOAMI = "/probe/whoami/"
OUTREACH_WHOAMI = "/probe/outreach-whoami/"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def token_of(username: str, password: str = "password") -> APIClient:
    response = APIClient().post("/api/token/", {"username": username, "password": password})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(WHOAMI).status_code == 200
    return client


def basic_of(username: str, password: str = "password") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header(username, password))
    assert client.get(OUTREACH_WHOAMI).status_code == 200  # now remembered
    return client


def change_with_the_model(user):
    user.set_password("a-brand-new-password-1")
    user.save()


def change_in_the_admin(user):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        f"/admin/auth/user/{user.pk}/password/",
        {
            "password1": "a-brand-new-password-1",
            "password2": "a-brand-new-password-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:500]


def change_with_changepassword(user):
    with mock.patch("getpass.getpass", return_value="a-brand-new-password-1"):
        call_command("changepassword", user.username, stdout=mock.MagicMock())


def reset_by_email_link(user):
    from django.contrib.auth.forms import SetPasswordForm

    form = SetPasswordForm(
        user,
        {"new_password1": "a-brand-new-password-1", "new_password2": "a-brand-new-password-1"},
    )
    assert form.is_valid(), form.errors
    form.save()


@pytest.mark.parametrize(
    "change",
    [change_with_the_model, change_in_the_admin, change_with_changepassword, reset_by_email_link],
)
def test_a_password_change_revokes_tokens_and_remembered_basic(alice, change):
    first, second = token_of("alice"), token_of("alice")
    remembered = basic_of("alice")
    other_user = token_of(UserFactory(username="bob").username)

    change(alice)
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-password-1")

    for client, path in [(first, WHOAMI), (second, WHOAMI), (remembered, OUTREACH_WHOAMI)]:
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["code"] in {"authentication_failed", "not_authenticated"}
    assert not AuthToken.objects.filter(user=alice).exists()
    assert other_user.get(WHOAMI).status_code == 200
    assert token_of("alice", "a-brand-new-password-1").get(WHOAMI).status_code == 200


def test_saving_the_user_without_a_new_password_keeps_the_tokens(alice):
    client = token_of("alice")
    alice.first_name = "Alice"
    alice.save()

    assert client.get(WHOAMI).status_code == 200


def test_a_hasher_upgrade_on_login_is_not_a_password_change(alice):
    client = token_of("alice")
    # An MD5 hash with a short salt: Django re-hashes it on the next successful login.
    type(alice).objects.filter(pk=alice.pk).update(
        password=make_password("password", salt="ab", hasher="md5")
    )
    old_hash = type(alice).objects.get(pk=alice.pk).password

    token_of("alice")

    assert type(alice).objects.get(pk=alice.pk).password != old_hash  # it was upgraded
    assert client.get(WHOAMI).status_code == 200
