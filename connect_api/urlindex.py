"""The root URL list, tried by the path's first segment.

Django resolves a path by trying each pattern of the URL list in order: an outreach call went
through 62 patterns (every supplier route, each regular expression run) before its own, and
a supplier call through 28. `by_first_segment(patterns)` is one resolver over `patterns`
that, for a path, tries only the patterns that can match a path beginning with its first
segment (`organizations` in `organizations/connections/request/...`), in their order; a
pattern whose first segment its regular expression does not fix (one starting with a
parameter) is tried for every path. Includes at "" (no namespace, no default arguments) are
looked into, as their patterns see the same path. What a path resolves to (the view, its
arguments, the route, the names) is what the plain list resolves it to; `reverse()`, the
checks and the OpenAPI schema read the plain list.
"""

import functools
import re

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern

_ANY = None
"""The segment of a pattern that may match a path beginning with any segment."""

_LITERAL = re.compile(r"(?:[A-Za-z0-9_]|\\[^A-Za-z0-9/])+")
"""The literal characters a pattern's regular expression starts with (after `^`): letters,
digits, `_`, and escaped punctuation but a slash (`re.escape` writes `-` as `\\-`)."""

_SEGMENT_ENDS = ("/", "$", r"\Z")
"""What may follow those characters for them to be the whole first segment of any path the
pattern matches (a slash, optional or not, or the end of the path)."""


def _first_segment(pattern) -> str | None:
    """The first segment of every path `pattern` can match, or _ANY."""
    regex = pattern.pattern.regex.pattern
    if not regex.startswith("^") or "|" in regex:  # an alternative may start otherwise
        return _ANY
    literal = _LITERAL.match(regex, 1)
    if literal is None or not regex.startswith(_SEGMENT_ENDS, literal.end()):
        return _ANY
    return re.sub(r"\\(.)", r"\1", literal.group())


def _looked_into(resolver: URLResolver) -> bool:
    """An include at "" that adds nothing to what its patterns resolve: they can stand in
    its place."""
    return (
        isinstance(resolver.pattern, RoutePattern)
        and str(resolver.pattern) == ""
        and not resolver.namespace
        and not resolver.app_name
        and not resolver.default_kwargs
    )


def _flat(patterns) -> list:
    flat = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver) and _looked_into(pattern):
            flat.extend(_flat(pattern.url_patterns))
        else:
            flat.append(pattern)
    return flat


class FirstSegmentResolver(URLResolver):
    def __init__(self, patterns: list[URLPattern | URLResolver]):
        super().__init__(RoutePattern(""), patterns)

    @functools.cached_property
    def _resolvers(self) -> tuple[dict[str, URLResolver], URLResolver, URLResolver]:
        """(a resolver per first segment, the resolver of every other path, the resolver of
        every pattern): each a plain resolver over the patterns it may match, in order."""
        flat = _flat(self.url_patterns)
        segments = [_first_segment(pattern) for pattern in flat]
        by_segment = {
            segment: URLResolver(
                RoutePattern(""),
                [p for p, s in zip(flat, segments, strict=True) if s in (segment, _ANY)],
            )
            for segment in set(segments) - {_ANY}
        }
        others = URLResolver(
            RoutePattern(""), [p for p, s in zip(flat, segments, strict=True) if s is _ANY]
        )
        return by_segment, others, URLResolver(RoutePattern(""), flat)

    def resolve(self, path):
        path = str(path)
        by_segment, others, every = self._resolvers
        if "\n" in path:  # `$` matches before a final newline: a pattern sees another segment
            return every.resolve(path)
        return by_segment.get(path.partition("/")[0], others).resolve(path)


def by_first_segment(patterns: list[URLPattern | URLResolver]) -> list[URLResolver]:
    """`patterns` as a URL list of one resolver that tries a path's patterns by its first
    segment (see the module's docstring)."""
    return [FirstSegmentResolver(patterns)]
