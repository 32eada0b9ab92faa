"""`Idempotency-Key` on POST and PATCH of both APIs, through HTTP with real credentials."""

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.views import APIView

from connect_api import tasks
from connect_api.idempotency import IdempotentMixin, KeyLock
from connect_api.models import IdempotencyKey
from connect_api.views import TokenLogoutView, TokenObtainView
from connections.models import ConnectionRequest
from organizations.api.views import PublicApiMixin
from outreach.models import ChangeRequest
from tests.connections.conftest import request_url
from tests.factories import ChangeRequestWorld, ConnectionRequestFactory, IntegrationFactory
from tests.seeds import OUTREACH_SEED_BODY
from tests.uploads.conftest import CSV, UPLOAD_URL, raw_multipart
from uploads.models import Upload

pytestmark = pytest.mark.django_db

CREATE = {
    "organization_name": "Road Runner Parts",
    "primary_contact_name": "Road Runner",
    "integrations": [{"type": "orders", "update_frequency": "0 2 * * *"}],
}
OUTREACH = "/api_accessacs_mobile/v2/12345/connections"


@pytest.fixture
def pending_request(retailer):
    connection_request = ConnectionRequestFactory(requester=retailer)
    IntegrationFactory(request=connection_request)
    return connection_request


@pytest.fixture
def world(db) -> ChangeRequestWorld:
    return ChangeRequestWorld.build()


@pytest.fixture
def caller(world, basic_client):
    return basic_client(world.caller.user.username)


def post_json(client, url, body, key=None, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_retried_create_answers_the_first_answer_and_creates_nothing(retailer_client):
    first = post_json(retailer_client, request_url(), CREATE, key="create-1")
    retry = post_json(retailer_client, request_url(), CREATE, key="create-1")

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert ConnectionRequest.objects.count() == 1


def test_without_a_key_every_post_is_its_own(retailer_client):
    post_json(retailer_client, request_url(), CREATE)
    post_json(retailer_client, request_url(), CREATE)
    assert ConnectionRequest.objects.count() == 2


def test_the_body_is_compared_as_parsed_not_as_bytes(retailer_client):
    post_json(retailer_client, request_url(), CREATE, key="k")
    reordered = json.dumps(dict(reversed(list(CREATE.items()))), indent=4)
    retry = retailer_client.post(
        request_url(), reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert ConnectionRequest.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_changes_nothing(retailer_client):
    post_json(retailer_client, request_url(), CREATE, key="k")
    other = post_json(retailer_client, request_url(), {**CREATE, "organization_name": "X"}, key="k")

    assert other.status_code == 422
    body = other.json()
    assert body["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in body["errors"]
    assert ConnectionRequest.objects.count() == 1


def test_the_same_key_on_another_path_is_422(retailer_client, pending_request):
    retailer_client.patch(
        request_url(pending_request),
        {"additional_information": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    response = post_json(retailer_client, request_url(), CREATE, key="k")
    assert response.status_code == 422
    assert not ConnectionRequest.objects.exclude(pk=pending_request.pk).exists()


def test_a_key_never_crosses_users(retailer_client, token_client, other_retailer_user):
    other_client = token_client(other_retailer_user)
    mine = post_json(retailer_client, request_url(), CREATE, key="shared-key")
    theirs = post_json(other_client, request_url(), CREATE, key="shared-key")

    assert mine.status_code == theirs.status_code == 201
    assert not theirs.has_header("Idempotent-Replayed")
    assert mine.json()["request_uuid"] != theirs.json()["request_uuid"]
    assert ConnectionRequest.objects.count() == 2
    # and the other user's key does not answer for mine
    assert post_json(retailer_client, request_url(), CREATE, key="shared-key").content == (
        mine.content
    )


def test_a_retried_patch_is_replayed_and_applied_once(retailer_client, pending_request):
    url = request_url(pending_request)
    for _ in range(3):
        response = retailer_client.patch(
            url, {"integrations": [{"type": "item"}]}, format="json", HTTP_IDEMPOTENCY_KEY="p"
        )
        assert response.status_code == 204
        assert response.content == b""
    assert response["Idempotent-Replayed"] == "true"
    assert not response.has_header("Content-Type")
    pending_request.refresh_from_db()
    assert pending_request.integrations.count() == 2  # one added, not three
    assert pending_request.version == 2


def test_an_error_answer_is_replayed_too(retailer_client):
    bad = {**CREATE, "integrations": [{"type": "orders", "update_frequency": "every day"}]}
    first = post_json(retailer_client, request_url(), bad, key="bad")
    retry = post_json(retailer_client, request_url(), bad, key="bad")
    assert first.status_code == retry.status_code == 400
    assert retry.json() == first.json()


def test_the_outreach_form_labelled_json_is_replayed(world, caller):
    def send():
        return caller.post(
            OUTREACH,
            json.dumps(OUTREACH_SEED_BODY),
            content_type="application/x-www-form-urlencoded",
            HTTP_APPLICATIONID="demo-app",
            HTTP_IDEMPOTENCY_KEY="cr-1",
        )

    first, retry = send(), send()
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert ChangeRequest.objects.count() == 1


def test_a_retried_upload_with_a_new_multipart_boundary_stores_one_file(retailer_client):
    body, content_type = raw_multipart(("file", "items.csv", CSV), ("filename", None, b"Items"))
    first = retailer_client.post(
        UPLOAD_URL, data=body, content_type=content_type, HTTP_IDEMPOTENCY_KEY="u"
    )
    rebounded = body.replace(b"connect-api-test-boundary", b"another-boundary-of-a-retry")
    retry = retailer_client.post(
        UPLOAD_URL,
        data=rebounded,
        content_type=content_type.replace(
            "connect-api-test-boundary", "another-boundary-of-a-retry"
        ),
        HTTP_IDEMPOTENCY_KEY="u",
    )
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert Upload.objects.count() == 1

    other_bytes, _ = raw_multipart(
        ("file", "items.csv", CSV + b"C-3,1\n"), ("filename", None, b"Items")
    )
    changed = retailer_client.post(
        UPLOAD_URL, data=other_bytes, content_type=content_type, HTTP_IDEMPOTENCY_KEY="u"
    )
    assert changed.status_code == 422
    assert Upload.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "a b"])
def test_a_malformed_key_is_400_naming_the_header(retailer_client, key):
    response = retailer_client.post(
        request_url(),
        json.dumps(CREATE),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not ConnectionRequest.objects.exists()


@contextmanager
def running_elsewhere(user, key: str):
    """The key's lock held as by a request still running in another worker: on PostgreSQL on
    another database session, else in this process (the tests' in-memory database)."""
    lock = KeyLock(user=user, key=key)
    if db_connection.vendor != "postgresql":
        assert lock.acquire()
        try:
            yield
        finally:
            lock.release()
        return
    other = db_connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock._id])
            assert cursor.fetchone()[0]
        yield
    finally:
        other.close()


def test_while_the_first_request_runs_a_retry_gets_409_with_retry_after(
    retailer_client, retailer_user
):
    post_json(retailer_client, request_url(), CREATE, key="busy")
    IdempotencyKey.objects.update(status_code=None)  # as while the first is still running

    with running_elsewhere(retailer_user, "busy"):
        response = post_json(retailer_client, request_url(), CREATE, key="busy")
        other_body = post_json(retailer_client, request_url(), {"x": 1}, key="busy")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_use"
    assert response["Retry-After"] == "1"
    assert other_body.status_code == 422
    assert ConnectionRequest.objects.count() == 1


def test_a_claim_whose_request_no_longer_runs_is_taken_over_at_once(retailer_client):
    """Its worker was killed: nothing was committed but the claim, and no one holds the lock."""
    post_json(retailer_client, request_url(), CREATE, key="orphan")
    ConnectionRequest.objects.all().delete()
    IdempotencyKey.objects.update(status_code=None, content=b"")

    retry = post_json(retailer_client, request_url(), CREATE, key="orphan")
    assert retry.status_code == 201 and not retry.has_header("Idempotent-Replayed")
    assert ConnectionRequest.objects.count() == 1


def test_after_24_hours_the_key_is_new_again(retailer_client):
    post_json(retailer_client, request_url(), CREATE, key="old")
    IdempotencyKey.objects.update(created=timezone.now() - timedelta(hours=25))
    again = post_json(retailer_client, request_url(), CREATE, key="old")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert ConnectionRequest.objects.count() == 2


def test_the_purge_job_deletes_keys_older_than_24_hours(retailer_client):
    post_json(retailer_client, request_url(), CREATE, key="old")
    post_json(retailer_client, request_url(), {**CREATE, "organization_name": "B"}, key="new")
    IdempotencyKey.objects.filter(key="old").update(created=timezone.now() - timedelta(hours=25))

    tasks.purge_expired_idempotency_keys()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_purge_job_is_periodic():
    from huey.contrib.djhuey import HUEY

    assert "purge_expired_idempotency_keys" in {t.name for t in HUEY._registry.periodic_tasks}


def test_unauthenticated_requests_claim_nothing(api_client):
    response = post_json(api_client, request_url(), CREATE, key="anon")
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_token_login_is_not_replayed_its_token_is_stored_nowhere(api_client, retailer_user):
    retailer_user.set_password("pw-for-login")
    retailer_user.save()
    body = {"username": retailer_user.username, "password": "pw-for-login"}
    first = post_json(api_client, "/api/token/", body, key="login")
    second = post_json(api_client, "/api/token/", body, key="login")
    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"]
    assert not IdempotencyKey.objects.exists()


def test_a_withdrawn_request_patch_retry_gives_the_same_422(retailer_client, retailer):
    withdrawn = ConnectionRequestFactory(requester=retailer, status="WITHDRAWN")
    responses = [
        retailer_client.patch(
            request_url(withdrawn),
            {"additional_information": "x"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="w",
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [422, 422]
    assert responses[1]["Idempotent-Replayed"] == "true"


# Views taking POST or PATCH without Idempotency-Key, and why.
NOT_IDEMPOTENT = {
    TokenObtainView: "anonymous; its answer is a token, which must not be stored in clear",
    TokenLogoutView: "a retry is 401 anyway: the token it revokes is gone",
    PublicApiMixin: "anonymous (reset and set a password, accept an invitation): no user to "
    "key an answer on, and the mailed tokens are one-time anyway",
}


def _api_views(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _api_views(pattern.url_patterns)
            continue
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            actions = getattr(pattern.callback, "actions", None)
            methods = (
                {m.upper() for m in actions}
                if actions
                else {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
            )
            yield view_class, methods


def test_every_view_taking_post_or_patch_takes_an_idempotency_key():
    missing = sorted(
        {
            view_class.__name__
            for view_class, methods in _api_views(get_resolver().url_patterns)
            if methods & {"POST", "PATCH"}
            and not issubclass(view_class, IdempotentMixin)
            and not any(issubclass(view_class, exempt) for exempt in NOT_IDEMPOTENT)
        }
    )
    assert missing == []


def test_the_admin_lists_the_kept_answers(retailer_client, admin_client):
    post_json(retailer_client, request_url(), CREATE, key="seen-in-admin")
    listing = admin_client.get("/admin/connect_api/idempotencykey/")
    assert listing.status_code == 200
    assert b"seen-in-admin" in listing.content
    record = IdempotencyKey.objects.get()
    assert (
        admin_client.get(f"/admin/connect_api/idempotencykey/{record.pk}/change/").status_code
        == 200
    )
