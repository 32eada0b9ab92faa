"""RememberedContentNegotiation: DRF's choice of renderer and media type for every Accept
header and format, and of parser for every Content-Type, the second time from what it
remembered; refusals and long headers are never remembered."""

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from connect_api.api import negotiation
from connect_api.api.dispatch import ReusedPolicies
from connect_api.api.negotiation import RememberedContentNegotiation
from connect_api.api.parsers import OUTREACH_PARSERS, LimitedJSONParser
from connect_api.renderers import SurrogateSafeJSONRenderer

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/*",
    "application/json;q=0.1, text/html",
]


def request_with(accept: str | None, query: str = "") -> Request:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/x/{query}", **headers))


def renderers():
    return [SurrogateSafeJSONRenderer(), BrowsableAPIRenderer()]


@pytest.fixture(autouse=True)
def nothing_remembered():
    negotiation._chosen.clear()
    negotiation._parsers.clear()
    yield
    negotiation._chosen.clear()
    negotiation._parsers.clear()


@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_drfs_choice_first_and_second_time(accept, query):
    expected_renderers = renderers()
    try:
        renderer, media_type = DefaultContentNegotiation().select_renderer(
            request_with(accept, query), expected_renderers
        )
    except NotAcceptable:
        for _ in range(2):
            with pytest.raises(NotAcceptable):
                RememberedContentNegotiation().select_renderer(
                    request_with(accept, query), renderers()
                )
        return
    expected = (expected_renderers.index(renderer), media_type)
    for _ in range(2):
        given = renderers()
        chosen, chosen_type = RememberedContentNegotiation().select_renderer(
            request_with(accept, query), given
        )
        assert chosen is given[expected[0]]  # the view's own instance
        assert chosen_type == expected[1]
    assert len(negotiation._chosen) == 1


def test_the_second_time_is_remembered(monkeypatch):
    RememberedContentNegotiation().select_renderer(request_with("text/html"), renderers())
    monkeypatch.setattr(
        DefaultContentNegotiation, "select_renderer", lambda *a, **k: pytest.fail("negotiated")
    )
    given = renderers()
    chosen, media_type = RememberedContentNegotiation().select_renderer(
        request_with("text/html"), given
    )
    assert chosen is given[1] and media_type == "text/html"


def test_other_renderers_are_negotiated_anew():
    RememberedContentNegotiation().select_renderer(request_with("*/*"), renderers())
    given = [JSONRenderer()]
    with pytest.raises(NotAcceptable):
        RememberedContentNegotiation().select_renderer(request_with("text/html"), given)
    chosen, _ = RememberedContentNegotiation().select_renderer(request_with("*/*"), given)
    assert chosen is given[0]


def test_a_refusal_is_not_remembered():
    for _ in range(2):
        with pytest.raises(NotAcceptable):
            RememberedContentNegotiation().select_renderer(
                request_with("application/xml"), renderers()
            )
    assert negotiation._chosen == {}


def test_a_long_header_is_negotiated_each_time():
    accept = "application/json, " + ", ".join(f"x/y{n}" for n in range(40))
    assert len(accept) > negotiation._KEPT_HEADER_LENGTH
    given = renderers()
    chosen, _ = RememberedContentNegotiation().select_renderer(request_with(accept), given)
    assert chosen is given[0]
    assert negotiation._chosen == {}


@pytest.mark.django_db
def test_the_api_answers_each_accept_as_asked(token_client):
    from tests.factories import OrganizationMembershipFactory

    client = token_client(OrganizationMembershipFactory().user)
    for _ in range(2):
        assert client.get("/organizations/connections/", HTTP_ACCEPT="text/html")[
            "Content-Type"
        ].startswith("text/html")
        assert client.get("/organizations/connections/")["Content-Type"].startswith(
            "application/json"
        )
        assert client.get("/organizations/connections/", HTTP_ACCEPT="image/png").status_code == 406


def test_no_query_string_builds_no_query_dict():
    RememberedContentNegotiation().select_renderer(request_with("application/json"), renderers())
    request = request_with("application/json")
    RememberedContentNegotiation().select_renderer(request, renderers())
    assert "GET" not in request._request.__dict__  # the query dict, built when first read


def test_an_empty_format_is_no_format():
    given = renderers()
    for query in ("", "?format=", "?page=2"):
        chosen, media_type = RememberedContentNegotiation().select_renderer(
            request_with("text/html", query), given
        )
        assert chosen is given[1] and media_type == "text/html"
    assert len(negotiation._chosen) == 1


CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=ISO-8859-1",
    "APPLICATION/JSON",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "multipart/form-data; boundary=xyz",
    "text/plain; charset=ISO-8859-1",
    "application/xml",
    "",
    "application/json; " + "x" * 300,
]
PARSER_LISTS = [
    [LimitedJSONParser],
    [LimitedJSONParser, FormParser, MultiPartParser],
    OUTREACH_PARSERS,
]


def post_with(content_type: str) -> Request:
    factory_request = APIRequestFactory().generic("POST", "/x/", b"{}", content_type=content_type)
    return Request(factory_request)


@pytest.mark.parametrize("parser_classes", PARSER_LISTS, ids=lambda classes: len(classes))
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_drfs_parser_first_and_second_time(content_type, parser_classes):
    expected_parsers = [parser() for parser in parser_classes]
    expected = DefaultContentNegotiation().select_parser(post_with(content_type), expected_parsers)
    for _ in range(2):
        given = [parser() for parser in parser_classes]
        chosen = RememberedContentNegotiation().select_parser(post_with(content_type), given)
        if expected is None:
            assert chosen is None
        else:
            assert chosen is given[expected_parsers.index(expected)]  # the view's own instance
    kept = expected is not None and len(content_type) <= negotiation._KEPT_HEADER_LENGTH
    assert len(negotiation._parsers) == (1 if kept else 0)


def test_the_parser_is_remembered(monkeypatch):
    given = [LimitedJSONParser(), FormParser()]
    RememberedContentNegotiation().select_parser(post_with("application/json"), given)
    monkeypatch.setattr(
        DefaultContentNegotiation, "select_parser", lambda *a, **k: pytest.fail("negotiated")
    )
    assert (
        RememberedContentNegotiation().select_parser(post_with("application/json"), given)
        is (given[0])
    )


@pytest.mark.django_db
def test_the_api_parses_and_refuses_each_content_type_as_asked(token_client):
    from tests.factories import OrganizationMembershipFactory

    client = token_client(OrganizationMembershipFactory().user)
    for _ in range(2):
        refused = client.post(
            "/organizations/connections/request/", "<x/>", content_type="application/xml"
        )
        assert refused.status_code == 415
        missing = client.post(
            "/organizations/connections/request/", "{}", content_type="application/json"
        )
        assert missing.status_code == 400
        assert "organization_name" in missing.json()["errors"]


class _Negotiating(ReusedPolicies, APIView):
    renderer_classes = [SurrogateSafeJSONRenderer, BrowsableAPIRenderer]
    content_negotiation_class = RememberedContentNegotiation


class _OwnRenderers(_Negotiating):
    def get_renderers(self):
        return [JSONRenderer()]


def _negotiated(view_class, accept, query):
    view = view_class()
    view.format_kwarg = None
    request = request_with(accept, query)
    try:
        renderer, media_type = view.perform_content_negotiation(request)
    except (NotAcceptable, Http404) as refused:
        return type(refused)
    return type(renderer), media_type


@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?format=xml"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_view_makes_only_the_renderer_drf_chooses(accept, query, monkeypatch):
    class Drf(APIView):
        renderer_classes = _Negotiating.renderer_classes

    expected = _negotiated(Drf, accept, query)
    made = []
    for cls in _Negotiating.renderer_classes:
        monkeypatch.setattr(cls, "__init__", lambda self, cls=cls: made.append(cls), raising=False)
    for time in ("first", "second"):
        made.clear()
        assert _negotiated(_Negotiating, accept, query) == expected, time
    if not isinstance(
        expected, type
    ):  # the second time, from what was kept: the chosen renderer alone
        assert made == [expected[0]]


def test_a_view_with_renderers_of_its_own_is_asked_for_them():
    for _ in range(2):
        assert _negotiated(_OwnRenderers, None, "") == (JSONRenderer, "application/json")
