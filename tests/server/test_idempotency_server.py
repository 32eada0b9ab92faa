"""Retries through the real server (gunicorn): a chunked body and its retry with a
Content-Length are one request under one Idempotency-Key; the vendor app's resend is one
change request."""

import base64
import json

from tests.seeds import OUTREACH_SEED_BODY
from tests.server.conftest import split

JSON = {"Content-Type": "application/json; charset=utf-8"}


def test_a_chunked_create_and_its_retry_with_content_length_make_one_request(server):
    body = json.dumps({"org_name": "Keyed Streamer", "org_contact_full_name": "Kay"}).encode()
    headers = {**JSON, "Idempotency-Key": "chunked-then-plain"}
    url = "/organizations/connections/request/"

    first = server.request("POST", url, chunks=split(body, 5), headers=headers)
    retry = server.request("POST", url, body=body, headers=headers)

    assert first.status == retry.status == 201, (first.body, retry.body)
    assert retry.body == first.body
    assert retry.headers["Idempotent-Replayed"] == "true"
    listed = server.request("GET", f"{url}?search=Keyed%20Streamer").json()
    assert listed["pagination"]["total_count"] == 1


def test_the_vendor_apps_resent_change_request_is_one(server):
    credentials = f"{server.data['outreach_username']}:password".encode()
    auth = "Basic " + base64.urlsafe_b64encode(credentials).decode()
    body = json.dumps({**OUTREACH_SEED_BODY, "Comment": "resent by the app"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "ApplicationId": "app"}
    url = f"/api_accessacs_mobile/v2/{server.data['outreach_site']}/connections"

    first = server.request("POST", url, chunks=split(body, 9), headers=headers, auth=auth)
    again = server.request("POST", url, body=body, headers=headers, auth=auth)

    assert first.status == again.status == 200, (first.body, again.body)
    assert first.json() == again.json()
