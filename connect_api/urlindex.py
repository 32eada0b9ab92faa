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
looked into, as their patterns see the same path. So are includes at a literal prefix
(`organizations/`, `timp/organizations/`; no parameter, namespace or default arguments): each
of their patterns stands in the list as itself under the prefix (`_UnderPrefix`), so that a
call on a connection request resolves its route directly, not through the include's own
resolver, which would try the prefix again and wrap the route's match in a second
ResolverMatch.

Within the patterns of two leading segments, a later segment that many of them fix selects
among them in the same way: the outreach routes (`api_accessacs_mobile/v2/<site>/connections`)
are told apart by their fourth segment, after the site's number. A segment is read past
earlier ones only where the expression fixes how many slashes come before it: literal text and
named groups that cannot match a slash (what the `int`, `str`, `slug`, `uuid`, `id` and
`hexkey` converters write).

What a path resolves to (the view, its arguments, the route, the names) is what the plain
list resolves it to; `reverse()`, the checks and the OpenAPI schema read the plain list.
"""

import functools
import re

from django.urls import Resolver404, URLPattern, URLResolver
from django.urls.resolvers import RegexPattern, RoutePattern

ANY = None
"""What a pattern may have for a segment when its expression does not fix it."""

_LITERAL = re.compile(r"(?:[A-Za-z0-9_~-]|\\[^A-Za-z0-9/])+")
"""Literal characters of a regular expression: letters, digits, `_`, `~`, `-` (special only
in a character class), and escaped punctuation but a slash (`re.escape` writes `-` as
`\\-`)."""

_END = re.compile(r"(?:/\??)?(?:\$|\\Z)$")
"""The end of the path in a regular expression, after a slash or an optional one: `$`,
`\\Z`, `/$`, `/?$`, `/?\\Z` ..."""


def _unescaped(literal: str) -> str:
    """The text a run of _LITERAL matches."""
    return re.sub(r"\\(.)", r"\1", literal)


_ONE_SEGMENT_GROUP = re.compile(
    r"\(\?P<\w+>(?:(?:\[(?:\^/|[^\]\\/^][^\]\\/]*)\]|[A-Za-z0-9_-])(?:[+*?]|\{\d+(?:,\d*)?\})?)+\)"
)
"""A named group that matches within one segment: character classes without a slash
(`[0-9]`, `[-a-zA-Z0-9_]`, `[^/]`) and letters, digits, `_` or `-`, each maybe repeated.
Anything else (`.+`, an escape, a nested group) is not read as one."""

_QUANTIFIERS = ("?", "*", "+", "{")


def segment_at(regex: str, position: int) -> str | None:
    """The segment at `position` (0: the first) of every path `regex` matches, where the
    expression fixes it as literal text; else ANY. Earlier segments may hold named groups
    that cannot match a slash (_ONE_SEGMENT_GROUP); a path that ends before `position` is
    ANY as well."""
    if not regex.startswith("^") or "|" in regex:
        return ANY
    at, index = 1, 0
    while True:
        text, literal = "", True
        while True:
            part = _LITERAL.match(regex, at)
            if part is not None:
                text += _unescaped(part.group())
            else:
                part = _ONE_SEGMENT_GROUP.match(regex, at)
                if part is None:
                    break
                literal = False
            at = part.end()
        ended = _END.match(regex, at) is not None
        slash = regex.startswith("/", at) and regex[at + 1 : at + 2] not in _QUANTIFIERS
        if index == position:
            return text if literal and (ended or slash) else ANY
        if not slash:
            return ANY
        at += 1
        index += 1


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
        text, at = _unescaped(literal.group()), literal.end()
        if _END.match(regex, at):
            return [*segments, text, ""], False
        if not regex.startswith("/", at) or regex[at + 1 : at + 2] in _QUANTIFIERS:
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


def _prefix_of(resolver: URLResolver) -> str | None:
    """The literal text an include's route is (`organizations/`), where the include adds
    nothing else to what its patterns resolve (no parameter, name, namespace or default
    arguments); else None."""
    pattern = resolver.pattern
    if not (
        isinstance(pattern, RoutePattern)
        and not pattern.converters
        and not resolver.namespace
        and not resolver.app_name
        and not resolver.default_kwargs
    ):
        return None
    return str(pattern)


class _UnderPrefix:
    """A pattern of an include at a literal prefix, in the include's place in the list: it
    matches a path that starts with the prefix and whose rest its pattern matches, and
    answers what the include answers for it (the include's route before the pattern's,
    nothing else added). Resolving through the include would try its prefix, then build a
    ResolverMatch around the pattern's own; the list tried by segment holds the pattern
    itself, with the expression of both (`^organizations/` then `^connections/request/$`)
    to be indexed by."""

    def __init__(self, prefix: str, include: URLResolver, pattern):
        self.prefix, self.child = prefix, pattern
        # What the include's resolve puts before a nested include's own route (URLResolver.
        # resolve joins a child resolver's route; a URLPattern's match already holds its own).
        self._child_route = str(pattern.pattern) if isinstance(pattern, URLResolver) else ""
        self.pattern = RegexPattern(
            include.pattern.regex.pattern + pattern.pattern.regex.pattern.removeprefix("^")
        )
        self.leaf = isinstance(pattern, URLPattern) or getattr(pattern, "leaf", False)

    def resolve(self, path):
        if not path.startswith(self.prefix):
            return None
        match = self.child.resolve(path[len(self.prefix) :])
        if match:
            route = URLResolver._join_route(self._child_route, match.route)
            match.route = URLResolver._join_route(self.prefix, route)
        return match

    def __repr__(self):
        return f"<{type(self).__name__} {self.prefix!r} {self.child!r}>"


def _flat(patterns) -> list:
    flat = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver) and _looked_into(pattern):
            flat.extend(_flat(pattern.url_patterns))
            continue
        prefix = _prefix_of(pattern) if isinstance(pattern, URLResolver) else None
        children = _flat(pattern.url_patterns) if prefix is not None else ()
        # Each expression anchored at the start: the two written one after the other then
        # say what a path matching both is (the index reads them so).
        if prefix is not None and all(
            child.pattern.regex.pattern.startswith("^") for child in children
        ):
            flat.extend(_UnderPrefix(prefix, pattern, child) for child in children)
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


FIRST_INDEXED_SEGMENT = 2
LAST_INDEXED_SEGMENT = 5


def _segment_index(patterns: list) -> tuple[int, dict[str, list], list] | None:
    """(position, {segment: the patterns that may match a path with that segment there},
    the patterns that may match any other) for the position from the third segment on that
    the most patterns fix; None when fewer than two patterns fix any. Each list keeps the
    patterns' order; a pattern that does not fix the segment is in every list."""
    best = None
    for position in range(FIRST_INDEXED_SEGMENT, LAST_INDEXED_SEGMENT + 1):
        segments = [
            segment_at(p.pattern.regex.pattern, position)
            if isinstance(p, URLPattern) or getattr(p, "leaf", False)
            else ANY
            for p in patterns
        ]
        fixed = sum(segment is not ANY for segment in segments)
        if fixed >= 2 and (best is None or fixed > best[0]):
            best = (fixed, position, segments)
    if best is None:
        return None
    _, position, segments = best
    by_segment = {
        value: [p for p, s in zip(patterns, segments, strict=True) if s is ANY or s == value]
        for value in set(segments) - {ANY}
    }
    others = [p for p, s in zip(patterns, segments, strict=True) if s is ANY]
    return position, by_segment, others


class _Candidates(URLResolver):
    """A plain resolver at "" over some of the list's patterns, answering a pattern's match
    as it stands (an include's with the include's own route before its route, as a parent
    resolver writes it): wrapping it in another ResolverMatch, as URLResolver does, would
    add nothing (no prefix, arguments, names or namespace) and cost about a third of
    resolving a path. Where its patterns fix a later segment (_segment_index), a path tries
    only those that may match its own; not with `indexed=False`, for paths ending in a
    newline, before which `$` matches (`^a/b$` matches `a/b\n`, whose second segment is
    `b\n`)."""

    def __init__(self, patterns: list, *, indexed: bool = True):
        super().__init__(RoutePattern(""), patterns)
        self._index = _segment_index(patterns) if indexed else None

    def _tried_for(self, path: str) -> list:
        if self._index is None:
            return self.url_patterns
        position, by_segment, others = self._index
        segments = path.split("/", position + 1)
        if len(segments) <= position:
            return others
        return by_segment.get(segments[position], others)

    def resolve(self, path):
        tried = []
        for pattern in self._tried_for(path):
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
        return by_first, over(lambda f, s: f is ANY), _Candidates(flat, indexed=False)

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
