"""Shared helpers of the organization API tests: members holding named permissions, the
docs' headers, mails read from the outbox."""

import re

from django.core import mail
from rest_framework.test import APIClient

from organizations.models import Permission
from tests.conftest import token_header
from tests.factories import OrganizationFactory, OrganizationMembershipFactory, UserFactory

DOCS_JSON = "application/json; charset=utf-8"
PREFIXES = ["/timp/", "/"]


def member(organization=None, *names, **user_fields):
    """A member of `organization` (a new retailer if None) holding the permissions named."""
    user = UserFactory(**user_fields)
    membership = OrganizationMembershipFactory(
        user=user, organization=organization or OrganizationFactory()
    )
    if names:
        membership.permissions.add(*Permission.objects.filter(name__in=names))
    return membership


def docs_client(user=None) -> APIClient:
    """A client sending the docs' `Authorization: Token <key>` (none without a user)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=token_header(user))
    return client


def send(client: APIClient, method: str, path: str, body: bytes | None = None, **headers):
    """The request as the docs' Node.js snippet writes it: the body's bytes, JSON with
    `charset=utf-8` when there is one."""
    kwargs = dict(headers)
    if body is not None:
        kwargs.setdefault("content_type", DOCS_JSON)
    return client.generic(method.upper(), path, body or b"", **kwargs)


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def link_in(message) -> str:
    """The path of the one link in a mail's text (its host is PUBLIC_BASE_URL)."""
    (url,) = re.findall(r"https?://\S+", message.body)
    return re.sub(r"^https?://[^/]+", "", url)
