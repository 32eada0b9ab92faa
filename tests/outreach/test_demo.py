"""`seed_demo`'s outreach data: the seed's ids and credentials, idempotent."""

import pytest

from outreach import demo
from outreach.models import Connection, Individual, Site
from tests.outreach.conftest import BASE

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_has_the_seed_ids():
    first = demo.seed()
    counts = (Site.objects.count(), Individual.objects.count(), Connection.objects.count())
    assert demo.seed() == first
    assert (Site.objects.count(), Individual.objects.count(), Connection.objects.count()) == counts
    site = Site.objects.get(number=12345)
    assert site.individuals.filter(number=76).exists()
    assert site.connection_types.get(number=1).responses.count() >= 2
    assert site.teams.filter(number=1).exists()
    other = Site.objects.get(number=54321)
    assert other.individuals.filter(number=76).exists()  # the same numbers at another site


def test_demo_users_see_what_their_rights_say(basic_client):
    demo.seed()
    caller = basic_client(*demo.CALLER)
    assert caller.get(f"{BASE}/account").json()["UserName"] == "jadams"
    assert caller.get(f"{BASE}/individuals/76").status_code == 200
    viewer = basic_client(*demo.VIEWER)
    assert "Comments" in viewer.get(f"{BASE}/connections/1").json()
    assigned = basic_client(*demo.ASSIGNED_ONLY)
    assert assigned.get(f"{BASE}/connections/2").status_code == 200  # its team's
    assert assigned.get(f"{BASE}/connections/1").status_code == 404
    other = basic_client(*demo.OTHER_SITE_ADMINISTRATOR)
    assert other.get(f"{BASE}/account").status_code == 404
    assert (
        other.get("/api_accessacs_mobile/v2/54321/individuals/76").json()["FirstName"] == "Olivia"
    )
