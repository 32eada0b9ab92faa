"""APIRequest answers what DRF's Request answers.

Its data: for every parser list of the APIs, Content-Type and kind of body, the same data or the
same error, the same state kept after it (data, files, stream, Django's POST and FILES), a second
read included; a JSON body is read without the parser's stream; the API's views get an
APIRequest. Its user: for every way authenticators answer, the same user or error, first and
second time, the same calls and state."""

import json

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request, WrappedAttributeError

from connect_api.api import negotiation
from connect_api.api.negotiation import RememberedContentNegotiation
from connect_api.api.parsers import (
    OUTREACH_PARSERS,
    LimitedJSONParser,
    OutreachJSONParser,
    PlainTextLabelledJSONParser,
)
from connect_api.api.request import APIRequest
from tests.factories import OrganizationMembershipFactory

PARSER_LISTS = {
    "supplier": [LimitedJSONParser],
    "defaults": [LimitedJSONParser, FormParser, MultiPartParser],
    "outreach": OUTREACH_PARSERS,
    "findbyemail": [*OUTREACH_PARSERS, PlainTextLabelledJSONParser],
    "form only": [FormParser],
}

CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=UTF-16",
    "application/json; charset=latin-1",
    "application/json; charset=no-such-charset",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=ISO-8859-1",
    "text/plain; charset=ISO-8859-1",
    "text/plain",
    "*/*",
    "application/*",
    "multipart/form-data; boundary=x",
    "application/xml",
    "",
]

BUDGET = 50  # REQUEST_MAX_JSON_VALUES in these tests
LIMIT = 4096  # DATA_UPLOAD_MAX_MEMORY_SIZE in these tests

BODIES = {
    "object": json.dumps({"name": "Café", "n": 1, "ok": True, "none": None}).encode(),
    "object, escaped": json.dumps({"name": "Café \u2028"}).encode(),
    "array": b'[1, 2.5, {"a": []}]',
    "scalar": b"7",
    "latin-1 text": '{"name": "Café"}'.encode("latin-1"),
    "utf-16 text": '{"name": "Café"}'.encode("utf-16"),
    "form pairs": b"a=1&b=2",
    "not JSON": b"{nope",
    "NaN": b'{"a": NaN}',
    "lone surrogate": b'{"a": "\\ud800"}',
    "past the value budget": json.dumps({"items": list(range(BUDGET + 5))}).encode(),
    "deep": b"[" * 2000 + b"]" * 2000,
    "whitespace": b"   ",
    "over the size limit": b'{"a": "' + b"x" * LIMIT + b'"}',
}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.REQUEST_MAX_JSON_VALUES = BUDGET
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    negotiation._parsers.clear()
    yield
    negotiation._parsers.clear()


def django_request(body: bytes, content_type: str, *, length: str | None = None):
    request = RequestFactory().generic("POST", "/x/", data=body, content_type=content_type)
    if length is not None:
        request.META["CONTENT_LENGTH"] = length
    return request


def described(value):
    """A value with the types of everything in it."""
    if isinstance(value, dict):
        return (type(value).__name__, [(key, described(item)) for key, item in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [described(item) for item in value])
    if hasattr(value, "lists"):  # QueryDict, MultiValueDict
        return (type(value).__name__, sorted(value.lists()))
    return (type(value).__name__, value)


def read(request: Request):
    try:
        return ("data", described(request.data))
    except Exception as error:
        return ("error", type(error).__name__, str(getattr(error, "detail", error)))


def outcome(request_class, parser_list, body, content_type, *, length=None, read_first=False):
    django = django_request(body, content_type, length=length)
    if read_first:
        django.read()
    request = request_class(
        django,
        parsers=[parser() for parser in PARSER_LISTS[parser_list]],
        negotiator=RememberedContentNegotiation(),
        parser_context={},
    )
    first, second = read(request), read(request)
    kept = request.__dict__
    return {
        "first": first,
        "second": second,
        "data": described(kept["_data"]),
        "files": described(kept["_files"]),
        "full data": described(kept["_full_data"]),
        "stream": type(kept["_stream"]).__name__,
        "Django's POST": described(django.__dict__.get("_post")),
        "Django's FILES": described(django.__dict__.get("_files")),
    }


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("parser_list", sorted(PARSER_LISTS))
def test_the_same_answer_and_state_as_drfs_request(parser_list, content_type, body):
    drf = outcome(Request, parser_list, BODIES[body], content_type)
    api = outcome(APIRequest, parser_list, BODIES[body], content_type)
    assert api == drf
    if body == "object" and parser_list != "form only" and "json; charset=utf-8" in content_type:
        assert api["first"][0] == "data"  # the case is read, not refused


@pytest.mark.parametrize("length", ["0", "", "-1", "x", "3"])
@pytest.mark.parametrize("parser_list", ["supplier", "outreach"])
def test_the_same_for_a_content_length_that_is_not_the_bodys(parser_list, length):
    body = BODIES["object"]
    drf = outcome(Request, parser_list, body, "application/json", length=length)
    api = outcome(APIRequest, parser_list, body, "application/json", length=length)
    assert api == drf


@pytest.mark.parametrize("parser_list", ["supplier", "outreach"])
def test_the_same_for_a_stream_already_read(parser_list):
    body = BODIES["object"]
    drf = outcome(Request, parser_list, body, "application/json", read_first=True)
    api = outcome(APIRequest, parser_list, body, "application/json", read_first=True)
    assert api == drf and api["first"][0] == "error"


def test_a_content_length_past_the_limit_is_djangos_refusal_as_in_drf():
    body = BODIES["object"]
    length = str(LIMIT + 1)
    drf = outcome(Request, "supplier", body, "application/json", length=length)
    api = outcome(APIRequest, "supplier", body, "application/json", length=length)
    assert api == drf
    assert api["first"][:2] == ("error", "RequestDataTooBig")


@pytest.mark.parametrize(
    ("parser", "content_type"),
    [
        (LimitedJSONParser, "application/json"),
        (OutreachJSONParser, "application/x-www-form-urlencoded"),
    ],
)
def test_a_json_body_is_read_without_the_parsers_stream(monkeypatch, parser, content_type):
    def no_stream(*args, **kwargs):
        raise AssertionError("read through the stream")

    monkeypatch.setattr(parser, "parse", no_stream)
    request = APIRequest(
        django_request(BODIES["object"], content_type),
        parsers=[parser(), *[other() for other in OUTREACH_PARSERS[1:]]],
        negotiator=RememberedContentNegotiation(),
        parser_context={},
    )
    assert request.data == json.loads(BODIES["object"])


@pytest.mark.django_db
def test_the_apis_views_read_their_bodies_through_api_request(token_client, monkeypatch):
    from tests.seeds import SUPPLIER_CREATE_BODY

    seen = []
    original = APIRequest._json_body_read

    def spy(self):
        seen.append(type(self))
        return original(self)

    monkeypatch.setattr(APIRequest, "_json_body_read", spy)
    client = token_client(OrganizationMembershipFactory().user)
    created = client.post(
        "/organizations/connections/request/",
        json.dumps(SUPPLIER_CREATE_BODY),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert seen == [APIRequest]


# --- the user -------------------------------------------------------------------------------


class Answering:
    """An authenticator answering `answer` (an exception is raised), counting its calls."""

    def __init__(self, answer):
        self.answer, self.calls = answer, 0

    def authenticate(self, request):
        self.calls += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def authenticate_header(self, request):
        return "Token"


MEMBER = object()

AUTHENTICATIONS = {
    "a user and a token": lambda: [Answering((MEMBER, "token"))],
    "nobody": lambda: [Answering(None)],
    "nobody, then a user": lambda: [Answering(None), Answering((MEMBER, None))],
    "refused": lambda: [Answering(AuthenticationFailed("Invalid token."))],
    "an authenticator's bug": lambda: [Answering(AttributeError("'NoneType' has no 'key'"))],
    "no authenticators": lambda: [],
}


def user_outcome(request_class, authentication, *, django_user=None):
    django = django_request(b"", "")
    if django_user is not None:
        django._user = django_user
    authenticators = AUTHENTICATIONS[authentication]()
    request = request_class(django, authenticators=authenticators)
    reads = []
    for _ in range(2):
        try:
            user = request.user
            reads.append(("user", "member" if user is MEMBER else described(user)))
        except Exception as error:
            reads.append(("error", type(error).__name__, str(error)))
    kept = request.__dict__
    return {
        "reads": reads,
        "calls": [one.calls for one in authenticators],
        "auth": described(kept.get("_auth", "unset")),
        "authenticator": type(kept.get("_authenticator", "unset")).__name__,
        "Django's user": described(django.__dict__.get("user", "unset")),
    }


@pytest.mark.parametrize("authentication", sorted(AUTHENTICATIONS))
def test_the_same_user_as_drfs_request(authentication):
    assert user_outcome(APIRequest, authentication) == user_outcome(Request, authentication)


def test_an_authenticators_attribute_error_is_wrapped_as_drf_wraps_it():
    request = APIRequest(django_request(b"", ""), authenticators=[Answering(AttributeError("x"))])
    with pytest.raises(WrappedAttributeError, match=r"^x$") as raised:
        request.user  # noqa: B018
    assert isinstance(raised.value.__context__, AttributeError)


@pytest.mark.parametrize("authentication", ["a user and a token", "nobody"])
def test_a_user_on_djangos_request_is_drfs_answer_too(authentication):
    expected = user_outcome(Request, authentication, django_user="kept")
    assert user_outcome(APIRequest, authentication, django_user="kept") == expected
    assert expected["reads"][0] == ("user", ("str", "kept"))


def test_setting_the_user_is_drfs():
    for request_class in (Request, APIRequest):
        request = request_class(django_request(b"", ""), authenticators=[Answering(None)])
        request.user = MEMBER
        assert request.user is MEMBER and request._request.user is MEMBER
