"""The root URL list tried by the path's first segment (connect_api.urlindex): every path
resolves to what the plain list resolves it to (view, arguments, route, name), or is a 404
for both; a path tries only the patterns its first segment can match."""

import uuid

import pytest
from django.urls import Resolver404, URLResolver, get_resolver, include, path, re_path
from django.urls.resolvers import RegexPattern

from connect_api import urls
from connect_api.urlindex import FirstSegmentResolver, _first_segment


def view(request):  # pragma: no cover - never called
    return None


def plain_root() -> URLResolver:
    """The root resolver Django would build over the same list, untried by segment."""
    (indexed,) = urls.urlpatterns
    assert isinstance(indexed, FirstSegmentResolver)
    return URLResolver(RegexPattern(r"^/"), indexed.url_patterns)


SAMPLE_VALUES = ["12", str(uuid.UUID(int=7)), "0123456789abcdef0123456789abcdef", "abc-1"]


def every_named_path() -> set[str]:
    """A path for every named route (each parameter given the first sample value it takes)."""
    plain = plain_root()
    paths = set()
    for key, entries in plain.reverse_dict.lists():
        if not isinstance(key, str):
            continue
        for possibilities, *_ in entries:
            for template, params in possibilities:
                for value in SAMPLE_VALUES:
                    candidate = "/" + template % dict.fromkeys(params, value)
                    try:
                        plain.resolve(candidate)
                    except Resolver404:
                        continue
                    paths.add(candidate)
                    break
    return paths


ODD_PATHS = [
    "/",
    "/organizations",
    "/organizations/",
    "/Organizations/",
    "/healthz\n",
    "/healthz/\n",
    "/metrics",
    "/nothing/here/",
    "/api_accessacs_mobile",
    "/api_accessacs_mobile/v2/12/connections\n",
    "/api_accesssacs_mobile/v2/12/individuals",
    "/timp/organizations/connections/request/",
    "/admin/",
    "/admin/login/",
    "/admin/connections/connectionrequest/",
    "/review/",
    "/review/login/",
    "/jobs/" + str(uuid.UUID(int=3)),
    "/notifications/unsubscribe/abc:def",
]


def answer(resolver: URLResolver, path_: str):
    try:
        match = resolver.resolve(path_)
    except Resolver404:
        return "404"
    return (match.func, match.args, match.kwargs, match.url_name, match.route, match.namespaces)


def test_every_path_resolves_as_the_plain_list_resolves_it():
    paths = every_named_path() | set(ODD_PATHS)
    assert len(paths) > 150  # both APIs, both spellings, the aliases
    plain, indexed = plain_root(), get_resolver()
    for path_ in sorted(paths):
        assert answer(indexed, path_) == answer(plain, path_), path_
        if path_.endswith("/") and len(path_) > 1:
            assert answer(indexed, path_[:-1]) == answer(plain, path_[:-1]), path_


def test_a_path_tries_only_the_patterns_of_its_first_segment(monkeypatch):
    from django.urls import URLPattern

    tried = []
    resolve = URLPattern.resolve

    def counted(self, path_):
        tried.append(str(self.pattern))
        return resolve(self, path_)

    get_resolver().resolve("/organizations/")  # the index is built
    monkeypatch.setattr(URLPattern, "resolve", counted)
    match = get_resolver().resolve("/api_accessacs_mobile/v2/12/connections")
    assert match.url_name == "outreach-connection-change-request"
    assert tried and all(route.startswith("api_accessacs_mobile/") for route in tried)
    tried.clear()
    plain_root().resolve("/api_accessacs_mobile/v2/12/connections")
    assert any(route.startswith("^organizations") for route in tried)


@pytest.mark.parametrize(
    ("pattern", "segment"),
    [
        (re_path(r"^organizations/?$", view), "organizations"),
        (re_path(r"^api/token/?$", view), "api"),
        (re_path(r"^a\-b/c$", view), "a-b"),
        (path("healthz", view), "healthz"),
        (path("admin/", include([])), "admin"),
        (path("api_accessacs_mobile/v2/<int:site>/x/", view), "api_accessacs_mobile"),
        (path("<int:site>/x/", view), None),
        (path("foo", include([])), None),  # also matches `foobar/...`
        (re_path(r"^foo/|^bar/", view), None),  # an alternative
        (re_path(r"^fo{2}/", view), None),
        (re_path(r"^foo-?/", view), None),
        (re_path(r"^foo\/bar/", view), None),
        (re_path(r"(?i)^foo/", view), None),
        (re_path(r"foo/", view), None),  # not anchored
    ],
)
def test_the_first_segment_a_pattern_fixes(pattern, segment):
    assert _first_segment(pattern) == segment


def test_patterns_of_any_segment_keep_their_order():
    first, second, third = (
        path("<slug:anything>/", view, name="first"),
        path("fixed/", view, name="second"),
        re_path(r"^(?P<x>fixed)/$", view, name="third"),
    )
    resolver = URLResolver(RegexPattern(r"^/"), [FirstSegmentResolver([first, second, third])])
    assert resolver.resolve("/fixed/").url_name == "first"
    resolver = URLResolver(RegexPattern(r"^/"), [FirstSegmentResolver([second, first])])
    assert resolver.resolve("/fixed/").url_name == "second"
    assert resolver.resolve("/other/").url_name == "first"
    with pytest.raises(Resolver404):
        resolver.resolve("/a/b/c/")
