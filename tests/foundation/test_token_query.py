"""Token authentication: one query, never the user's other tokens; the membership comes with it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from connect_api.authentication import TokenAuthentication
from tests.factories import OrganizationFactory, OrganizationMembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]


def token_for(user, **kwargs) -> str:
    return AuthToken.objects.create(user=user, **kwargs)[1]


def authenticate(key: str):
    return TokenAuthentication().authenticate_credentials(key.encode())


def test_one_query_however_many_tokens_the_user_has():
    user = UserFactory()
    for _ in range(50):
        token_for(user, expiry=timedelta(days=1))
    key = token_for(user)

    with CaptureQueriesContext(connection) as queries:
        found, _ = authenticate(key)

    assert found == user
    assert len(queries) == 1
    assert "knox_authtoken" in queries[0]["sql"]


def test_the_membership_comes_in_the_same_query():
    organization = OrganizationFactory()
    user = OrganizationMembershipFactory(organization=organization).user
    key = token_for(user)

    with CaptureQueriesContext(connection) as queries:
        found, _ = authenticate(key)
        organization_id = found.organization_membership.organization_id

    assert organization_id == organization.pk
    assert len(queries) == 1


def test_an_expired_token_is_refused_and_deleted_others_are_left_to_the_purge_job():
    user = UserFactory()
    expired = token_for(user, expiry=timedelta(days=1))
    other_expired = token_for(user, expiry=timedelta(days=1))
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {expired}")
    assert client.get("/probe/whoami/").status_code == 401

    assert AuthToken.objects.filter(user=user).count() == 1  # other_expired: the periodic job's
    assert other_expired


def test_a_wrong_key_is_401_with_the_token_challenge():
    token_for(UserFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    response = client.get("/probe/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_organization_comes_in_the_same_query_and_organization_for_reads_it():
    from organizations.selectors import organization_for

    organization = OrganizationFactory()
    user = OrganizationMembershipFactory(organization=organization).user
    key = token_for(user)

    with CaptureQueriesContext(connection) as queries:
        found, _ = authenticate(key)
        assert organization_for(found) == organization

    assert len(queries) == 1


def test_organization_for_a_user_without_membership_costs_no_query_after_auth():
    from organizations.selectors import organization_for

    key = token_for(UserFactory())
    found, _ = authenticate(key)

    with CaptureQueriesContext(connection) as queries:
        assert organization_for(found) is None

    assert len(queries) == 0


def test_the_query_reads_only_what_authentication_and_tenancy_need_never_the_password():
    organization = OrganizationFactory()
    user = OrganizationMembershipFactory(organization=organization).user
    key = token_for(user)

    with CaptureQueriesContext(connection) as queries:
        found, _ = authenticate(key)
        seen = (
            found.pk,
            found.get_username(),
            found.is_active,
            found.is_staff,
            found.is_superuser,
            found.organization_membership.organization_id,
            found.organization_membership.organization.name,
            found.organization_membership.organization.status,
            found.organization_membership.organization.org_type,
            found.organization_membership.organization.uuid,
        )

    assert len(queries) == 1
    assert "password" not in queries[0]["sql"]
    assert '"description"' not in queries[0]["sql"]  # none of the organization's other columns
    assert seen == (
        user.pk,
        user.username,
        True,
        False,
        False,
        organization.pk,
        organization.name,
        organization.status,
        organization.org_type,
        organization.uuid,
    )


def test_a_field_the_lookup_leaves_out_still_loads_by_a_query_of_its_own():
    user = UserFactory(email="someone@example.com")
    found, _ = authenticate(token_for(user))

    with CaptureQueriesContext(connection) as queries:
        assert found.email == "someone@example.com"

    assert len(queries) == 1
