"""The outreach connection's version as its ETag: 304 on GET, 412 on a stale change request."""

import json

import pytest

from outreach.models import ChangeRequest

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"


def complete(connection, comment="Met them."):
    return json.dumps(
        {
            "ConnectionId": connection.number,
            "Complete": True,
            "ConnectionDate": "06/10/2015",
            "Reassign": False,
            "Comment": comment,
            "ResponseIdList": [-1],
        }
    )


def test_get_connection_has_an_etag_and_answers_304_while_current(world, caller):
    url = f"{BASE}/connections/{world.connection.number}"
    first = caller.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith(f'"{world.connection.version}.')

    again = caller.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_an_applied_change_moves_the_etag(world, caller, admin):
    url = f"{BASE}/connections/{world.connection.number}"
    etag = caller.get(url)["ETag"]
    number = caller.post(
        f"{BASE}/connections", complete(world.connection), content_type="application/json"
    ).json()
    admin.post(f"{BASE}/changerequests/{number}/apply")

    response = caller.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["Completed"] is True


def test_a_change_request_with_the_current_if_match_is_stored(world, caller):
    etag = caller.get(f"{BASE}/connections/{world.connection.number}")["ETag"]
    response = caller.post(
        f"{BASE}/connections",
        complete(world.connection),
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    assert ChangeRequest.objects.count() == 1


def test_a_change_request_with_a_stale_if_match_is_412_and_stores_nothing(world, caller, admin):
    etag = caller.get(f"{BASE}/connections/{world.connection.number}")["ETag"]
    applied = caller.post(
        f"{BASE}/connections", complete(world.connection), content_type="application/json"
    ).json()
    admin.post(f"{BASE}/changerequests/{applied}/apply")

    response = caller.post(
        f"{BASE}/connections",
        complete(world.connection, comment="Again"),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert ChangeRequest.objects.count() == 1


def test_without_if_match_a_change_request_is_unconditional(world, caller):
    response = caller.post(
        f"{BASE}/connections", complete(world.connection), content_type="application/json"
    )
    assert response.status_code == 200
