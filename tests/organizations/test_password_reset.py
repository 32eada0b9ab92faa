"""Reset password, validate the token, complete: as the docs' snippets send them."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from knox.models import AuthToken

from tests.factories import UserFactory
from tests.organizations.orgapi import PREFIXES, docs_client, link_in, mails_to, member, send

pytestmark = pytest.mark.django_db

# The docs' Node.js snippets' bytes and headers (the public page sends `Authorization: `).
PUBLIC_RESET = b'{"email":"some@one.com"}'
INTERNAL_RESET = b'{"email":"user@mycompany.com"}'
EMPTY_AUTH = {"HTTP_AUTHORIZATION": ""}


def reset(email_body: bytes, capture, prefix="/timp/", slash="/", **headers):
    with capture(execute=True):
        return send(
            docs_client(),
            "POST",
            f"{prefix}organizations/reset-password{slash}",
            email_body,
            **headers,
        )


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("slash", ["/", ""])
def test_known_and_unknown_addresses_get_the_same_answer(
    prefix, slash, django_capture_on_commit_callbacks
):
    member(None, email="user@mycompany.com")
    known = reset(INTERNAL_RESET, django_capture_on_commit_callbacks, prefix, slash)
    unknown = reset(PUBLIC_RESET, django_capture_on_commit_callbacks, prefix, slash, **EMPTY_AUTH)
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content == b'{"reset_token":null}'
    assert len(mails_to("user@mycompany.com")) == 1
    assert mails_to("some@one.com") == []


def test_the_mailed_link_validates_and_completes_and_revokes_every_token(
    django_capture_on_commit_callbacks,
):
    someone = member(None, email="user@mycompany.com")
    AuthToken.objects.create(user=someone.user)
    AuthToken.objects.create(user=someone.user)
    reset(INTERNAL_RESET, django_capture_on_commit_callbacks)
    (message,) = mails_to("user@mycompany.com")
    path = link_in(message)
    assert path.startswith("/timp/organizations/complete-password?token=") or path.startswith(
        "/timp/organizations/complete-password/?token="
    )
    token = parse_qs(urlsplit(path).query)["token"][0]

    # the docs' validate call: GET with `Content-Type: application/octet-stream`, no body
    checked = docs_client().get(path, content_type="application/octet-stream")
    assert checked.status_code == 204

    weak = send(
        docs_client(),
        "POST",
        "/timp/organizations/complete-password/",
        f'{{"password":"password","token":"{token}"}}'.encode(),
    )
    assert weak.status_code == 400
    assert "password" in weak.json()["errors"]

    done = send(
        docs_client(),
        "POST",
        "/timp/organizations/complete-password/",
        f'{{"password":"crux_is_awesome","token":"{token}"}}'.encode(),
    )
    assert done.status_code == 204, done.content
    assert not AuthToken.objects.filter(user=someone.user).exists()
    someone.user.refresh_from_db()
    assert someone.user.check_password("crux_is_awesome")
    # one time only
    assert docs_client().get(path).status_code == 404
    again = send(
        docs_client(),
        "POST",
        "/complete-password/".join(["/timp/organizations", ""]),
        f'{{"password":"another_good_one","token":"{token}"}}'.encode(),
    )
    assert again.status_code == 404


def test_the_docs_literal_tokens_are_404():
    assert (
        docs_client()
        .get(
            "/timp/organizations/complete-password/?token=VBnQ8wmbEuJdoqpAFh01",
            content_type="application/octet-stream",
        )
        .status_code
        == 404
    )
    response = send(
        docs_client(),
        "POST",
        "/timp/organizations/complete-password/",
        b'{"password":"crux_is_awesome","token":"VBnQ8wmbEuJdoqpAFh01"}',
    )
    assert response.status_code == 404


def test_a_reset_token_expires_after_two_hours(django_capture_on_commit_callbacks, monkeypatch):
    from organizations import services

    someone = member(None, email="user@mycompany.com")
    token = services.reset_token_make(someone.user)
    assert services.reset_token_user(token) == someone.user
    later = (
        services.reset_tokens._now()
        + services.RESET_TOKEN_LIFETIME
        + __import__("datetime").timedelta(seconds=5)
    )
    monkeypatch.setattr(services.reset_tokens, "_now", lambda: later)
    assert services.reset_token_user(token) is None


def test_resets_are_limited_per_address_and_per_email(settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 2
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 3
    member(None, email="user@mycompany.com")
    codes = [
        reset(INTERNAL_RESET, django_capture_on_commit_callbacks).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert len(mails_to("user@mycompany.com")) == 2
    # the address's own budget: another e-mail, from the same address
    limited = reset(b'{"email":"other@example.com"}', django_capture_on_commit_callbacks)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # another address is not affected
    elsewhere = reset(
        b'{"email":"other@example.com"}', django_capture_on_commit_callbacks, REMOTE_ADDR="10.9.8.7"
    )
    assert elsewhere.status_code == 200


def test_an_inactive_or_passwordless_account_gets_no_mail(django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.com", is_active=False)
    reset(b'{"email":"gone@example.com"}', django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_missing_email_is_a_400_naming_it():
    response = send(docs_client(), "POST", "/timp/organizations/reset-password/", b"{}")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


FORMS = [
    "/timp/organizations/{}/",
    "/timp/organizations/{}",
    "/organizations/{}/",
    "/organizations/{}",
]


@pytest.mark.parametrize("form", FORMS)
def test_validate_and_complete_at_every_spelling(form):
    from organizations import services

    someone = member(None, email="user@mycompany.com")
    token = services.reset_token_make(someone.user)
    path = form.format("complete-password")
    checked = docs_client().get(f"{path}?token={token}", content_type="application/octet-stream")
    assert checked.status_code == 204
    body = f'{{"password":"crux_is_awesome","token":"{token}"}}'.encode()
    assert send(docs_client(), "POST", path, body).status_code == 204


@pytest.mark.parametrize("form", FORMS)
def test_validate_and_accept_an_invitation_at_every_spelling(form):
    from organizations import services

    invitation = services.invitation_create(
        organization=member(None).organization, email="invitee@example.com"
    )
    token = services.invitation_issue(invitation_pk=invitation.pk)
    path = form.format(f"accept-invite/{token}")
    assert docs_client().get(path).json() == {"email": "invitee@example.com", "token": token}
    response = send(docs_client(), "POST", path, b'{"password":"crux_is_awesome"}')
    assert response.status_code == 204
