"""Outreach's one site restriction: `SiteQuerySet.restrict` on every site-owned model, and no
other site filter in the code that reads and writes the outreach tables."""

import ast
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


# --- no site filter anywhere but `restrict` -----------------------------------------------

SCANNED_APPS = [
    "connect_api",
    "connections",
    "organizations",
    "outreach",
    "webhooks",
    "notifications",
    "uploads",
]
LOOKUPS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q"}
"""Calls whose keyword arguments filter rows (a Q is a filter waiting to be applied)."""
CREATIONS = {"get_or_create"}
"""Lookups that also create the row: `site=` there names the new row's site (the demo data)."""
SITE_LOOKUP = re.compile(r"(?:^|__)site(?:_id)?(?:__|$)")
"""A keyword naming a row's site: site=, site_id=, site__number=, site_memberships__site_id=."""
CONSTRAINTS = {"CheckConstraint", "UniqueConstraint"}


def _callee(call: ast.Call) -> str | None:
    return (
        call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    )


def _site_filters(tree: ast.AST):
    """(line, call, keyword) of each site filter in the tree, outside SiteQuerySet.restrict and
    model constraints (a constraint's condition is a declaration, not a read)."""
    skipped = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.FunctionDef) and node.name == "restrict") or (
            isinstance(node, ast.Call) and _callee(node) in CONSTRAINTS
        ):
            skipped.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in skipped:
            continue
        callee = _callee(node)
        if callee not in LOOKUPS:
            continue
        for keyword in node.keywords:
            if not keyword.arg or not SITE_LOOKUP.search(keyword.arg):
                continue
            if callee in CREATIONS and keyword.arg == "site":
                continue
            yield node.lineno, callee, keyword.arg


def _scanned_files():
    for app in SCANNED_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_site_filter_outside_restrict_in_any_app():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {callee}({keyword}=...)"
        for path in _scanned_files()
        for line, callee, keyword in _site_filters(ast.parse(path.read_text()))
    ]
    assert not found, "filter through SiteQuerySet.restrict instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "Connection.objects.filter(site=site)",
        "Endpoint.objects.filter(site_id=pk)",
        "SiteMembership.objects.get(user=user, site__number=number)",
        "User.objects.filter(Q(site_memberships__site=site))",
        "MailPreference.objects.update_or_create(user=user, site=site, defaults={})",
        "Team.objects.exclude(connection__site_id=pk)",
    ],
)
def test_the_scan_finds_a_site_filter(source):
    assert list(_site_filters(ast.parse(source)))


@pytest.mark.parametrize(
    "source",
    [
        "Connection.objects.restrict(site).filter(number=1)",
        "Connection.objects.create(site=site, number=1)",
        "Team.objects.get_or_create(site=site, number=1)",
        "site_number_next(site=site, model=Connection)",
        "models.CheckConstraint(condition=Q(site__isnull=True), name='x')",
        "rows.order_by('site__number')",
    ],
)
def test_the_scan_lets_through(source):
    assert not list(_site_filters(ast.parse(source)))


def test_the_site_owned_rows_of_other_apps_restrict():
    from notifications.models import MailDelivery, MailPreference
    from webhooks.models import Endpoint

    for rows in (MailPreference.objects, MailDelivery.objects, Endpoint.site_objects):
        assert isinstance(rows.all(), SiteQuerySet)
