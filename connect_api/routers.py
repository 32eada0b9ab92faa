import copy
from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.utils import extend_schema
from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Every route answers with and without its trailing slash: one pattern, no redirect."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


def schema_excluded(view_class):
    """The same view under another name, left out of the OpenAPI schema (an alias route)."""
    alias = type(f"{view_class.__name__}Alias", (view_class,), {})
    return extend_schema(exclude=True)(alias)


def _alias_pattern(pattern: URLPattern, suffix: str) -> URLPattern:
    callback = pattern.callback
    view_class = getattr(callback, "cls", None)
    if view_class is None:
        # A plain Django view has no schema to hide: the alias is the same function.
        aliased = callback
    elif getattr(callback, "actions", None) is not None:
        aliased = schema_excluded(view_class).as_view(callback.actions, **callback.initkwargs)
    else:
        aliased = schema_excluded(view_class).as_view(**callback.initkwargs)
    name = f"{pattern.name}{suffix}" if pattern.name else None
    route = copy.copy(pattern.pattern)  # the route object carries the name resolve() reports
    route.name = name
    return URLPattern(route, aliased, pattern.default_args, name)


def alias_patterns(patterns, suffix: str) -> list:
    """`patterns` again, each view schema-excluded and each route name given `suffix`."""
    aliased = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            aliased.append(
                URLResolver(
                    pattern.pattern,
                    alias_patterns(pattern.url_patterns, suffix),
                    pattern.default_kwargs,
                )
            )
        else:
            aliased.append(_alias_pattern(pattern, suffix))
    return aliased


def mounted(mounts: list[tuple[str, str]], *, alias_prefix: str, alias_suffix: str) -> list:
    """Each `(prefix, urlconf module)` at `prefix` (in the schema) and again at
    `alias_prefix + prefix` (same views, left out of the schema, names + `alias_suffix`)."""
    routes = []
    for prefix, module in mounts:
        patterns = import_module(module).urlpatterns
        routes.append(path(prefix, include(patterns)))
        routes.append(path(alias_prefix + prefix, include(alias_patterns(patterns, alias_suffix))))
    return routes
