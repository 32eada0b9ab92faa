"""CORS (django-cors-headers): origins from CORS_ALLOWED_ORIGINS only, none by default; a
preflight is answered without credentials."""

import pytest
from django.conf import LazySettings

from tests.factories import OrganizationFactory
from tests.supplier_fixtures import member_of

pytestmark = pytest.mark.django_db

ORIGIN = "https://app.example.com"
DETAIL = "/organizations/connections/request/d0041bf9-ee07-4298-8298-26eee419db2d/"
OUTREACH = "/api_accessacs_mobile/v2/12345/connections"


def preflight(client, url, origin, method="PATCH"):
    return client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, idempotency-key, if-match",
    )


@pytest.fixture
def allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


@pytest.mark.parametrize(("url", "method"), [(DETAIL, "PATCH"), (OUTREACH, "POST")])
def test_a_preflight_from_an_allowed_origin_is_200_without_credentials(
    allowed, api_client, url, method
):
    response = preflight(api_client, url, ORIGIN, method)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert method in response["Access-Control-Allow-Methods"]
    allowed_headers = response["Access-Control-Allow-Headers"]
    for header in ("authorization", "idempotency-key", "if-match", "if-none-match"):
        assert header in allowed_headers
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_a_preflight_from_another_origin_gets_no_cors_headers(allowed, api_client):
    response = preflight(api_client, DETAIL, "https://evil.example.net")
    assert not response.has_header("Access-Control-Allow-Origin")
    assert not response.has_header("Access-Control-Allow-Methods")


def test_no_origin_is_allowed_by_default(api_client, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = preflight(api_client, DETAIL, ORIGIN)
    assert not response.has_header("Access-Control-Allow-Origin")


def test_an_answer_to_an_allowed_origin_exposes_the_headers_a_client_reads(
    allowed, retailer_client
):
    response = retailer_client.get("/organizations/connections/request/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    exposed = response["Access-Control-Expose-Headers"].lower()
    for header in ("etag", "location", "retry-after", "idempotent-replayed", "x-request-id"):
        assert header in exposed


def test_a_401_to_an_allowed_origin_carries_cors_headers_too(allowed, api_client):
    """So the browser client can read the error instead of a CORS failure."""
    response = api_client.get("/organizations/connections/request/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_a_call_asks_the_settings_for_nothing_they_lack(monkeypatch, token_client, api_client):
    """Every setting a request reads is defined: a missing one is looked up again on every
    request, and fails each time (LazySettings keeps only what it found)."""
    missed = []
    looked_up = LazySettings.__getattr__

    def recorded(self, name):
        try:
            return looked_up(self, name)
        except AttributeError:
            missed.append(name)
            raise

    monkeypatch.setattr(LazySettings, "__getattr__", recorded)
    member = token_client(member_of(OrganizationFactory()))
    calls = [
        lambda: member.get("/organizations/connections/request/").status_code == 200,
        lambda: api_client.get(OUTREACH).status_code == 401,
    ]
    for call in calls:  # each client's handler reads its middleware's settings once, made
        assert call()
    missed.clear()

    for call in calls:
        assert call()
    assert missed == [], missed
