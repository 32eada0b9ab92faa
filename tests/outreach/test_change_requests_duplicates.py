"""The vendor's app sends no Idempotency-Key: an identical change request from the same user
for the same connection within OUTREACH_DUPLICATE_WINDOW (10 minutes) answers the stored one."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach.models import ChangeRequest
from tests.seeds import OUTREACH_SEED_BODY

pytestmark = pytest.mark.django_db

URL = "/api_accessacs_mobile/v2/12345/connections"


def post(client, body):
    # as the vendor's app sends it: JSON labelled as a form, ApplicationId, no key
    return client.post(
        URL,
        json.dumps(body),
        content_type="application/x-www-form-urlencoded",
        HTTP_APPLICATIONID="app",
    )


def complete(connection, **fields):
    return {
        "ConnectionId": connection.number,
        "Complete": True,
        "ConnectionDate": "06/10/2015",
        "Reassign": False,
        "Comment": "Met them at the door.",
        "ResponseIdList": [-1],
        **fields,
    }


def test_a_resent_add_answers_the_same_id(world, caller):
    first, again = post(caller, OUTREACH_SEED_BODY), post(caller, OUTREACH_SEED_BODY)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == 1
    assert ChangeRequest.objects.count() == 1


def test_a_resent_change_of_a_connection_answers_the_same_id(world, caller):
    body = complete(world.connection)
    assert post(caller, body).json() == post(caller, body).json()
    assert ChangeRequest.objects.count() == 1


def test_a_different_body_is_a_new_change_request(world, caller):
    first = post(caller, complete(world.connection)).json()
    other = post(caller, complete(world.connection, Comment="Second visit")).json()
    assert (first, other) == (1, 2)


def test_another_user_sending_the_same_body_is_a_new_change_request(world, caller, admin):
    first = post(caller, OUTREACH_SEED_BODY).json()
    theirs = post(admin, OUTREACH_SEED_BODY)
    assert theirs.status_code == 200, theirs.content
    assert theirs.json() == first + 1


def test_after_the_window_the_same_body_is_a_new_change_request(world, caller, settings):
    first = post(caller, OUTREACH_SEED_BODY).json()
    ChangeRequest.objects.update(
        submitted_at=timezone.now() - settings.OUTREACH_DUPLICATE_WINDOW - timedelta(seconds=1)
    )
    assert post(caller, OUTREACH_SEED_BODY).json() == first + 1


def test_a_resend_after_the_first_was_applied_still_answers_its_id(world, caller, admin):
    first = post(caller, OUTREACH_SEED_BODY).json()
    assert (
        admin.post(f"/api_accessacs_mobile/v2/12345/changerequests/{first}/apply").status_code
        == 200
    )
    assert post(caller, OUTREACH_SEED_BODY).json() == first
    assert ChangeRequest.objects.count() == 1


def test_among_many_recent_proposals_the_database_finds_the_duplicate(world, caller):
    """The payloads are compared by the database: a resend of the first of many recent
    proposals answers its id, in as many queries as a POST after one proposal."""
    first = post(caller, complete(world.connection, Comment="visit 0")).json()
    with CaptureQueriesContext(connection) as after_one:
        post(caller, complete(world.connection, Comment="visit 1"))
    for index in range(2, 30):
        post(caller, complete(world.connection, Comment=f"visit {index}"))
    with CaptureQueriesContext(connection) as after_many:
        assert post(caller, complete(world.connection, Comment="visit 0")).json() == first
    assert len(after_many) <= len(after_one)
    assert ChangeRequest.objects.count() == 30
