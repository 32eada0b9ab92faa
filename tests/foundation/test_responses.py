"""`rendered()` answers what DRF's Response answers (status, headers in their order, bytes)
for every Accept header and kind of data, without a template response when the JSON renderer
was negotiated."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template.response import SimpleTemplateResponse
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from connect_api.api.responses import rendered
from tests.foundation.test_negotiation import ACCEPTS

DATA = [
    {"request_uuid": "0b7f3d5e-0000-4000-8000-000000000001", "n": 1},
    [1, 2, {"a": None}],
    41,
    "text",
    None,
    {"line": "a\u2028b\u2029c", "surrogate": "\ud800", "café": "é"},
    {"at": datetime(2026, 12, 6, 17, 0, 1, 5, tzinfo=UTC), "amount": Decimal("1.50")},
    {1: "a non-string key"},
    {"big": 2**70},
]


def view_answering(make, *, bases: tuple = ()):
    """A view answering GET and POST with `make(request)`; `bases` before APIView."""

    class View(*bases, APIView):
        authentication_classes = []
        permission_classes = [AllowAny]
        throttle_classes = []

        def post(self, request):
            return make(request)

        def get(self, request):
            return make(request)

    return View.as_view()


def answer(make, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = view_answering(make)(APIRequestFactory().post("/x/", **headers))
    if isinstance(response, SimpleTemplateResponse):
        response.render()  # what Django's handler does with a template response
    return response


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("status", [200, 201])
def test_the_same_answer_as_a_response(data, accept, status):
    headers = {"X-Total-Count": "7"}
    expected = answer(lambda request: Response(data, status=status, headers=headers), accept)
    got = answer(lambda request: rendered(request, data, status=status, headers=headers), accept)
    assert got.status_code == expected.status_code == status
    assert list(got.items()) == list(expected.items())
    if expected.get("Content-Type", "").startswith("text/html"):  # the browsable API: DRF's
        # own Response (its page holds a new token each time)
        assert isinstance(got, Response)
    else:
        assert not isinstance(got, SimpleTemplateResponse)
        assert got.content == expected.content


def test_an_empty_body_has_no_content_type():
    got = answer(lambda request: rendered(request, None, status=200), "application/json")
    assert got.content == b"" and not got.has_header("Content-Type")


@pytest.mark.django_db
def test_the_api_answers_json_at_once_and_html_as_a_response(token_client):
    import json

    from tests.factories import OrganizationMembershipFactory
    from tests.seeds import SUPPLIER_CREATE_BODY

    client = token_client(OrganizationMembershipFactory().user)
    body = json.dumps(SUPPLIER_CREATE_BODY)
    created = client.post(
        "/organizations/connections/request/", body, content_type="application/json"
    )
    assert created.status_code == 201
    assert not isinstance(created, SimpleTemplateResponse)
    assert created["Content-Type"] == "application/json"
    assert created["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert created["Vary"] == "Accept, origin"  # DRF's, then the CORS middleware's
    assert set(created.json()) == {"request_uuid", "request_date"}
    detail = client.get(f"/organizations/connections/request/{created.json()['request_uuid']}/")
    assert detail.status_code == 200 and not isinstance(detail, SimpleTemplateResponse)
    assert detail["ETag"] and detail.json()["record_uuid"] == created.json()["request_uuid"]
    page = client.get("/organizations/connections/request/", HTTP_ACCEPT="text/html")
    assert isinstance(page, Response) and page["Content-Type"].startswith("text/html")
