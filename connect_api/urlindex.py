"""The root URL list, tried by the path's first two segments.

Django resolves a path by trying each pattern of the URL list in order: an outreach call went
through 62 patterns (every supplier route, each regular expression run) before its own, and
a call on a connection request through 28. `by_leading_segments(patterns)` is one resolver
over `patterns` that, for a path, tries only the patterns that can match a path beginning
with its first two segments (`organizations` and `connections` in
`organizations/connections/request/...`), in their order. What a pattern can match is read
from its regular expression: the literal segments it starts with (`^organizations/users/`),
and for an include at one literal segment (`organizations/`) the first segments of its
patterns. A pattern whose segments its expression does not fix (one starting with a
parameter) is tried for every path. Includes at "" (no namespace, no default arguments) are
looked into, as their patterns see the same path.

What a path resolves to (the view, its arguments, the route, the names) is what the plain
list resolves it to; `reverse()`, the checks and the OpenAPI schema read the plain list.
"""

import functools
import re

from django.urls import Resolver404, URLPattern, URLResolver
from django.urls.resolvers import RoutePattern

ANY = None
"""What a pattern may have for a segment when its expression does not fix it."""

_LITERAL = re.compile(r"(?:[A-Za-z0-9_~-]|\\[^A-Za-z0-9/])+")
"""Literal characters of a regular expression: letters, digits, `_`, `~`, `-` (special only
in a character class), and escaped punctuation but a slash (`re.escape` writes `-` as
`\\-`)."""

_END = re.compile(r"(?:/\??)?(?:\$|\\Z)$")
"""The end of the path in a regular expression, after a slash or an optional one: `$`,
`\\Z`, `/$`, `/?$`, `/?\\Z` ..."""


def _fixed_segments(regex: str) -> tuple[list[str], bool]:
    """(the segments every path `regex` matches starts with, whether the expression is just
    those segments, each followed by a slash: an include's prefix). A path that must end
    after them has one more segment, "" (`^organizations/?$` matches `organizations` and
    `organizations/`: ["organizations", ""])."""
    if not regex.startswith("^") or "|" in regex:  # an alternative may start otherwise
        return [], False
    segments, at = [], 1
    while True:
        if _END.match(regex, at):
            return [*segments, ""] if segments else [], False
        literal = _LITERAL.match(regex, at)
        if literal is None:
            return segments, False
        text, at = re.sub(r"\\(.)", r"\1", literal.group()), literal.end()
        if _END.match(regex, at):
            return [*segments, text, ""], False
        if not regex.startswith("/", at) or regex[at + 1 : at + 2] in ("?", "*", "+", "{"):
            return segments, False  # e.g. `fo{2}/`, `foo/?bar`, a literal then a parameter
        segments.append(text)
        at += 1
        if at == len(regex):
            return segments, True


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


def leading_segments(pattern) -> tuple[str | None, frozenset[str] | None]:
    """(the first segment of every path `pattern` can match, the second segments they can
    have); ANY for either where the expression does not fix it."""
    segments, prefix_only = _fixed_segments(pattern.pattern.regex.pattern)
    if not segments:
        return ANY, ANY
    if len(segments) >= 2:
        return segments[0], frozenset(segments[1:2])
    if not (isinstance(pattern, URLResolver) and prefix_only):
        return segments[0], ANY
    seconds = set()
    for child in _flat(pattern.url_patterns):  # an include at one segment: its patterns'
        first, _ = leading_segments(child)
        if first is ANY:
            return segments[0], ANY
        seconds.add(first)
    return segments[0], frozenset(seconds)


class _Candidates(URLResolver):
    """A plain resolver at "" over some of the list's patterns, answering a pattern's match
    as it stands (an include's with the include's own route before its route, as a parent
    resolver writes it): wrapping it in another ResolverMatch, as URLResolver does, would
    add nothing (no prefix, arguments, names or namespace) and cost about a third of
    resolving a path."""

    def __init__(self, patterns: list):
        super().__init__(RoutePattern(""), patterns)

    def resolve(self, path):
        tried = []
        for pattern in self.url_patterns:
            try:
                match = pattern.resolve(path)
            except Resolver404 as refused:
                self._extend_tried(tried, pattern, refused.args[0].get("tried"))
            else:
                if match:
                    if isinstance(pattern, URLResolver):
                        match.route = self._join_route(str(pattern.pattern), match.route)
                    return match
                tried.append([pattern])
        raise Resolver404({"tried": tried, "path": path})


class LeadingSegmentsResolver(URLResolver):
    def __init__(self, patterns: list[URLPattern | URLResolver]):
        super().__init__(RoutePattern(""), patterns)

    @functools.cached_property
    def _resolvers(self) -> tuple[dict, URLResolver, URLResolver]:
        """({first segment: ({second segment: resolver}, resolver of other seconds)},
        resolver of other first segments, resolver of every pattern): each a plain resolver
        over the patterns, in order, that may match such paths."""
        flat = _flat(self.url_patterns)
        keys = [leading_segments(pattern) for pattern in flat]

        def over(keep) -> URLResolver:
            return _Candidates([p for p, key in zip(flat, keys, strict=True) if keep(*key)])

        by_first = {}
        for first in {first for first, _ in keys} - {ANY}:
            seconds = set().union(*(s for f, s in keys if f == first and s is not ANY))
            by_first[first] = (
                {
                    second: over(
                        lambda f, s, first=first, second=second: (
                            f is ANY or (f == first and (s is ANY or second in s))
                        )
                    )
                    for second in seconds
                },
                over(lambda f, s, first=first: f is ANY or (f == first and s is ANY)),
            )
        return by_first, over(lambda f, s: f is ANY), over(lambda f, s: True)

    def resolve(self, path):
        path = str(path)
        by_first, others, every = self._resolvers
        if "\n" in path:  # `$` matches before a final newline: a pattern sees another segment
            return every.resolve(path)
        first, _, rest = path.partition("/")
        found = by_first.get(first)
        if found is None:
            return others.resolve(path)
        by_second, other_seconds = found
        return by_second.get(rest.partition("/")[0], other_seconds).resolve(path)


def by_leading_segments(patterns: list[URLPattern | URLResolver]) -> list[URLResolver]:
    """`patterns` as a URL list of one resolver that tries a path's patterns by its first two
    segments (see the module's docstring)."""
    return [LeadingSegmentsResolver(patterns)]
