"""Retries arriving at once, on PostgreSQL (row locks; SQLite serialises writers anyway): one
Idempotency-Key executes once, and identical outreach change requests without a key store one."""

import json
import threading

import pytest
from django.db import connection as db_connection
from rest_framework.test import APIClient

from connections.models import ConnectionRequest
from outreach.models import ChangeRequest
from tests.conftest import basic_header, token_header
from tests.factories import ChangeRequestWorld
from tests.seeds import OUTREACH_SEED_BODY

THREADS = 4
CREATE = {"organization_name": "Road Runner Parts", "primary_contact_name": "Road Runner"}


def at_once(send) -> list:
    """`send(client)` from THREADS threads released together; their responses."""
    barrier = threading.Barrier(THREADS)
    responses = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            response = send()
        finally:
            db_connection.close()
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_four_times_at_once_creates_one_request(retailer_user):
    header = token_header(retailer_user)

    def send():
        client = APIClient()
        return client.post(
            "/organizations/connections/request/",
            json.dumps(CREATE),
            content_type="application/json",
            HTTP_AUTHORIZATION=header,
            HTTP_IDEMPOTENCY_KEY="one-key",
        )

    responses = at_once(send)

    assert ConnectionRequest.objects.count() == 1
    executed = [
        r for r in responses if r.status_code == 201 and not r.has_header("Idempotent-Replayed")
    ]
    assert len(executed) == 1
    created = executed[0].json()
    for response in responses:
        assert response.status_code in (201, 409)
        if response.status_code == 201:
            assert response.json() == created
        else:
            assert response.json()["code"] == "idempotency_key_in_use"
            assert response["Retry-After"] == "1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_identical_change_requests_at_once_store_one():
    world = ChangeRequestWorld.build()
    header = basic_header(world.caller.user.username, "password")

    def send():
        return APIClient().post(
            "/api_accessacs_mobile/v2/12345/connections",
            json.dumps(OUTREACH_SEED_BODY),
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=header,
        )

    responses = at_once(send)

    assert [r.status_code for r in responses] == [200] * THREADS
    assert len({r.json() for r in responses}) == 1
    assert ChangeRequest.objects.count() == 1
