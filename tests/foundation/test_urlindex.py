"""The root URL list tried by the path's first two segments (connect_api.urlindex): every
path resolves to what the plain list resolves it to (view, arguments, route, name), or is a
404 for both; a path tries only the patterns its first two segments can match."""

import uuid

import pytest
from django.urls import Resolver404, URLResolver, get_resolver, include, path, re_path
from django.urls.resolvers import RegexPattern

from connect_api import urls
from connect_api.urlindex import ANY, LeadingSegmentsResolver, leading_segments, segment_at


def view(request):  # pragma: no cover - never called
    return None


def plain_root() -> URLResolver:
    """The root resolver Django would build over the same list, untried by segment."""
    (indexed,) = urls.urlpatterns
    assert isinstance(indexed, LeadingSegmentsResolver)
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
    return (
        *(match.func, match.args, match.kwargs, match.url_name, match.route),
        *(match.app_names, match.namespaces, match.captured_kwargs, match.extra_kwargs),
    )


def test_every_path_resolves_as_the_plain_list_resolves_it():
    paths = every_named_path() | set(ODD_PATHS)
    assert len(paths) > 150  # both APIs, both spellings, the aliases
    plain, indexed = plain_root(), get_resolver()
    for path_ in sorted(paths):
        assert answer(indexed, path_) == answer(plain, path_), path_
        if path_.endswith("/") and len(path_) > 1:
            assert answer(indexed, path_[:-1]) == answer(plain, path_[:-1]), path_


def tried_routes(monkeypatch, resolver, path_) -> list[str]:
    from django.urls import URLPattern

    tried = []
    resolve = URLPattern.resolve

    def counted(self, path_):
        tried.append(str(self.pattern))
        return resolve(self, path_)

    with monkeypatch.context() as patched:
        patched.setattr(URLPattern, "resolve", counted)
        resolver.resolve(path_)
    return tried


def test_a_path_tries_only_the_patterns_of_its_leading_segments(monkeypatch):
    get_resolver().resolve("/organizations/")  # the index is built
    outreach = "/api_accessacs_mobile/v2/12/connections"
    tried = tried_routes(monkeypatch, get_resolver(), outreach)
    assert tried and all(route.startswith("api_accessacs_mobile/") for route in tried)
    assert any(
        route.startswith("^organizations")
        for route in tried_routes(monkeypatch, plain_root(), outreach)
    )
    detail = f"/organizations/connections/request/{uuid.UUID(int=5)}/"
    tried = tried_routes(monkeypatch, get_resolver(), detail)
    assert tried and all(route.startswith("^connections/") for route in tried), tried
    assert len(tried) < len(tried_routes(monkeypatch, plain_root(), detail)) / 3


@pytest.mark.parametrize(
    ("pattern", "segments"),
    [
        (re_path(r"^organizations/?$", view), ("organizations", {""})),
        (re_path(r"^organizations/users/all/?$", view), ("organizations", {"users"})),
        (re_path(r"^api/token/?$", view), ("api", {"token"})),
        (re_path(r"^organizations/user-login/?$", view), ("organizations", {"user-login"})),
        (re_path(r"^a\-b/c$", view), ("a-b", {"c"})),
        (path("healthz", view), ("healthz", {""})),
        (
            path("admin/", include([path("x/", view), re_path(r"^y/?$", view)])),
            ("admin", {"x", "y"}),
        ),
        (path("admin/", include([path("x/", view), path("<int:n>/", view)])), ("admin", ANY)),
        (path("timp/organizations/", include([])), ("timp", {"organizations"})),
        (path("api_accessacs_mobile/v2/<int:site>/x/", view), ("api_accessacs_mobile", {"v2"})),
        (path("a/<int:site>/x/", view), ("a", ANY)),
        (path("<int:site>/x/", view), (ANY, ANY)),
        (path("foo", include([])), (ANY, ANY)),  # also matches `foobar/...`
        (path("foo/bar", include([])), ("foo", ANY)),  # also matches `foo/barbaz/...`
        (re_path(r"^foo/|^bar/", view), (ANY, ANY)),  # an alternative
        (re_path(r"^fo{2}/", view), (ANY, ANY)),
        (re_path(r"^foo-?/", view), (ANY, ANY)),
        (re_path(r"^foo/?bar/", view), (ANY, ANY)),  # also matches `foobar/`
        (re_path(r"^foo/bar+/", view), ("foo", ANY)),
        (re_path(r"^foo\/bar/", view), (ANY, ANY)),
        (re_path(r"(?i)^foo/", view), (ANY, ANY)),
        (re_path(r"foo/", view), (ANY, ANY)),  # not anchored
        (re_path(r"^$", view), (ANY, ANY)),
    ],
)
def test_the_leading_segments_a_pattern_fixes(pattern, segments):
    first, seconds = segments
    assert leading_segments(pattern) == (first, None if seconds is ANY else frozenset(seconds))


def test_patterns_of_any_segment_keep_their_order():
    first, second, third = (
        path("<slug:anything>/", view, name="first"),
        path("fixed/", view, name="second"),
        re_path(r"^(?P<x>fixed)/$", view, name="third"),
    )
    resolver = URLResolver(RegexPattern(r"^/"), [LeadingSegmentsResolver([first, second, third])])
    assert resolver.resolve("/fixed/").url_name == "first"
    resolver = URLResolver(RegexPattern(r"^/"), [LeadingSegmentsResolver([second, first])])
    assert resolver.resolve("/fixed/").url_name == "second"
    assert resolver.resolve("/other/").url_name == "first"
    with pytest.raises(Resolver404):
        resolver.resolve("/a/b/c/")
    nested = LeadingSegmentsResolver(
        [
            path("a/<int:n>/", view, name="any second"),
            path("a/", include([path("b/", view, name="b"), path("c/", view, name="c")])),
        ]
    )
    resolver = URLResolver(RegexPattern(r"^/"), [nested])
    assert resolver.resolve("/a/b/").url_name == "b"
    assert resolver.resolve("/a/7/").url_name == "any second"
    assert resolver.resolve("/a/c/").url_name == "c"
    with pytest.raises(Resolver404):
        resolver.resolve("/a/d/")


@pytest.mark.parametrize(
    ("regex", "position", "segment"),
    [
        (
            r"^api_accessacs_mobile/v2/(?P<site_number>[0-9]{1,10})/connections/?\Z",
            3,
            "connections",
        ),
        (r"^api_accessacs_mobile/v2/(?P<site_number>[0-9]{1,10})/connections/?\Z", 2, ANY),
        (r"^api_accessacs_mobile/v2/(?P<site_number>[0-9]{1,10})/connections/?\Z", 4, ANY),
        (r"^api_accessacs_mobile/v2/accounts/findbyemail/?\Z", 3, "findbyemail"),
        (r"^a/(?P<x>[^/]+)/b\Z", 2, "b"),  # str
        (r"^a/(?P<x>[-a-zA-Z0-9_]+)/b\Z", 2, "b"),  # slug
        (r"^a/(?P<x>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/b\Z", 2, "b"),
        (r"^a/(?P<x>[0-9a-fA-F]{8}-?[0-9a-fA-F]{4})/b/$", 2, "b"),
        (r"^a/(?P<x>[0-9a-fA-F-]{36})/b/$", 2, "b"),  # hexkey
        (r"^a/b/$", 2, ""),
        (r"^a/b/?$", 2, ANY),  # `a/b` and `a/b/`
        (r"^a/b$", 2, ANY),  # ends before
        (r"^a/(?P<x>.+)/b/?\Z", 2, ANY),  # path: may hold slashes
        (r"^a/(?P<x>[a-z/]+)/b\Z", 2, ANY),
        (r"^a/(?P<x>[^a]+)/b\Z", 2, ANY),  # a negated class other than [^/]
        (r"^a/(?P<x>\w+)/b\Z", 2, ANY),  # an escape
        (r"^a/(?P<x>[0-9]+)?/b\Z", 2, ANY),  # the group may be absent
        (r"^a/([0-9]+)/b\Z", 2, ANY),  # not a named group
        (r"^a/x(?P<x>[a-z]+)/b\Z", 1, ANY),  # part literal, part parameter
        (r"^a/x(?P<x>[a-z]+)/b\Z", 2, "b"),
        (r"^a/x/?b\Z", 1, ANY),
        (r"^a/bc+/d\Z", 2, ANY),
        (r"^a/b/|^c/d/", 1, ANY),
        (r"(?i)^a/b/", 1, ANY),
    ],
)
def test_the_later_segment_a_pattern_fixes(regex, position, segment):
    assert segment_at(regex, position) == segment


def test_an_outreach_call_tries_the_routes_of_its_fourth_segment(monkeypatch):
    get_resolver().resolve("/organizations/")  # the index is built
    tried = tried_routes(monkeypatch, get_resolver(), "/api_accessacs_mobile/v2/12/connections")
    assert tried[-1] == "api_accessacs_mobile/v2/<id:site_number>/connections/", tried
    assert all(route.split("/")[3] == "connections" for route in tried), tried
    assert len(tried) == 5  # teams, assignments, assignments/<id>, connections/<id>: before it
    tried = tried_routes(monkeypatch, get_resolver(), "/api_accessacs_mobile/v2/12/individuals/7")
    assert tried and all("/individuals" in route for route in tried), tried


def test_a_later_segment_selects_among_patterns_in_their_order():
    patterns = [
        path("a/<int:n>/x/", view, name="x"),
        re_path(r"^a/(?P<rest>.+)$", view, name="anything"),
        path("a/<int:n>/y/", view, name="y"),
        path("a/<int:n>/<slug:s>/", view, name="slug"),
        path("a/<int:n>/x/", view, name="x again"),
    ]
    resolver = URLResolver(RegexPattern(r"^/"), [LeadingSegmentsResolver(patterns)])
    assert resolver.resolve("/a/1/x/").url_name == "x"
    assert resolver.resolve("/a/1/y/").url_name == "anything"
    assert resolver.resolve("/a/1/z/").url_name == "anything"
    plain = URLResolver(RegexPattern(r"^/"), patterns)
    without_anything = [patterns[0], *patterns[2:]]
    resolver = URLResolver(RegexPattern(r"^/"), [LeadingSegmentsResolver(without_anything)])
    plain = URLResolver(RegexPattern(r"^/"), without_anything)
    for path_ in ["/a/1/x/", "/a/1/y/", "/a/1/z/", "/a/1/", "/a/1", "/a/1/x/\n", "/a/1/y"]:
        assert answer(resolver, path_) == answer(plain, path_), path_


def test_the_patterns_of_an_include_at_a_literal_prefix_answer_as_through_it():
    """An include at a literal prefix is looked into: its patterns, nested includes among
    them (under a prefix of their own, at "", with a namespace, with a parameter), answer
    what the include answers (route, names, arguments), and a path its patterns refuse is a
    404 for both."""
    inner = [
        path("b/", view, name="b"),
        re_path(r"^c/(?P<n>[0-9]+)/$", view, name="c"),
        path("d/", include([path("e/", view, name="e"), path("<int:m>/f/", view, name="f")])),
        path("", include([path("g/", view, name="g")])),
        path("h/", include(([path("i/", view, name="i")], "app"), namespace="space")),
        path("<slug:s>/", include([path("j/", view, name="j")])),
        path("k/", include([path("l/", view, name="l")]), {"extra": 1}),
        path("", include([re_path(r"m/", view, name="unanchored")])),
    ]
    patterns = [path("a/", include(inner)), path("x/y/", include(inner)), path("z", view)]
    resolver = URLResolver(RegexPattern(r"^/"), [LeadingSegmentsResolver(patterns)])
    plain = URLResolver(RegexPattern(r"^/"), patterns)
    paths = ["/a/b/", "/a/c/12/", "/a/c/x/", "/a/d/e/", "/a/d/3/f/", "/a/g/", "/a/h/i/"]
    paths += ["/a/s-1/j/", "/a/k/l/", "/a/", "/a", "/a/b", "/a/b/\n", "/x/y/d/e/", "/x/y/h/i/"]
    paths += ["/x/y/c/4/", "/x/b/", "/z", "/a/zz/", "/a/m/", "/a/xm/", "/x/y/b/m/"]
    for path_ in paths:
        assert answer(resolver, path_) == answer(plain, path_), path_
    assert answer(resolver, "/x/y/d/3/f/")[4] == "x/y/d/<int:m>/f/"


def test_a_supplier_call_resolves_without_its_includes_resolver(monkeypatch):
    get_resolver().resolve("/organizations/")  # the index is built
    resolved = []
    resolve = URLResolver.resolve

    def counted(self, path_):
        resolved.append(str(self.pattern))
        return resolve(self, path_)

    monkeypatch.setattr(URLResolver, "resolve", counted)
    match = get_resolver().resolve("/organizations/connections/request/")
    assert match.url_name == "connection-request-list"
    assert "organizations/" not in resolved, resolved
