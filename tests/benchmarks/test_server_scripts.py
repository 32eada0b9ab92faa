"""The wrk scripts of `speed.py --server` send the writes they stand for: the method, the
caller's Authorization, a JSON Content-Type and the body, and for a numbered body a number of
each request's own (the outreach POST creates a change request per call only if no two
comments are the same). Checked against a small HTTP server that keeps what it was sent."""

import http.client
import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.request_log import Logged, RequestLog, logged
from benchmarks.speed_server import (
    NUMBER_MARK,
    Target,
    _send,
    _wrk,
    interleaved_script,
    per_variant,
)
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

        do_POST = do_PATCH = do_GET = _keep

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


def test_an_interleaved_block_sends_every_variant_in_turns(received, tmp_path):
    """`--server --interleaved`: one wrk run sends each variant's request as its own script
    would (method, path, Authorization, Content-Type, body; a numbered body numbered), the
    variants in turns, so each is sent as often as the others (but for the turn wrk stops in
    and the requests in flight)."""
    base, kept = received
    body = OUTREACH_SEED_BODY_TEXT.replace('"Comment": "Test"', f'"Comment": "{NUMBER_MARK}"')
    targets = {
        "endpoint": Target("/connections", AUTHORIZATION, "POST", body, numbered=True),
        "plain": Target("/plain/create/", "Token abc", "POST", json.dumps(SUPPLIER_CREATE_BODY)),
        "limit": Target("/limit/request/", "Token def", "PATCH", '{"a": 1}'),
        "read": Target("/read/", "Token ghi"),
    }
    script = tmp_path / "interleaved.lua"
    script.write_text(interleaved_script(targets, seed=7))
    subprocess.run(
        ["wrk", "-t1", "-c2", "-d1s", "-s", str(script), base + "/"],
        check=True,
        capture_output=True,
    )
    by_path = {target.path: target for target in targets.values()}
    counts = dict.fromkeys(by_path, 0)
    comments = []
    for method, path, headers, sent_body in kept:
        target = by_path[path]
        counts[path] += 1
        assert (method, headers["Authorization"]) == (target.method, target.authorization)
        if target.body is None:
            assert sent_body == b"" and "Content-Type" not in headers
            continue
        assert headers["Content-Type"] == "application/json"
        if target.numbered:
            values = json.loads(sent_body)
            comments.append(values.pop("Comment"))
            assert sent_body == body.replace(NUMBER_MARK, comments[-1]).encode()
        else:
            assert sent_body == target.body.encode()
    assert min(counts.values()) > 10, counts
    assert max(counts.values()) - min(counts.values()) <= 3, counts
    assert len(set(comments)) == len(comments)


def _spin(seconds: float) -> None:
    """CPU spent in this thread, as a worker spends it between two requests' applications."""
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        pass


def test_each_request_is_logged_with_its_cost_in_the_worker(tmp_path):
    """The worker's line (benchmarks/request_log.py): written when the answer is closed, with
    the application's CPU and the worker's (which has what it spent since the previous
    request's line: a request's connection and parsing), read once, added up per variant; a
    refused request fails the block."""

    def app(environ, start_response):
        start_response(environ["answer"], [("Content-Type", "application/json")])
        return [b"{}"]

    application = logged(app, str(tmp_path))
    log = RequestLog(str(tmp_path))
    seen = []
    answers = [("/e/", "201 Created"), ("/p/", "201 Created"), ("/e/", "200 OK")]
    for index, (path, answer) in enumerate(answers):
        _spin(0.02)  # the worker's own work before the application is called
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "answer": answer}
        body = application(environ, lambda status, headers, exc_info=None: None)
        assert b"".join(body) == b"{}"
        seen += log.new_lines()
        assert len(seen) == index  # this request's line comes with the answer's close()
        body.close()
    lines = seen + log.new_lines()
    assert [line[:3] for line in lines] == [
        ("POST", "/e/", 201),
        ("POST", "/p/", 201),
        ("POST", "/e/", 200),
    ]
    assert all(0 <= line.cpu < 10**7 and line.wall > 0 for line in lines)
    first, *later = lines
    assert first.worker_cpu == first.cpu  # no previous request
    assert all(line.worker_cpu - line.cpu >= 2 * 10**7 for line in later)
    assert log.new_lines() == []
    targets = {
        "endpoint": Target("/e/", "x", "POST", "{}"),
        "plain": Target("/p/", "x", "POST", "{}"),
    }
    costs = per_variant(targets, lines)
    assert (costs["endpoint"].requests, costs["plain"].requests) == (2, 1)
    assert costs["plain"].worker_cpu == later[0].worker_cpu / 1e6
    with pytest.raises(AssertionError):
        per_variant(targets, [Logged("POST", "/e/", 409, 1, 1, 1)])
