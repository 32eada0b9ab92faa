"""Inviting a colleague: the mail the worker sends, its one-time link, accepting, logging in."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from knox.models import AuthToken

from organizations.models import Invitation, OrganizationMembership, Permission
from tests.factories import OrganizationFactory
from tests.organizations.orgapi import docs_client, link_in, mails_to, member, send

pytestmark = pytest.mark.django_db

INVITE = "/timp/organizations/users/invite/"


def invite(client, capture, **body):
    with capture(execute=True):
        return client.post(INVITE, body, format="json")


def test_invite_accept_login_end_to_end(django_capture_on_commit_callbacks):
    admin = member(None, "edit_org_users", "view_org_users")
    view_users = Permission.objects.get(name="view_org_users")
    response = invite(
        docs_client(admin.user),
        django_capture_on_commit_callbacks,
        email="new.colleague@example.com",
        first_name="New",
        last_name="Colleague",
        permission_uuids=[str(view_users.uuid)],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "CONFIRMATION WAITING"
    assert body["token"] is None
    assert body["person"]["email"] == "new.colleague@example.com"
    assigned = {
        p["permission"]["name"]
        for p in body["permission_assignments"]["permissions"]
        if p["assigned"]
    }
    assert assigned == {"view_org_users"}

    (message,) = mails_to("new.colleague@example.com")
    assert admin.organization.name in message.subject
    path = link_in(message)
    assert path.startswith("/timp/organizations/accept-invite/")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) == 20

    valid = docs_client().get(path)
    assert valid.status_code == 200
    assert valid.json() == {"email": "new.colleague@example.com", "token": token}

    weak = send(docs_client(), "POST", path, b'{"password":"123"}')
    assert weak.status_code == 400
    assert "password" in weak.json()["errors"]

    accepted = send(docs_client(), "POST", path, b'{"password":"crux_is_awesome"}')
    assert accepted.status_code == 204, accepted.content
    again = send(docs_client(), "POST", path, b'{"password":"crux_is_awesome"}')
    assert again.status_code == 404  # one-time

    login = send(
        docs_client(),
        "POST",
        "/timp/organizations/user-login/",
        b'{"username":"new.colleague@example.com","password":"crux_is_awesome"}',
        HTTP_AUTHORIZATION="Basic Og==",
    )
    assert login.status_code == 200, login.content
    assert login.json()["org_uuid"] == str(admin.organization.uuid)
    membership = OrganizationMembership.objects.get(user__username="new.colleague@example.com")
    assert login.json()["user_uuid"] == str(membership.uuid)


def test_reinviting_revokes_the_earlier_link(django_capture_on_commit_callbacks):
    admin = member(None, "edit_org_users")
    client = docs_client(admin.user)
    assert (
        invite(client, django_capture_on_commit_callbacks, email="x@example.com").status_code == 201
    )
    first = link_in(mails_to("x@example.com")[0])
    assert (
        invite(client, django_capture_on_commit_callbacks, email="x@example.com").status_code == 201
    )
    second = link_in(mails_to("x@example.com")[1])
    assert docs_client().get(first).status_code == 404
    assert docs_client().get(second).status_code == 200
    assert send(docs_client(), "POST", first, b'{"password":"crux_is_awesome"}').status_code == 404


def test_an_expired_link_is_404_to_accept_and_201_to_open_with_a_new_mail(
    django_capture_on_commit_callbacks,
):
    admin = member(None, "edit_org_users")
    invite(docs_client(admin.user), django_capture_on_commit_callbacks, email="late@example.com")
    path = link_in(mails_to("late@example.com")[0])
    Invitation.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert send(docs_client(), "POST", path, b'{"password":"crux_is_awesome"}').status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        renewed = docs_client().get(path)
    assert renewed.status_code == 201
    assert renewed.json() == {"email": "late@example.com", "token": None}
    fresh = link_in(mails_to("late@example.com")[1])
    assert fresh != path
    assert send(docs_client(), "POST", fresh, b'{"password":"crux_is_awesome"}').status_code == 204


def test_the_invitation_lives_two_hours(django_capture_on_commit_callbacks):
    admin = member(None, "edit_org_users")
    invite(docs_client(admin.user), django_capture_on_commit_callbacks, email="t@example.com")
    invitation = Invitation.objects.get()
    assert invitation.expires - invitation.issued == timedelta(hours=2)
    assert invitation.token_digest and len(invitation.token_digest) == 64  # only a digest


@pytest.mark.parametrize("names", [(), ("view_org_users",)])
def test_inviting_needs_edit_org_users(names, django_capture_on_commit_callbacks):
    someone = member(None, *names)
    response = invite(
        docs_client(someone.user), django_capture_on_commit_callbacks, email="a@b.com"
    )
    assert response.status_code == 403
    assert "edit_org_users" in response.json()["detail"]
    assert mail.outbox == []


def test_an_address_with_an_account_cannot_be_invited(django_capture_on_commit_callbacks):
    admin = member(None, "edit_org_users")
    elsewhere = member(OrganizationFactory(), email="taken@example.com")
    response = invite(
        docs_client(admin.user), django_capture_on_commit_callbacks, email=elsewhere.user.email
    )
    assert response.status_code == 409
    assert "email" in response.json()["errors"]


def test_a_permission_of_the_other_kind_is_a_400_naming_it(django_capture_on_commit_callbacks):
    admin = member(OrganizationFactory(org_type="SUPPLIER"), "edit_org_users")
    create_order = Permission.objects.get(name="create_order")  # retailers only
    response = invite(
        docs_client(admin.user),
        django_capture_on_commit_callbacks,
        email="s@example.com",
        permission_uuids=[str(create_order.uuid)],
    )
    assert response.status_code == 400
    assert "create_order" in response.json()["errors"]["permission_uuids.0"][0]
    assert not Invitation.objects.exists()


def test_an_unknown_token_is_404():
    assert (
        docs_client().get("/timp/organizations/accept-invite/KUMJLpo0tzFVeC5w1uni/").status_code
        == 404
    )
    response = send(
        docs_client(),
        "POST",
        "/timp/organizations/accept-invite/KUMJLpo0tzFVeC5w1uni/",
        b'{"password":"crux_is_awesome"}',
    )
    assert response.status_code == 404


def test_deactivating_a_member_stops_their_tokens_at_once():
    from organizations import services

    someone = member(None, "view_org_users")
    client = docs_client(someone.user)
    assert client.get("/timp/organizations/users/all/").status_code == 200
    services.membership_deactivate(membership=someone)
    assert client.get("/timp/organizations/users/all/").status_code == 401
    assert not AuthToken.objects.filter(user=someone.user).exists()


def test_the_mail_names_the_organization_and_the_hours(django_capture_on_commit_callbacks):
    admin = member(None, "edit_org_users")
    invite(docs_client(admin.user), django_capture_on_commit_callbacks, email="m@example.com")
    (message,) = mails_to("m@example.com")
    assert re.search(r"expires 2 hours", message.body)
    assert message.alternatives and "accept-invite" in message.alternatives[0][0]
