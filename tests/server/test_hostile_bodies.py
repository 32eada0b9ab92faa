"""Through the real server (gunicorn), every operation that takes a JSON body refuses the
largest list body under the cap (the server's is 64 KB: 32,000 items) as a 400 naming the
field: the value budget stops reading it early (benchmarks/refusal_cost.py measures the cost
at the 2 MB default cap)."""

import base64
import json

from tests.server.test_hostile_credentials import _operations


def _longest_list_body(limit: int) -> bytes:
    head, tail = b'{"hostile":[', b"0]}"
    return head + b"0," * ((limit - len(head) - len(tail)) // 2) + tail


def test_every_json_body_operation_refuses_the_longest_list_naming_the_field(server):
    body = _longest_list_body(int(server.env["MAX_BODY_BYTES"]))
    assert body.count(b",") > 30_000
    basic = base64.b64encode(f"{server.data['outreach_username']}:password".encode()).decode()
    refused = []
    for method, path, operation in _operations(server):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        auth = f"Basic {basic}" if path.startswith("/api_accessacs_mobile/") else "token"
        response = server.request(
            method,
            path,
            body,
            headers={"Content-Type": "application/json", "ApplicationId": "hostile"},
            auth=auth,
        )
        # refused for the body, or for the caller or the object before the body is read
        assert response.status in (400, 403, 404), (method, path, response.body[:300])
        if response.status == 400:
            errors = json.loads(response.body)["errors"]
            assert errors == {
                "hostile": ["Too many values: a request body may hold at most 10000."]
            }, (method, path)
            refused.append(f"{method} {path}")
    # the logins, creates and settings of both APIs; the rest name no object of the caller's
    assert len(refused) >= 12, refused
