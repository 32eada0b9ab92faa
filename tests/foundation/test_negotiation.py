"""RememberedContentNegotiation: DRF's choice of renderer and media type for every Accept
header and format, the second time from what it remembered; refusals and long headers are
never remembered."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from connect_api.api import negotiation
from connect_api.api.negotiation import RememberedContentNegotiation
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
    yield
    negotiation._chosen.clear()


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
