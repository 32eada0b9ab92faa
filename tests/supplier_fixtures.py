"""Fixtures of the supplier side (organizations, their members, staff), for every app's tests."""

import pytest

from organizations.choices import OrganizationStatus, OrganizationType
from tests.factories import (
    AccountManagerFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    StaffUserFactory,
)


def member_of(organization):
    return OrganizationMembershipFactory(organization=organization).user


@pytest.fixture
def retailer(db):
    return OrganizationFactory(name="Acme Retail", org_type=OrganizationType.RETAILER)


@pytest.fixture
def supplier(db):
    return OrganizationFactory(name="Thomas-Perkins", org_type=OrganizationType.SUPPLIER)


@pytest.fixture
def retailer_user(retailer):
    return member_of(retailer)


@pytest.fixture
def supplier_user(supplier):
    return member_of(supplier)


@pytest.fixture
def other_retailer_user(db):
    return member_of(OrganizationFactory(name="Other Retail", org_type=OrganizationType.RETAILER))


@pytest.fixture
def inactive_user(db):
    return member_of(
        OrganizationFactory(org_type=OrganizationType.RETAILER, status=OrganizationStatus.INACTIVE)
    )


@pytest.fixture
def staff_user(db):
    return AccountManagerFactory(user=StaffUserFactory(username="manager")).user


@pytest.fixture
def retailer_client(token_client, retailer_user):
    return token_client(retailer_user)


@pytest.fixture
def staff_client(token_client, staff_user):
    return token_client(staff_user)
