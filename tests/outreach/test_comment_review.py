"""The site's Administrators review the comments the app submits (comment change requests):
list (paged by start/limit or the older pageIndex/pageSize), one, apply (the comment is
written, numbered per site), reject; twice is 409."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from outreach import demo
from outreach.models import IndividualComment
from tests.outreach.test_vendor_directory import APP_COMMENT, SITE, V2, _post_comment, app_client

pytestmark = pytest.mark.django_db

REVIEW = f"{SITE}/commentchangerequests"


@pytest.fixture
def submitted(demo_site):
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


def test_start_and_limit_page_them_as_the_change_requests_are(reviewer, submitted):
    body = reviewer.get(f"{REVIEW}?start=1&limit=1").json()
    assert list(body) == ["CommentChangeRequests", "Pagination"]
    assert body["Pagination"] == {"TotalCount": 2, "Start": 1, "Limit": 1}
    assert [item["CommentCRId"] for item in body["CommentChangeRequests"]] == [submitted[0]]
    older = reviewer.get(f"{REVIEW}?pageIndex=1&pageSize=1").json()
    assert older["Page"] == body["CommentChangeRequests"]
    applied = reviewer.get(f"{REVIEW}?limit=5&status=applied").json()
    assert applied == {
        "CommentChangeRequests": [],
        "Pagination": {"TotalCount": 0, "Start": 0, "Limit": 5},
    }


@pytest.mark.parametrize("query", ["", "?pageIndex=0", "?pageSize=25", "?status=pending"])
def test_without_start_or_limit_the_page_envelope_is_kept(reviewer, submitted, query):
    body = reviewer.get(f"{REVIEW}{query}").json()
    assert list(body) == ["Page", "PageIndex", "PageCount", "PageSize"]
    assert (body["PageIndex"], body["PageCount"], body["PageSize"]) == (0, 1, 25)
    assert [item["CommentCRId"] for item in body["Page"]] == submitted[::-1]


@pytest.mark.parametrize(
    "query, named",
    [
        ("start=0&pageIndex=0", ["pageIndex"]),
        ("limit=5&pageSize=5&pageIndex=0", ["pageIndex", "pageSize"]),
        ("start=-1", ["start"]),
        ("limit=0", ["limit"]),
    ],
)
def test_a_bad_or_mixed_paging_is_400_naming_it(reviewer, query, named):
    response = reviewer.get(f"{REVIEW}?{query}")
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == named


def test_the_schema_offers_both_spellings_on_the_list():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api_accessacs_mobile/v2/{site_number}/commentchangerequests/"]
    names = {parameter["name"] for parameter in operation["get"]["parameters"]}
    assert {"start", "limit", "pageIndex", "pageSize", "status"} <= names


@pytest.mark.parametrize("query", ["?start=0&limit=1", "?pageIndex=0", ""])
def test_each_envelope_is_one_of_those_the_schema_declares(reviewer, submitted, query):
    import jsonschema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api_accessacs_mobile/v2/{site_number}/commentchangerequests/"]
    content = operation["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    declared = {**content, "components": schema["components"]}

    jsonschema.validate(reviewer.get(f"{REVIEW}{query}").json(), declared)
