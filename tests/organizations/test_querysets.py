"""The one tenant rule, on every supplier model that uses it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from connections.models import Connection, ConnectionRequest
from organizations.choices import OrganizationType
from tests.factories import (
    ConnectionFactory,
    ConnectionRequestFactory,
    OrganizationFactory,
    StaffUserFactory,
    UploadFactory,
    UserFactory,
)
from tests.supplier_fixtures import member_of
from uploads.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    mine = OrganizationFactory(org_type=OrganizationType.RETAILER)
    theirs = OrganizationFactory(org_type=OrganizationType.SUPPLIER)
    stranger = OrganizationFactory(org_type=OrganizationType.RETAILER)
    return {
        "mine": mine,
        ConnectionRequest: (
            ConnectionRequestFactory(requester=mine),
            ConnectionRequestFactory(requester=theirs, counterpart=mine),
        ),
        Connection: (
            ConnectionFactory(retailer=mine, supplier=theirs),
            ConnectionFactory(retailer=stranger, supplier=theirs),
        ),
        Upload: (UploadFactory(organization=mine), UploadFactory(organization=theirs)),
    }


@pytest.mark.parametrize("model", [ConnectionRequest, Connection, Upload])
@pytest.mark.parametrize(
    ("who", "sees"),
    [("member", "own"), ("staff", "all"), ("no organization", "none"), ("anonymous", "none")],
)
def test_restrict(rows, model, who, sees, django_assert_num_queries):
    user = {
        "member": lambda: member_of(rows["mine"]),
        "staff": StaffUserFactory,
        "no organization": UserFactory,
        "anonymous": AnonymousUser,
    }[who]()
    own, foreign = rows[model]
    expected = {"own": {own}, "all": {own, foreign}, "none": set()}[sees]

    with django_assert_num_queries(0 if who == "anonymous" else 1):
        assert set(model.objects.restrict(user)) == expected


def test_a_queryset_that_does_not_say_whose_its_rows_are_fails_loudly():
    from organizations.querysets import TenantQuerySet

    with pytest.raises(NotImplementedError):
        TenantQuerySet(model=Upload).restrict(UserFactory())
