"""A half-filled or foreign Authorization header is refused saying what was expected, on
both APIs, with the API's own WWW-Authenticate challenge kept."""

import pytest

from tests.conftest import basic_header, token_header
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUPPLIER = ("/organizations/connections/request/", "Token")
OUTREACH = ("/api_accessacs_mobile/v2/12345/account", 'Basic realm="connect-api"')


@pytest.mark.parametrize(("path", "challenge"), [SUPPLIER, OUTREACH])
@pytest.mark.parametrize(
    ("header", "said"),
    [
        ("Token", "no key after `Token`; expected `Token <key>`"),
        ("Token  ", "no key after `Token`; expected `Token <key>`"),
        ("token", "no key after `Token`; expected `Token <key>`"),
        ("Token abc def", "the key contains spaces; expected `Token <key>`"),
        ("Bearer 0123456789abcdef", "scheme `Bearer`: expected `Token <key>` (or HTTP Basic)"),
        ("Bearer", "scheme `Bearer`: expected `Token <key>` (or HTTP Basic)"),
        ("JWT x.y.z", "scheme `JWT`: expected `Token <key>` (or HTTP Basic)"),
    ],
)
def test_a_half_filled_or_foreign_header_says_what_was_expected(
    api_client, path, challenge, header, said
):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == challenge
    body = response.json()
    assert said in body["detail"]
    assert body["code"] == "authentication_failed"
    assert "not provided" not in body["detail"]


@pytest.mark.parametrize(("path", "challenge"), [SUPPLIER, OUTREACH])
def test_no_header_still_says_not_provided(api_client, path, challenge):
    response = api_client.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == challenge
    assert response.json()["code"] == "not_authenticated"


def test_a_long_foreign_scheme_is_quoted_cut_short(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="X" * 500 + " key")
    detail = api_client.get(SUPPLIER[0]).json()["detail"]

    assert len(detail) < 120
    assert "expected `Token <key>`" in detail


def test_token_and_basic_still_work_on_the_supplier_api(api_client):
    user = UserFactory(username="halfway")
    for header in (token_header(user), basic_header("halfway", "password")):
        api_client.credentials(HTTP_AUTHORIZATION=header)
        # No organization: authenticated, then the list is the caller's own (empty) rows.
        assert api_client.get(SUPPLIER[0]).status_code == 200
