"""ETag / Last-Modified on a connection request's detail; If-None-Match -> 304; a PATCH with
a stale If-Match -> 412 with nothing changed."""

import pytest

from tests.connections.conftest import request_url

pytestmark = pytest.mark.django_db


def test_the_detail_carries_an_etag_and_last_modified(retailer_client, pending_request):
    response = retailer_client.get(request_url(pending_request))
    assert response.status_code == 200
    assert response["ETag"].startswith('"1.')
    assert response["Last-Modified"].endswith("GMT")


def test_if_none_match_with_the_current_etag_is_304_without_a_body(
    retailer_client, pending_request
):
    etag = retailer_client.get(request_url(pending_request))["ETag"]
    response = retailer_client.get(request_url(pending_request), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_after_a_change_the_old_etag_gets_the_new_body(retailer_client, pending_request):
    url = request_url(pending_request)
    etag = retailer_client.get(url)["ETag"]
    retailer_client.patch(url, {"additional_information": "new"}, format="json")

    response = retailer_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["additional_information"] == "new"
    assert response["ETag"] != etag and response["ETag"].startswith('"2.')


def test_patch_with_the_current_if_match_is_204(retailer_client, pending_request):
    url = request_url(pending_request)
    etag = retailer_client.get(url)["ETag"]
    response = retailer_client.patch(
        url, {"additional_information": "mine"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 204
    pending_request.refresh_from_db()
    assert pending_request.additional_information == "mine"


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(retailer_client, pending_request):
    url = request_url(pending_request)
    stale = retailer_client.get(url)["ETag"]
    retailer_client.patch(url, {"additional_information": "theirs"}, format="json")
    before = retailer_client.get(url).json()

    response = retailer_client.patch(
        url,
        {"additional_information": "mine", "integrations": [{"type": "item"}]},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "precondition_failed" and "If-Match" in body["errors"]
    assert retailer_client.get(url).json() == before
    pending_request.refresh_from_db()
    assert pending_request.version == 2


# "\u00b2" is a digit to str.isdigit() but not to int(): a version no request has
@pytest.mark.parametrize("header", ['"999.abc"', '"\u00b2.abc"', "*", '"1.x", "7.y"'])
def test_if_match_lists_and_star(retailer_client, pending_request, header):
    response = retailer_client.patch(
        request_url(pending_request),
        {"additional_information": "x"},
        format="json",
        HTTP_IF_MATCH=header,
    )
    assert response.status_code == (412 if header.endswith('.abc"') else 204)


def test_a_malformed_if_match_is_400_naming_it(retailer_client, pending_request):
    response = retailer_client.patch(
        request_url(pending_request),
        {"additional_information": "x"},
        format="json",
        HTTP_IF_MATCH="not an etag",
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


def test_withdraw_and_decisions_change_the_etag(retailer_client, staff_client, pending_request):
    url = request_url(pending_request)
    etag = retailer_client.get(url)["ETag"]
    staff_client.post(request_url(pending_request, "reject/"), {"reason": "no"}, format="json")
    assert retailer_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_another_tenants_request_is_404_whatever_the_headers(
    token_client, other_retailer_user, pending_request
):
    response = token_client(other_retailer_user).get(
        request_url(pending_request), HTTP_IF_NONE_MATCH="*"
    )
    assert response.status_code == 404
