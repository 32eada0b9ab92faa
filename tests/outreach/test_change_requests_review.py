"""The Administrators' review: list, detail, apply, reject, apply-all, and what apply does."""

import json
from datetime import date

import pytest

from outreach.choices import ChangeRequestKind, ChangeRequestStatus, SecurityRole
from outreach.models import ChangeRequest, Connection, ConnectionComment
from tests.factories import (
    ChangeRequestFactory,
    ConnectionCommentFactory,
    SiteMembershipFactory,
)
from tests.seeds import OUTREACH_SEED_BODY

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"


def submit(client, body) -> int:
    response = client.post(f"{BASE}/connections", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def change_body(connection: Connection, **fields) -> dict:
    body = {
        "ConnectionId": connection.number,
        "Complete": False,
        "ConnectionDate": "07/01/2015",
        "Reassign": False,
        "Comment": "Left a message",
        "ResponseIdList": [-1],
    }
    return {**body, **fields}


def apply(client, number: int):
    return client.post(f"{BASE}/changerequests/{number}/apply")


# --- apply, kind by kind ----------------------------------------------------------------


def test_seed_add_then_apply_creates_the_connection(world, caller, admin):
    number = submit(caller, OUTREACH_SEED_BODY)

    response = apply(admin, number)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["Status"] == "APPLIED"
    assert body["ReviewedBy"] == world.admin.user.username
    connection = Connection.objects.get(site=world.site, number=body["ConnectionId"])
    assert connection.connection_type == world.connection_type
    assert connection.contact.number == 76
    assert connection.team.number == 1
    assert connection.caller is None
    assert connection.due_date == date(2015, 6, 5)
    assert not connection.completed
    assert connection.open_category == 1
    assert connection.version == 1
    assert list(connection.responses.all()) == []
    comment = connection.comments.get()
    assert (comment.text, comment.author) == ("Test", world.caller.user)
    history = connection.history.get()
    assert history.kind == ChangeRequestKind.ADD
    assert history.changed_by == world.admin.user
    assert history.change_request.number == number
    assert history.changes["TeamId"] == [None, 1]
    assert history.changes["DueDate"] == [None, "06/05/2015"]
    assert history.changes["Comment"] == [None, "Test"]


def test_apply_complete_appends_the_comment_and_replaces_responses(world, caller, admin):
    connection = world.connection
    old_comment = ConnectionCommentFactory(connection=connection, text="First call")
    connection.responses.set([world.responses[0]])
    number = submit(
        caller,
        change_body(connection, Complete=True, ConnectionDate="06/07/2015", ResponseIdList=[12]),
    )

    assert apply(admin, number).status_code == 200

    connection.refresh_from_db()
    assert connection.completed
    assert connection.completed_date == date(2015, 6, 7)
    assert connection.version == 2
    assert [r.number for r in connection.responses.all()] == [12]
    assert [c.text for c in connection.comments.order_by("created", "id")] == [
        old_comment.text,
        "Left a message",
    ]
    history = connection.history.get()
    assert history.kind == ChangeRequestKind.COMPLETE
    assert history.changes == {
        "Completed": [False, True],
        "CompletedDate": [None, "06/07/2015"],
        "ResponseIdList": [[11], [12]],
        "Comment": [None, "Left a message"],
    }


def test_apply_modify_moves_the_due_date(world, caller, admin):
    connection = world.connection
    number = submit(caller, change_body(connection, Comment=""))

    assert apply(admin, number).status_code == 200

    connection.refresh_from_db()
    assert connection.due_date == date(2015, 7, 1)
    assert not connection.completed
    assert connection.version == 2
    assert not connection.comments.exists()
    assert connection.history.get().changes == {"DueDate": ["06/01/2015", "07/01/2015"]}


def test_apply_reassign_moves_the_connection_to_a_caller(world, caller, admin):
    connection = world.connection
    body = change_body(connection, Reassign=True, NewCallerIndvId=77, NewTeamId=-1)
    number = submit(caller, body)

    assert apply(admin, number).status_code == 200

    detail = admin.get(f"{BASE}/changerequests/{number}").json()
    assert detail["Request"] == {**body, "NewTeamId": -1, "Complete": False}
    connection.refresh_from_db()
    assert (connection.caller.number, connection.team) == (77, None)
    assert connection.due_date == date(2015, 7, 1)
    assert connection.history.get().changes["CallerIndvId"] == [None, 77]
    assert connection.history.get().changes["TeamId"] == [1, None]


# --- conflicts ----------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["apply", "reject"])
@pytest.mark.parametrize("second", ["apply", "reject"])
def test_a_decided_change_request_is_409(world, caller, admin, first, second):
    number = submit(caller, OUTREACH_SEED_BODY)
    assert admin.post(f"{BASE}/changerequests/{number}/{first}").status_code == 200

    response = admin.post(f"{BASE}/changerequests/{number}/{second}")

    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    assert Connection.objects.filter(site=world.site).count() == (2 if first == "apply" else 1)


def test_a_connection_changed_since_submission_is_409_and_stays_pending(world, caller, admin):
    connection = world.connection
    first = submit(caller, change_body(connection, ConnectionDate="07/01/2015"))
    second = submit(caller, change_body(connection, ConnectionDate="08/01/2015"))
    assert apply(admin, first).status_code == 200

    response = apply(admin, second)

    assert response.status_code == 409
    assert response.json()["code"] == "stale_change_request"
    stale = ChangeRequest.objects.get(site=world.site, number=second)
    assert stale.status == ChangeRequestStatus.PENDING
    assert "changed since" in stale.failure_reason
    connection.refresh_from_db()
    assert (connection.due_date, connection.version) == (date(2015, 7, 1), 2)
    assert connection.comments.count() == 1


def test_an_add_whose_team_is_gone_is_409_and_stays_pending(world, caller, admin):
    number = submit(caller, OUTREACH_SEED_BODY)
    world.connection.delete()
    world.team.delete()

    response = apply(admin, number)

    assert response.status_code == 409
    assert ChangeRequest.objects.get(number=number).status == ChangeRequestStatus.PENDING
    assert not Connection.objects.filter(site=world.site).exists()


# --- reject, apply-all ---------------------------------------------------------------------


def test_reject_keeps_the_message_and_changes_nothing(world, caller, admin):
    number = submit(caller, change_body(world.connection))

    response = admin.post(
        f"{BASE}/changerequests/{number}/reject",
        {"Message": "Wrong family"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["Status"] == "REJECTED"
    assert response.json()["ReviewMessage"] == "Wrong family"
    world.connection.refresh_from_db()
    assert world.connection.version == 1
    assert not world.connection.history.exists()


def test_reject_message_must_be_a_string(world, caller, admin):
    number = submit(caller, OUTREACH_SEED_BODY)
    response = admin.post(f"{BASE}/changerequests/{number}/reject", {"Message": 3}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Message"]


def test_apply_all_reports_what_failed_and_why(world, caller, admin):
    connection = world.connection
    add = submit(caller, OUTREACH_SEED_BODY)
    first = submit(caller, change_body(connection, ConnectionDate="07/01/2015"))
    stale = submit(caller, change_body(connection, ConnectionDate="08/01/2015"))
    rejected = submit(caller, {**OUTREACH_SEED_BODY, "Comment": "Another one"})
    admin.post(f"{BASE}/changerequests/{rejected}/reject")

    response = admin.post(f"{BASE}/changerequests/apply")

    assert response.status_code == 200
    body = response.json()
    assert body["Applied"] == [add, first]
    assert [failure["ConnectionCRId"] for failure in body["Failed"]] == [stale]
    assert "changed since" in body["Failed"][0]["Reason"]
    assert ChangeRequest.objects.get(number=stale).status == ChangeRequestStatus.PENDING


# --- list and detail ----------------------------------------------------------------------


def test_detail_shows_the_submitted_fields_in_the_posts_names(world, caller, admin):
    number = submit(caller, OUTREACH_SEED_BODY)

    response = admin.get(f"{BASE}/changerequests/{number}")

    assert response.status_code == 200
    body = response.json()
    assert body["ConnectionCRId"] == number
    assert body["Kind"] == "ADD"
    assert body["Status"] == "PENDING"
    assert body["SubmittedBy"] == world.caller.user.username
    assert body["ConnectionId"] is None
    assert body["Request"] == OUTREACH_SEED_BODY


def test_list_filters_by_status_kind_and_submitter(world, caller, admin):
    added = submit(caller, OUTREACH_SEED_BODY)
    modified = submit(caller, change_body(world.connection))
    by_admin = submit(admin, OUTREACH_SEED_BODY)
    apply(admin, added)

    def numbers(query: str) -> list[int]:
        response = admin.get(f"{BASE}/changerequests?{query}")
        assert response.status_code == 200, response.content
        return [row["ConnectionCRId"] for row in response.json()["ChangeRequests"]]

    assert numbers("") == [by_admin, modified, added]
    assert numbers("status=PENDING") == [by_admin, modified]
    assert numbers("status=applied") == [added]
    assert numbers("kind=MODIFY") == [modified]
    assert numbers(f"submitter={world.admin.user.username}") == [by_admin]
    assert numbers(f"submitter={world.caller.user.username}&kind=ADD") == [added]


@pytest.mark.parametrize("query", ["status=DONE", "kind=DELETE", "limit=0", "start=-1"])
def test_list_rejects_bad_filters(world, admin, query):
    response = admin.get(f"{BASE}/changerequests?{query}")
    assert response.status_code == 400


def test_list_pages_with_start_and_limit(world, admin):
    ChangeRequestFactory.create_batch(5, site=world.site, connection=world.connection)
    response = admin.get(f"{BASE}/changerequests?start=1&limit=2")
    body = response.json()
    assert body["Pagination"] == {"TotalCount": 5, "Start": 1, "Limit": 2}
    assert [row["ConnectionCRId"] for row in body["ChangeRequests"]] == [4, 3]


@pytest.mark.parametrize("rows", [1, 100])
def test_list_runs_a_constant_number_of_queries(world, admin, django_assert_max_num_queries, rows):
    ChangeRequestFactory.create_batch(rows, site=world.site, connection=world.connection)
    ChangeRequestFactory.create_batch(rows, site=world.site, add=True)
    admin.get(f"{BASE}/changerequests")  # warms the credential cache

    # user (cached Basic), membership + its type rights, the throttle counter in the
    # database cache (6), count, page: the same at 2 rows and at 100
    with django_assert_max_num_queries(11):
        response = admin.get(f"{BASE}/changerequests?limit=100")

    assert response.status_code == 200
    assert len(response.json()["ChangeRequests"]) == min(2 * rows, 100)


def test_another_sites_change_request_is_404(world, basic_client):
    foreign = ChangeRequestFactory(site=world.other_site, connection=world.other_connection)
    local = ChangeRequestFactory(site=world.site, connection=world.connection)
    assert foreign.number == local.number
    other_admin = SiteMembershipFactory(
        site=world.other_site, security_role=SecurityRole.ADMINISTRATOR
    )
    response = basic_client(other_admin.user.username).post(
        f"{BASE}/changerequests/{local.number}/apply"
    )
    assert response.status_code == 404
    local.refresh_from_db()
    assert local.status == ChangeRequestStatus.PENDING


def test_unknown_change_request_is_404(world, admin):
    assert admin.get(f"{BASE}/changerequests/77").status_code == 404
    assert apply(admin, 77).status_code == 404


def test_comment_date_is_the_submission_time(world, caller, admin):
    number = submit(caller, OUTREACH_SEED_BODY)
    submitted_at = ChangeRequest.objects.get(number=number).submitted_at
    apply(admin, number)
    comment = ConnectionComment.objects.get(text="Test")
    assert comment.created == submitted_at


@pytest.mark.parametrize(
    "path",
    [
        "/api_accessacs_mobile/v2/12345/changerequests/{number}/",
        "/api_accesssacs_mobile/v2/12345/changerequests/{number}",
        "/api_accesssacs_mobile/v2/12345/changerequests/{number}/apply/",
    ],
)
def test_review_answers_with_the_slash_and_under_the_alias(world, caller, admin, path):
    number = submit(caller, OUTREACH_SEED_BODY)
    method = admin.post if path.endswith("apply/") else admin.get
    assert method(path.format(number=number)).status_code == 200


def test_apply_all_is_post_only(world, admin):
    assert admin.get(f"{BASE}/changerequests/apply").status_code == 405
