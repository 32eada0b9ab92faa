"""Every supplier route answers under both spellings (`/organizations/...` as in the schema and
`/timp/organizations/...` as the current docs write it), with and without its trailing slash.

The routes are read from connect_api.urls.SUPPLIER_API, so a module joining that list is
covered here without a line of this file changing.
"""

import uuid
from importlib import import_module

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, reverse

from connect_api.urls import SUPPLIER_API
from tests.factories import ConnectionFactory, UploadFactory


def _named_patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def supplier_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    """(route name, method, uuid kwargs) for every named route of the supplier API."""
    routes = []
    for _, module in SUPPLIER_API:
        for pattern in _named_patterns(import_module(module).urlpatterns):
            actions = getattr(pattern.callback, "actions", None)
            view_class = getattr(pattern.callback, "cls", None)
            if actions:
                methods = list(actions)
            elif view_class is not None:
                methods = [m for m in view_class.http_method_names if hasattr(view_class, m)]
                methods = [m for m in methods if m not in ("options", "head")]
            else:
                methods = ["get"]
            kwargs = tuple(pattern.pattern.regex.groupindex)
            routes += [(pattern.name, method, kwargs) for method in methods]
    return routes


ROUTES = supplier_routes()


def test_the_route_list_is_the_supplier_api():
    names = {name for name, _, _ in ROUTES}
    assert {
        "connection-request-list",
        "connection-request-detail",
        "connection-request-approve",
        "connection-request-reject",
        "connection-list",
        "connection-confirm",
        "connection-deactivate",
        "upload-list",
        "upload-detail",
        "upload-upload",
        "upload-download",
        "user-login",
        "discovery-suppliers",
    } <= names


@pytest.fixture
def objects(retailer, supplier, pending_request):
    """An object of the retailer's for every kind of route that names one."""
    return {
        "connection-request": pending_request.uuid,
        "connection": ConnectionFactory(retailer=retailer, supplier=supplier).uuid,
        "upload": UploadFactory(organization=retailer).uuid,
    }


def _uuid_for(name: str, objects: dict) -> uuid.UUID | None:
    for kind in sorted(objects, key=len, reverse=True):  # "connection-request" before "connection"
        if name.startswith(f"{kind}-"):
            return objects[kind]
    return None


def spellings(name: str, kwargs: dict) -> list[str]:
    canonical = reverse(name, kwargs=kwargs).rstrip("/")
    alias = reverse(f"{name}-timp", kwargs=kwargs).rstrip("/")
    assert alias == f"/timp{canonical}"
    return [canonical, f"{canonical}/", alias, f"{alias}/"]


@pytest.mark.parametrize(("name", "method", "kwarg_names"), ROUTES)
def test_every_supplier_route_answers_under_both_prefixes_and_slash_forms(
    retailer_client, objects, name, method, kwarg_names
):
    known = _uuid_for(name, objects)
    kwargs = {kwarg: str(known or uuid.uuid4()) for kwarg in kwarg_names}
    statuses = {}
    for path in spellings(name, kwargs):
        with transaction.atomic():  # each spelling meets the same state
            response = retailer_client.generic(
                method.upper(), path, "{}", content_type="application/json"
            )
            transaction.set_rollback(True)
        statuses[path] = response.status_code

    assert len(set(statuses.values())) == 1, statuses
    if known is not None or not kwarg_names:
        assert not set(statuses.values()) & {404, 405}, statuses


def test_the_schema_shows_one_spelling(db, api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]

    assert "/organizations/connections/request/" in paths
    assert not [path for path in paths if path.startswith("/timp/")]


def test_a_documented_timp_call_reaches_the_same_object(retailer_client, pending_request):
    """The docs' GET /timp/organizations/connections/request/<uuid>/ is the request itself."""
    canonical = retailer_client.get(f"/organizations/connections/request/{pending_request.uuid}/")
    alias = retailer_client.get(f"/timp/organizations/connections/request/{pending_request.uuid}/")

    assert alias.status_code == 200
    assert alias.json()["record_uuid"] == canonical.json()["record_uuid"]
    assert alias.json()["org_name"] == canonical.json()["org_name"]
