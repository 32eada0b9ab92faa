"""The site's Administrators review the comments the app submits (comment change requests):
list, one, apply (the comment is written, numbered per site), reject; twice is 409."""

import pytest

from outreach import demo
from outreach.models import IndividualComment
from tests.outreach.test_vendor_directory import APP_COMMENT, SITE, V2, _post_comment, app_client

pytestmark = pytest.mark.django_db

REVIEW = f"{SITE}/commentchangerequests"


@pytest.fixture
def submitted(db):
    demo.seed_lookups()
    caller = app_client()
    return [
        _post_comment(caller, APP_COMMENT).json(),
        _post_comment(caller, {**APP_COMMENT, "Comment": "Family note", "FamilyComment": 1}).json(),
    ]


@pytest.fixture
def reviewer(submitted):
    return app_client(*demo.ADMINISTRATOR)


def test_administrators_list_them_newest_first(reviewer, submitted):
    page = reviewer.get(f"{REVIEW}?pageIndex=0").json()
    assert [item["CommentCRId"] for item in page["Page"]] == submitted[::-1]
    first = page["Page"][1]
    assert first["Status"] == "PENDING" and first["IndvId"] == 76 and first["CommentKeys"] == []
    assert first["SubmittedBy"] == "jadams" and first["FamilyComment"] is False
    assert reviewer.get(f"{REVIEW}?status=applied").json()["Page"] == []


def test_applying_writes_the_comment_and_a_second_decision_is_409(reviewer, submitted):
    response = reviewer.post(f"{REVIEW}/{submitted[1]}/apply")
    assert response.status_code == 200
    body = response.json()
    assert body["Status"] == "APPLIED" and body["ReviewedBy"] == demo.ADMINISTRATOR[0]
    written = IndividualComment.objects.filter(number__in=body["CommentKeys"])
    assert sorted(written.values_list("individual__number", flat=True)) == [76, 77]
    assert reviewer.post(f"{REVIEW}/{submitted[1]}/apply").status_code == 409
    assert reviewer.post(f"{REVIEW}/{submitted[1]}/reject").status_code == 409


def test_rejecting_keeps_the_message_and_writes_nothing(reviewer, submitted):
    response = reviewer.post(f"{REVIEW}/{submitted[0]}/reject", {"Message": "Dup"}, format="json")
    assert response.status_code == 200
    assert response.json()["Status"] == "REJECTED" and response.json()["ReviewMessage"] == "Dup"
    assert not IndividualComment.objects.filter(text=APP_COMMENT["Comment"]).exists()


def test_only_administrators_review(submitted):
    caller = app_client()
    response = caller.get(f"{REVIEW}?pageIndex=0")
    assert response.status_code == 403
    assert caller.post(f"{REVIEW}/{submitted[0]}/apply").status_code == 403


def test_another_sites_administrator_does_not_find_them(submitted):
    hillside = app_client(*demo.OTHER_SITE_ADMINISTRATOR)
    assert hillside.get(f"{V2}/54321/commentchangerequests/{submitted[0]}").status_code == 404
    assert (
        hillside.post(f"{V2}/54321/commentchangerequests/{submitted[0]}/apply").status_code == 404
    )


def test_a_bad_status_filter_is_400_naming_it(reviewer):
    response = reviewer.get(f"{REVIEW}?status=maybe")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
