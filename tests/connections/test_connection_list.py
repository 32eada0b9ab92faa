"""`connection_list`: the connections `connections_for(user)` answers, as rows that
connection_data reads alike, in one query as the queryset, compiled once per kind of caller
(the caller's organization stands twice in it: as retailer and as supplier)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connections import selectors
from connections.api.serializers import connection_data
from tests.connections.test_request_lookup import as_authenticated
from tests.factories import (
    AccountManagerFactory,
    ConnectionFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    mine = OrganizationMembershipFactory(
        organization=OrganizationFactory(
            org_type="retailer", contact=PersonFactory(), account_manager=AccountManagerFactory()
        )
    )
    supplier_member = OrganizationMembershipFactory(
        organization=OrganizationFactory(org_type="supplier")
    )
    as_retailer = ConnectionFactory(
        retailer=mine.organization, account_manager=AccountManagerFactory()
    )
    as_supplier = ConnectionFactory(supplier=supplier_member.organization)
    both = ConnectionFactory(retailer=mine.organization, supplier=supplier_member.organization)
    return {
        "member": mine.user,
        "supplier member": supplier_member.user,
        "staff": StaffUserFactory(),
        "no organization": UserFactory(),
        "sees": {
            "member": {as_retailer, both},
            "supplier member": {as_supplier, both},
            "staff": {as_retailer, as_supplier, both},
            "no organization": set(),
        },
    }


@pytest.mark.parametrize("loaded", [True, False], ids=["as authenticated", "bare user"])
def test_the_same_output_and_query_count_as_the_queryset(world, loaded):
    callers = ["member", "supplier member", "staff", "no organization"]
    for _ in range(2):  # the second time from the compiled SQL
        for name in callers:
            user = as_authenticated(world[name]) if loaded else world[name]
            with CaptureQueriesContext(connection) as readable:
                expected = list(selectors.connections_for(user))
            with CaptureQueriesContext(connection) as fast:
                found = selectors.connection_list(user)
            assert len(fast) == len(readable) <= 1, name
            assert [row.uuid for row in found] == [item.uuid for item in expected], name
            assert {row.uuid for row in found} == {item.uuid for item in world["sees"][name]}
            assert [connection_data(row) for row in found] == [
                connection_data(item) for item in expected
            ]
    compiled = {shape[1:] for shape, sql in selectors._connection_rows._compiled.items() if sql}
    if loaded:  # a member's and staff's queries ran compiled (a bare user's is a subquery)
        assert compiled == {(1,), ("every organization",)}
