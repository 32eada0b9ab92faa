"""Credentials no account can have (a NUL, other control bytes, bytes that are not text) are
a 401 on every operation of the schema, through the real server: on PostgreSQL (run with
DATABASE_URL naming it) a NUL reaching a query would be a 500."""

import base64
import json

import pytest

BASIC_CREDENTIALS = {
    "nul in the username": b"us\x00er:password",
    "nul in the password": b"user:pass\x00word",
    "newline in the username": b"user\n:password",
    "escape in the username": b"\x1b[2Juser:password",
    "not utf-8": b"\xff\xfe\x00:\x00",
}
TOKENS = {
    "latin-1 bytes": b"abc\xe9def",
    "not utf-8": b"\xc3\x28\xa0\xa1",
    "punctuation": b"'; select 1; --",
}


def _operations(server):
    accept = {"Accept": "application/json"}
    schema = json.loads(server.request("GET", "/api/schema/", headers=accept, auth=None).body)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            concrete = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    value = _path_value(server, parameter)
                    concrete = concrete.replace("{" + parameter["name"] + "}", value)
            yield method.upper(), concrete, operation


def _path_value(server, parameter: dict) -> str:
    """A value the route's pattern accepts (the site number of the server's site)."""
    if parameter["name"] == "site_number":
        return str(server.data["outreach_site"])
    if parameter["schema"].get("format") == "uuid" or "uuid" in parameter["name"]:
        return "00000000-0000-4000-8000-000000000000"
    return "1"


def _authorization(scheme: bytes, credential: bytes) -> bytes:
    return b"Authorization: " + scheme + b" " + credential


def _send(server, method: str, path: str, authorization: bytes):
    raw = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n"
        "ApplicationId: hostile\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n"
    ).encode()
    return server.send(raw + authorization + b"\r\n\r\n{}")


@pytest.mark.parametrize(
    "authorization",
    [
        *(
            pytest.param(_authorization(b"Basic", base64.b64encode(value)), id=f"basic, {name}")
            for name, value in BASIC_CREDENTIALS.items()
        ),
        *(
            pytest.param(_authorization(b"Token", value), id=f"token, {name}")
            for name, value in TOKENS.items()
        ),
    ],
)
def test_unusable_credentials_are_401_on_every_operation(server, authorization):
    answers = {}
    for method, path, operation in _operations(server):
        response = _send(server, method, path, authorization)
        answers[f"{method} {path}"] = response.status
        assert response.status < 500, (method, path, response.body[:300])
        security = operation.get("security")
        # not the logins nor the anonymous calls (an empty requirement, {}: no credentials read)
        if security and {} not in security:
            assert response.status == 401, (method, path, response.body[:300])
            assert response.json()["detail"]
    assert len(answers) > 40


def test_a_raw_nul_in_the_header_is_refused_by_the_http_layer(server):
    """A NUL byte in a header value is not HTTP (RFC 9110, 5.5): gunicorn answers 400 before
    the application sees the request."""
    response = _send(server, "GET", "/organizations/", _authorization(b"Token", b"abc\x00def"))
    assert response.status == 400


def test_a_nul_in_the_basic_username_is_not_a_failed_login_that_locks_anyone_out(server):
    """Refused before any lookup: the real user at the same address still gets in."""
    site = server.data["outreach_site"]
    path = f"/api_accessacs_mobile/v2/{site}/types/connections"
    hostile = base64.b64encode(server.data["outreach_username"].encode() + b"\x00:password")
    for _ in range(12):
        assert _send(server, "GET", path, _authorization(b"Basic", hostile)).status == 401
    real = base64.b64encode(f"{server.data['outreach_username']}:password".encode())
    assert _send(server, "GET", path, _authorization(b"Basic", real)).status == 200
