"""`membership_for`: the caller's membership at a site by the query of `_memberships_at`,
compiled once: the same SQL, membership and joined rows (site, individual), in one query;
another site's or no membership is NotFound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connect_api.errors import NotFound
from outreach.permissions import _memberships, _memberships_at, membership_for
from tests.factories import SiteFactory, SiteMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_queryset_answer_in_one_query():
    member = SiteMembershipFactory(site=SiteFactory(number=12345))
    SiteMembershipFactory(site=SiteFactory(number=777), user=member.user)
    for _ in range(2):  # the second time from the compiled SQL
        with CaptureQueriesContext(connection) as readable:
            (expected,) = _memberships_at(12345, member.user.pk)
        with CaptureQueriesContext(connection) as fast:
            found = membership_for(member.user, 12345)
        assert [query["sql"] for query in fast] == [query["sql"] for query in readable]
        assert found == expected == member
        with CaptureQueriesContext(connection) as after:
            assert (found.site.number, found.individual) == (12345, member.individual)
        assert len(after) == 0
    assert list(_memberships._compiled.values()) and all(_memberships._compiled.values())


def test_another_site_or_no_membership_is_not_found():
    member = SiteMembershipFactory(site=SiteFactory(number=12345))
    SiteFactory(number=999)
    for user, site_number in ((member.user, 999), (UserFactory(), 12345), (member.user, 1)):
        with pytest.raises(NotFound):
            membership_for(user, site_number)
