"""Staff edit the tenant in the admin: organizations (with what discovery shows), their
members' permissions, the people, the account managers, the permission catalog."""

import pytest
from django.test import Client

from organizations.models import Permission
from tests.factories import (
    AccountManagerFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


@pytest.mark.parametrize(
    "page",
    [
        "/admin/organizations/organization/?q=Org&org_type__exact=SUPPLIER",
        "/admin/organizations/person/",
        "/admin/organizations/accountmanager/",
        "/admin/organizations/permission/?visibility__exact=BOTH",
    ],
)
def test_admin_lists_render(admin_client, page):
    OrganizationMembershipFactory()
    AccountManagerFactory()
    assert admin_client.get(page).status_code == 200


def test_discovery_fields_and_member_permissions_are_edited_in_the_admin(admin_client):
    membership = OrganizationMembershipFactory(organization=OrganizationFactory(name="Old"))
    organization = membership.organization
    url = f"/admin/organizations/organization/{organization.pk}/change/"
    assert admin_client.get(url).status_code == 200
    view_users = Permission.objects.get(name="view_org_users")

    response = admin_client.post(
        url,
        {
            "name": "Tandem Textiles",
            "website": "https://tandem.example.com",
            "org_type": "SUPPLIER",
            "status": "ACTIVE",
            "created_date_0": "2026-01-01",
            "created_date_1": "00:00:00",
            "description": "Linens",
            "fulfillment_percentage": "97.50",
            "number_of_skus": "1250",
            "discoverable_since_0": "2026-11-01",
            "discoverable_since_1": "00:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-organization": str(organization.pk),
            "memberships-0-user": str(membership.user.pk),
            "memberships-0-permissions": [str(view_users.pk)],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert (organization.name, organization.number_of_skus, organization.description) == (
        "Tandem Textiles",
        1250,
        "Linens",
    )
    assert str(organization.fulfillment_percentage) == "97.50"
    assert list(membership.permissions.all()) == [view_users]


def test_a_fulfillment_percentage_over_100_is_refused(admin_client):
    organization = OrganizationFactory()
    response = admin_client.post(
        f"/admin/organizations/organization/{organization.pk}/change/",
        {
            "name": organization.name,
            "org_type": "SUPPLIER",
            "status": "ACTIVE",
            "created_date_0": "2026-01-01",
            "created_date_1": "00:00:00",
            "fulfillment_percentage": "101",
            "number_of_skus": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "fulfillment_percentage" in response.context["adminform"].form.errors
