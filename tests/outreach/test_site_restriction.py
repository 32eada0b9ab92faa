"""Outreach's one site restriction: `SiteQuerySet.restrict` on every site-owned model, and no
other site filter in the code that reads and writes the outreach tables."""

import re
from pathlib import Path

import pytest
from django.apps import apps

from outreach.models import Connection, ConnectionHistory, SiteQuerySet
from tests.factories import ConnectionHistoryFactory, OutreachConnectionFactory, SiteFactory

ROOT = Path(__file__).resolve().parents[2]
SITE_FILTER = re.compile(r"\.(?:filter|exclude|get)\([^)]*\bsite(?:_id)?=")


def test_every_model_with_a_site_restricts():
    for model in apps.get_app_config("outreach").get_models():
        if model.__name__ in ("Site", "SiteMembership") or not any(
            field.name in ("site", "connection", "membership") for field in model._meta.fields
        ):
            continue
        assert isinstance(model.objects.all(), SiteQuerySet), model.__name__


@pytest.mark.django_db
def test_restrict_keeps_the_sites_rows_only():
    mine, theirs = SiteFactory(number=1), SiteFactory(number=2)
    kept = ConnectionHistoryFactory(connection=OutreachConnectionFactory(site=mine))
    ConnectionHistoryFactory(connection=OutreachConnectionFactory(site=theirs))

    assert list(ConnectionHistory.objects.restrict(mine)) == [kept]
    assert list(ConnectionHistory.objects.restrict(mine.pk)) == [kept]
    assert Connection.objects.restrict([mine, theirs]).count() == 2
    assert Connection.objects.restrict(SiteFactory._meta.model.objects.none()).count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "outreach/selectors.py",
        "outreach/services.py",
        "outreach/tasks.py",
        "outreach/admin.py",
        "outreach/review.py",
        "outreach/api/views.py",
    ],
)
def test_no_site_filter_outside_restrict(path):
    assert not SITE_FILTER.findall((ROOT / path).read_text())
