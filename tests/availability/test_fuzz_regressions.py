"""What scripts/fuzz.py (schemathesis against the OpenAPI schema) found answering 5xx, each
pinned here as the client sent it."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "job_id",
    [
        "000000000000000000000000000000000000",  # 36 characters, not a UUID (was a 500)
        "------------------------------------",
        "00000000-0000-0000-0000-00000000000g",
    ],
)
def test_a_job_id_that_is_not_a_uuid_is_not_found(token_client, job_id):
    answer = token_client(UserFactory()).get(f"/jobs/{job_id}/")

    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_an_unknown_job_uuid_is_still_not_found(token_client):
    answer = token_client(UserFactory()).get("/jobs/00000000-0000-0000-0000-000000000000/")

    assert answer.status_code == 404
