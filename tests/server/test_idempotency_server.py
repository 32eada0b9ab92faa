"""Retries through the real server (gunicorn): a chunked body and its retry with a
Content-Length are one request under one Idempotency-Key; the vendor app's resend is one
change request."""

import base64
import http.client
import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

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


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="holds a row lock to keep the request running (DATABASE_URL=postgres://...)",
)
def test_a_worker_killed_mid_request_leaves_its_key_free_for_the_retry(server):
    """The PATCH waits on a row lock this test holds; its worker is SIGKILLed there. Nothing
    was committed but the claim, and the retry runs at once (no 409 until a timeout)."""
    import psycopg2

    url = f"/organizations/connections/request/{server.data['request_uuid']}/"
    body = json.dumps({"additional_information": "sent before the crash"}).encode()
    headers = {**JSON, "Idempotency-Key": "killed-mid-request"}
    holder = psycopg2.connect(server.env["DATABASE_URL"])
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM connections_connectionrequest WHERE uuid = %s FOR UPDATE",
                [server.data["request_uuid"]],
            )
        first = ThreadPoolExecutor(1).submit(server.request, "PATCH", url, body, headers=headers)
        _wait_for_a_lock_wait(server)
        workers = _workers(server.process.pid)
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
            first.result(timeout=20)
    finally:
        holder.rollback()
        holder.close()

    retry = server.request("PATCH", url, body, headers=headers)
    assert retry.status == 204, retry.body
    assert not retry.headers.get("Idempotent-Replayed")
    shown = server.request("GET", url).json()
    assert shown["additional_information"] == "sent before the crash"
    assert server.request("PATCH", url, body, headers=headers).headers["Idempotent-Replayed"]


def _wait_for_a_lock_wait(server) -> None:
    import psycopg2

    deadline = time.monotonic() + 15
    with psycopg2.connect(server.env["DATABASE_URL"]) as watcher, watcher.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            watcher.rollback()
            time.sleep(0.05)
    pytest.fail("the PATCH never reached the locked row")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]
