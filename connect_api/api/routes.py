"""Outreach routes: `/api_accessacs_mobile/v2/<site_number>/...`.

Each route also answers under the seed's spelling `api_accesssacs_mobile` (an alias left out
of the OpenAPI schema) and with or without a trailing slash. Paths are `path()` routes whose
ids go through the `<id:...>` converter (connect_api.api.converters): views receive ints.
"""

from django.urls import URLPattern
from django.urls.resolvers import RoutePattern

from connect_api.api import converters  # noqa: F401  (registers <id:...> and <hexkey:...>)
from connect_api.routers import schema_excluded

BASE_PATH = "api_accessacs_mobile"
ALIAS_PATH = "api_accesssacs_mobile"


class OptionalSlashRoute(RoutePattern):
    """A `path()` route written with its trailing slash that matches without it too (one
    pattern, no redirect); `reverse()` gives the path without the slash."""

    def __init__(self, route: str, name=None, is_endpoint=False):
        super().__init__(route, name=name, is_endpoint=is_endpoint)
        if is_endpoint and self._regex.endswith(r"/\Z"):
            self._regex = self._regex[: -len(r"/\Z")] + r"/?\Z"


def optional_slash_path(route: str, view, name: str) -> URLPattern:
    """`path(route, view, name=name)`, matching with or without the route's final slash."""
    return URLPattern(OptionalSlashRoute(route, name=name, is_endpoint=True), view, {}, name)


def _both_spellings(path: str, view_class, name: str, actions: dict[str, str] | None):
    routes = []
    for base, view, suffix in (
        (BASE_PATH, view_class, ""),
        (ALIAS_PATH, schema_excluded(view_class), "-alias"),
    ):
        as_view = view.as_view(actions) if actions else view.as_view()
        routes.append(optional_slash_path(f"{base}/v2/{path}/", as_view, f"{name}{suffix}"))
    return routes


def outreach_routes(path: str, view_class, name: str, actions: dict[str, str] | None = None):
    """The route `<base>/v2/<site_number>/<path>` under both spellings of the base path.

    `path` is a `path()` route without slashes at either end (e.g. `connections/teams`,
    `individuals/<id:individual_id>`); `actions` maps methods to a viewset's actions
    (`{"post": "apply"}`).
    """
    return _both_spellings(f"<id:site_number>/{path}", view_class, name, actions)


def siteless_routes(path: str, view_class, name: str):
    """The route `<base>/v2/<path>` (no site: the app's sign-in by e-mail) under both
    spellings of the base path."""
    return _both_spellings(path, view_class, name, None)
