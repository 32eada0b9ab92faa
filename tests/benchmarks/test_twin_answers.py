"""The benchmark's write twins (benchmarks/speed_twins.py, speed_limit.py) answer the requests
the endpoints answer as the endpoints do, through the same middleware: the status for each
of these literal requests, and for those taken, the same stored rows. A twin measured against
an endpoint must do the endpoint's work, or the ratio flatters one side. The limit twins
read rows by raw SQL written for PostgreSQL, so they are compared there only."""

import json

import pytest
from django.test import override_settings

from connections.models import ConnectionRequest
from outreach.models import ChangeRequest
from tests.connections.conftest import request_url
from tests.factories import ChangeRequestWorld
from tests.seeds import OUTREACH_SEED_BODY_TEXT, SUPPLIER_CREATE_BODY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twin_routes")]

TWINS = ["plain", pytest.param("limit", marks=pytest.mark.postgres)]
CREATE_URLS = {
    "endpoint": request_url(),
    "plain": "/bench/plain/requests/create/",
    "limit": "/bench/limit/requests/create/",
}
OUTREACH_URLS = {
    "endpoint": "/api_accessacs_mobile/v2/12345/connections",
    "plain": "/bench/plain/outreach/12345/connections",
    "limit": "/bench/limit/outreach/12345/connections",
}


@pytest.fixture
def twin_routes():
    with override_settings(ROOT_URLCONF="benchmarks.speed_twins"):
        yield


def body_with(**fields) -> bytes:
    return json.dumps({**SUPPLIER_CREATE_BODY, **fields}).encode()


DOCS_BODY = json.dumps(SUPPLIER_CREATE_BODY).encode()
NEVER_FIRES = [{"type": "items", "update_frequency": "0 0 31 2 *"}]
CREATES = {
    "the docs' body": ("application/json", DOCS_BODY, 201),
    "in UTF-16, declared": (
        "application/json; charset=utf-16",
        DOCS_BODY.decode().encode("utf-16"),
        201,
    ),
    "the seeds' aliases": (
        "application/json",
        json.dumps(
            {
                "org_name": "  Thomas Perkins Co  ",
                "org_contact_full_name": "Roger Rabbit",
                "supplier_account_number": "TP-1",
                "requested_integrations": [
                    {"integration_type": "Orders", "time_zone": "Europe/Berlin", "rules": "r"}
                ],
            }
        ).encode(),
        201,
    ),
    "a number for a name": ("application/json", body_with(organization_name=42), 201),
    "labelled as text": ("text/plain", DOCS_BODY, 415),
    "not JSON": ("application/json", b"{organization_name:", 400),
    "NaN": ("application/json", DOCS_BODY.replace(b'"Roger Rabbit"', b"NaN"), 400),
    "a NUL in a name": ("application/json", body_with(organization_name="a\x00b"), 400),
    "two spellings of one field": ("application/json", body_with(org_name="Other"), 400),
    "a blank name": ("application/json", body_with(primary_contact_name="   "), 400),
    "a schedule that never fires": ("application/json", body_with(integrations=NEVER_FIRES), 400),
    "an unknown time zone": (
        "application/json",
        body_with(integrations=[{"type": "items", "time_zone": "Mars/Base"}]),
        400,
    ),
    "not an object": ("application/json", b"[1, 2]", 400),
}


def stored(connection_request: ConnectionRequest) -> tuple:
    integrations = connection_request.integrations.order_by("id").values_list(
        "integration_type", "update_frequency", "time_zone", "file_locations", "file_specs", "rules"
    )
    return (
        connection_request.counterpart_name,
        connection_request.contact_name,
        connection_request.contact_phone,
        connection_request.contact_email,
        connection_request.account_number,
        connection_request.additional_information,
        list(integrations),
    )


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("name", CREATES)
def test_the_create_twins_answer_as_the_endpoint(retailer_client, name, twin):
    content_type, body, status = CREATES[name]
    written = {}
    for variant in ("endpoint", twin):
        before = set(ConnectionRequest.objects.values_list("id", flat=True))
        response = retailer_client.generic(
            "POST", CREATE_URLS[variant], body, content_type=content_type
        )
        assert response.status_code == status, (variant, response.content)
        new = ConnectionRequest.objects.exclude(id__in=before)
        assert new.count() == (status == 201), variant
        written[variant] = [stored(row) for row in new]
    assert written[twin] == written["endpoint"]


@pytest.mark.parametrize("twin", TWINS)
def test_the_outreach_twins_read_the_apps_body_as_the_endpoint(basic_client, twin):
    """The vendor's app: JSON labelled as a form, in ISO-8859-1 without saying so."""
    world = ChangeRequestWorld.build()
    client = basic_client(world.caller.user.username)
    for variant in ("endpoint", twin):
        url, comment = OUTREACH_URLS[variant], f"Café ({variant})"
        body = OUTREACH_SEED_BODY_TEXT.replace('"Test"', json.dumps(comment, ensure_ascii=False))
        response = client.generic(
            "POST",
            url,
            body.encode("iso-8859-1"),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200, (variant, response.content)
        found = ChangeRequest.objects.get(site=world.site, number=int(response.content))
        assert found.payload["comment"] == comment
        refused = client.generic("POST", url, body.encode(), content_type="text/plain")
        assert refused.status_code == 415, (variant, refused.content)


@pytest.mark.parametrize("twin", TWINS)
def test_a_retry_by_idempotency_key_is_refused_by_the_twins(retailer_client, twin):
    """The endpoint answers a retry with its first answer and writes once; the twins keep no
    keys, so they refuse the key rather than write again (a 2xx that ignores the header)."""
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-once"}
    first, again = (
        retailer_client.post(
            CREATE_URLS["endpoint"], DOCS_BODY, content_type="application/json", **headers
        )
        for _ in range(2)
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    before = ConnectionRequest.objects.count()
    refused = retailer_client.post(
        CREATE_URLS[twin], DOCS_BODY, content_type="application/json", **headers
    )
    assert refused.status_code == 400, refused.content
    assert ConnectionRequest.objects.count() == before
