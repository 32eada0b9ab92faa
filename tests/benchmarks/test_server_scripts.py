"""The wrk scripts of `speed.py --server` send the writes they stand for: the method, the
caller's Authorization, a JSON Content-Type and the body, and for a numbered body a number of
each request's own (the outreach POST creates a change request per call only if no two
comments are the same). Checked against a small HTTP server that keeps what it was sent."""

import http.client
import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.speed_server import NUMBER_MARK, Target, _send, _wrk
from tests.seeds import OUTREACH_SEED_BODY_TEXT, SUPPLIER_CREATE_BODY

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")

AUTHORIZATION = "Basic c3BlZWQ6c2VjcmV0"


@pytest.fixture
def received():
    """The requests a local server was sent: (method, path, headers, body), each answered
    201."""
    kept: list[tuple[str, str, dict, bytes]] = []

    class Keeper(BaseHTTPRequestHandler):
        def _keep(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            kept.append((self.command, self.path, dict(self.headers), body))
            self.send_response(201)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_POST = do_PATCH = _keep

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keeper)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", kept
    finally:
        server.shutdown()
        server.server_close()


def sent(received, target: Target) -> list[tuple[str, str, dict, bytes]]:
    base, kept = received
    _wrk(base, target, 1)
    assert len(kept) > 10, kept
    for method, path, headers, _ in kept:
        assert (method, path) == (target.method, target.path)
        assert headers["Authorization"] == target.authorization
        assert headers["Content-Type"] == "application/json"
    return kept


def test_a_write_sends_its_body(received):
    body = json.dumps(SUPPLIER_CREATE_BODY)
    for *_, sent_body in sent(received, Target("/create/", AUTHORIZATION, "POST", body)):
        assert sent_body == body.encode()


def test_a_patch_is_a_patch(received):
    body = json.dumps({"contact_full_name": "Roger Rabbit"})
    for *_, sent_body in sent(received, Target("/request/", AUTHORIZATION, "PATCH", body)):
        assert sent_body == body.encode()


def test_a_numbered_body_differs_in_every_request(received):
    body = OUTREACH_SEED_BODY_TEXT.replace('"Comment": "Test"', f'"Comment": "{NUMBER_MARK}"')
    target = Target("/connections", AUTHORIZATION, "POST", body, numbered=True)
    comments = []
    for *_, sent_body in sent(received, target):
        values = json.loads(sent_body)
        comments.append(values.pop("Comment"))
        expected = json.loads(OUTREACH_SEED_BODY_TEXT)
        del expected["Comment"]
        assert values == expected
    assert len(set(comments)) == len(comments)


def test_a_refused_write_fails_the_block(received):
    base, _ = received
    with pytest.raises((AssertionError, subprocess.CalledProcessError)):
        _wrk(base, Target("/missing/", AUTHORIZATION, "DELETE", "{}"), 1)


def test_the_instruction_counts_send_what_wrk_sends(received):
    """`--server --instructions` sends its requests with http.client: the same method, path,
    Authorization, Content-Type and bytes as the wrk script (a numbered body numbered)."""
    base, kept = received
    body = OUTREACH_SEED_BODY_TEXT.replace('"Comment": "Test"', f'"Comment": "{NUMBER_MARK}"')
    numbered = Target("/connections", AUTHORIZATION, "POST", body, numbered=True)
    create = Target("/create/", AUTHORIZATION, "POST", json.dumps(SUPPLIER_CREATE_BODY))
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    _send(connection, numbered, "n-1")
    _send(connection, create, "unused")
    connection.close()
    (method, path, headers, sent_body), second = kept
    assert (method, path, headers["Authorization"]) == ("POST", "/connections", AUTHORIZATION)
    assert headers["Content-Type"] == "application/json"
    assert sent_body == body.replace(NUMBER_MARK, "n-1").encode()
    assert second[3] == json.dumps(SUPPLIER_CREATE_BODY).encode()
