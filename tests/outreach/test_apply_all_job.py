"""`POST <site>/changerequests/apply`: synchronous up to OUTREACH_APPLY_ALL_SYNC_MAX pending,
a job beyond (202 + the job to poll at /jobs/<uuid>; the queue runs it immediately in tests)."""

import json

import pytest

from connect_api.models import Job
from outreach.choices import ChangeRequestStatus
from outreach.models import ChangeRequest
from tests.seeds import OUTREACH_SEED_BODY

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"


def submit(client, body) -> int:
    """Each call a new proposal (an identical one within minutes is the same change request)."""
    submit.count += 1
    body = {**body, "Comment": f"{body['Comment']} #{submit.count}"}
    response = client.post(f"{BASE}/connections", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


submit.count = 0


def test_up_to_the_limit_it_answers_at_once(world, caller, admin, settings):
    settings.OUTREACH_APPLY_ALL_SYNC_MAX = 3
    numbers = [submit(caller, OUTREACH_SEED_BODY) for _ in range(3)]
    response = admin.post(f"{BASE}/changerequests/apply")
    assert response.status_code == 200
    assert response.json() == {"Applied": numbers, "Failed": []}
    assert not Job.objects.exists()


def test_beyond_the_limit_it_answers_202_with_a_job_to_poll(
    world, caller, admin, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_APPLY_ALL_SYNC_MAX = 2
    numbers = [submit(caller, OUTREACH_SEED_BODY) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = admin.post(f"{BASE}/changerequests/apply")
    assert accepted.status_code == 202
    job = accepted.json()
    assert job["status"] == "QUEUED" and job["result"] is None
    assert accepted["Location"] == f"/jobs/{job['id']}"

    polled = admin.get(accepted["Location"])
    assert polled.status_code == 200
    done = polled.json()
    assert done["status"] == "SUCCEEDED"
    assert done["name"] == "outreach.change_requests_apply_all"
    assert done["result"] == {"Applied": numbers, "Failed": []}
    assert done["started"] and done["finished"] and done["error"] is None
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {
        ChangeRequestStatus.APPLIED
    }


def test_only_the_starter_polls_the_job(world, caller, admin, settings):
    settings.OUTREACH_APPLY_ALL_SYNC_MAX = 0
    submit(caller, OUTREACH_SEED_BODY)
    accepted = admin.post(f"{BASE}/changerequests/apply")
    assert accepted.status_code == 202
    assert caller.get(accepted["Location"]).status_code == 404
    assert admin.get(accepted["Location"]).status_code == 200


def test_the_job_reports_failures_as_the_synchronous_answer_does(
    world, caller, admin, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_APPLY_ALL_SYNC_MAX = 0
    connection = world.connection
    body = {
        "ConnectionId": connection.number,
        "Complete": False,
        "Reassign": False,
        "Comment": "",
        "ResponseIdList": [-1],
    }
    first = submit(caller, {**body, "ConnectionDate": "07/01/2015"})
    stale = submit(caller, {**body, "ConnectionDate": "08/01/2015"})
    with django_capture_on_commit_callbacks(execute=True):
        accepted = admin.post(f"{BASE}/changerequests/apply")
    result = admin.get(accepted["Location"]).json()["result"]
    assert result["Applied"] == [first]
    assert [failure["ConnectionCRId"] for failure in result["Failed"]] == [stale]


def test_unknown_job_is_404(world, admin):
    assert admin.get("/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_queue_down_is_503_naming_it_and_the_job_says_so(world, caller, admin, settings):
    """The queue's Redis refusing connections (a real redis client, a closed port): the change
    requests were still accepted (their events wait for the sweep); the job cannot start."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage

    from tests.ops.conftest import closed_port

    settings.OUTREACH_APPLY_ALL_SYNC_MAX = 2
    [submit(caller, OUTREACH_SEED_BODY) for _ in range(3)]
    unreachable = RedisStorage(HUEY.name, url=f"redis://127.0.0.1:{closed_port()}/0")
    original = HUEY.storage, HUEY._immediate
    HUEY.storage, HUEY._immediate = unreachable, False
    try:
        assert submit(caller, OUTREACH_SEED_BODY)  # its event is deferred, not a failure
        refused = admin.post(f"{BASE}/changerequests/apply")
    finally:
        HUEY.storage, HUEY._immediate = original
    assert refused.status_code == 503, refused.content
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["dependency"] == "queue"
    job = Job.objects.get()
    assert (job.status, job.error) == ("FAILED", "QueueUnavailable")
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {
        ChangeRequestStatus.PENDING
    }
