"""Chunked request bodies through the real server (gunicorn), over a raw socket.

Each request here is sent with `Transfer-Encoding: chunked` and no Content-Length, as Node's
`http.request` sends a body written with `request.write()`.
"""

import base64
import hashlib
import json

from tests.connections.conftest import SEED_INTEGRATION_UUID, SEED_REQUEST_UUID
from tests.seeds import OUTREACH_SEED_BODY_TEXT, SUPPLIER_SEED_PATCH_BODY
from tests.server.conftest import MAX_BODY_BYTES, UPLOAD_MAX_BYTES, chunked, split

JSON = {"Content-Type": "application/json; charset=utf-8"}


def request_path(server, suffix=""):
    return f"/organizations/connections/request/{server.data['request_uuid']}/{suffix}"


def current(server) -> dict:
    response = server.request("GET", request_path(server))
    assert response.status == 200, response.body
    return response.json()


def test_chunked_patch_changes_what_it_names(server):
    body = json.dumps(
        {
            "organization_name": "Chunked Name",
            "integrations": [
                {"record_uuid": server.data["integration_uuid"], "rules": "chunked rules"}
            ],
        }
    ).encode()

    response = server.request("PATCH", request_path(server), chunks=split(body, 7), headers=JSON)

    assert response.status == 204, response.body
    shown = current(server)
    assert shown["org_name"] == "Chunked Name"
    (integration,) = shown["integrations"]
    assert integration["rules"] == "chunked rules"
    assert integration["update_frequency"] == "0 2 * * *"


def test_chunked_post_creates_a_connection_request(server):
    body = json.dumps(
        {
            "org_name": "Streamed Supplier",
            "org_contact_full_name": "Jo Stream",
            "requested_integrations": [{"integration_type": "items", "update_frequency": "@daily"}],
        }
    ).encode()

    response = server.request(
        "POST", "/organizations/connections/request/", chunks=split(body, 16), headers=JSON
    )

    assert response.status == 201, response.body
    created = server.request(
        "GET", f"/organizations/connections/request/{response.json()['request_uuid']}/"
    ).json()
    assert created["org_name"] == "Streamed Supplier"
    assert [item["integration_type"] for item in created["integrations"]] == ["item"]


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----connectapiboundary7d8f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def csv_bytes(size: int) -> bytes:
    row = b"sku,name,quantity\r\n" + b"".join(b"SKU%06d,Widget,%d\r\n" % (n, n) for n in range(9))
    return (row * (size // len(row) + 1))[:size].rsplit(b"\r\n", 1)[0] + b"\r\n"


def test_chunked_multipart_upload_stores_the_file(server):
    content = csv_bytes(UPLOAD_MAX_BYTES // 2)
    body, content_type = multipart({"filename": "stock.csv"}, "stock.csv", content)

    response = server.request(
        "POST",
        "/organizations/files/upload/",
        chunks=split(body, 8192),
        headers={"Content-Type": content_type},
    )

    assert response.status == 201, response.body
    uuid = response.json()["uuid"]
    metadata = server.request("GET", f"/organizations/files/{uuid}/").json()
    assert metadata["size"] == len(content)
    assert metadata["sha256"] == hashlib.sha256(content).hexdigest()
    download = server.request("GET", f"/organizations/files/{uuid}/download/")
    assert download.status == 200
    assert download.body == content


def uploads_count(server) -> int:
    return server.request("GET", "/organizations/files/").json()["pagination"]["total_count"]


def test_over_limit_chunked_upload_is_413_and_stores_nothing(server):
    before = uploads_count(server)
    body, content_type = multipart({}, "big.csv", csv_bytes(UPLOAD_MAX_BYTES + 200 * 1024))

    response = server.request(
        "POST",
        "/organizations/files/upload/",
        chunks=split(body, 65536),
        headers={"Content-Type": content_type},
    )

    assert response.status == 413, response.body
    assert response.json()["code"] == "payload_too_large"
    assert uploads_count(server) == before


def test_over_limit_chunked_json_is_413_and_changes_nothing(server):
    before = current(server)
    body = json.dumps({"additional_information": "x" * MAX_BODY_BYTES}).encode()

    response = server.request("PATCH", request_path(server), chunks=split(body, 4096), headers=JSON)

    assert response.status == 413, response.body
    assert set(response.json()) >= {"detail", "code"}
    assert current(server) == before


def test_chunked_body_at_the_limit_is_read(server):
    padding = MAX_BODY_BYTES - len(json.dumps({"additional_information": ""}))
    body = json.dumps({"additional_information": "y" * padding}).encode()
    assert len(body) == MAX_BODY_BYTES

    response = server.request("PATCH", request_path(server), chunks=split(body, 5000), headers=JSON)

    assert response.status == 204, response.body
    assert current(server)["additional_information"] == "y" * padding


def test_chunked_outreach_change_request_returns_its_id(server):
    """The vendor's app labels its JSON as a form; sent chunked it is still the seed's body."""
    credentials = base64.b64encode(f"{server.data['outreach_username']}:password".encode())
    response = server.request(
        "POST",
        f"/api_accessacs_mobile/v2/{server.data['outreach_site']}/connections",
        chunks=split(OUTREACH_SEED_BODY_TEXT.encode(), 10),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "ApplicationId": "com.accesssacs.mobile",
        },
        auth=f"Basic {credentials.decode()}",
    )

    assert response.status == 200, response.body
    assert isinstance(response.json(), int)


def raw_chunked(server, path: str, framed: bytes) -> bytes:
    return (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Authorization: Token {server.data['token']}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode() + framed


def test_bad_chunk_framing_is_400_not_a_500_or_a_hang(server):
    before = current(server)
    good = json.dumps({"organization_name": "Never Stored"}).encode()
    for framed in (
        b"zz\r\n" + good + b"\r\n0\r\n\r\n",  # size line is not hex
        b"%x\r\n" % (len(good) - 3) + good + b"\r\n0\r\n\r\n",  # size shorter than the chunk
    ):
        response = server.send(raw_chunked(server, request_path(server), framed), timeout=10)

        assert response.status == 400, (framed, response.body)
    assert current(server) == before


def test_chunked_get_body_is_read(server):
    """A GET with a chunked JSON body (the docs' Node snippet writes "{}") is answered."""
    response = server.request(
        "GET", "/organizations/connections/request/", chunks=[b"{}"], headers=JSON
    )

    assert response.status == 200, response.body
    assert "requests" in response.json()


def test_content_length_with_chunked_is_refused(server):
    before = current(server)
    body = json.dumps({"organization_name": "Smuggled"}).encode()
    raw = raw_chunked(server, request_path(server), chunked([body])).replace(
        b"Transfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n" % len(body),
    )

    response = server.send(raw)

    assert response.status == 400
    assert current(server) == before


def test_content_length_shorter_than_the_body_is_400(server):
    """Only Content-Length bytes are the body: a cut JSON body is malformed, not half-applied."""
    before = current(server)
    body = json.dumps({"organization_name": "Cut Short", "additional_information": "z"}).encode()
    raw = (
        f"PATCH {request_path(server)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Authorization: Token {server.data['token']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) - 5}\r\n\r\n"
    ).encode() + body

    response = server.send(raw)

    assert response.status == 400, response.body
    assert current(server) == before


def test_patch_without_any_body_is_400_not_204(server):
    """Neither Content-Length nor Transfer-Encoding: HTTP says no body; a PATCH needs one."""
    before = current(server)

    response = server.request("PATCH", request_path(server), headers=JSON)

    assert response.status == 400, response.body
    assert current(server) == before


def test_chunked_patch_under_timp_without_the_slash(server):
    """The docs' spelling, as a Node client sends it."""
    path = f"/timp/organizations/connections/request/{server.data['request_uuid']}"
    body = json.dumps({"primary_contact_name": "Timp Chunked"}).encode()

    response = server.request("PATCH", path, chunks=split(body, 3), headers=JSON)

    assert response.status == 204, response.body
    assert current(server)["org_contact_full_name"] == "Timp Chunked"


def test_post_without_any_body_is_400(server):
    response = server.request("POST", "/organizations/connections/request/", headers=JSON)

    assert response.status == 400
    assert response.json()["code"] == "invalid"


def test_runserver_refuses_a_chunked_body_it_cannot_read(server, runserver):
    """wsgiref bounds wsgi.input by Content-Length (absent: 0) and leaves the chunk framing in
    the socket: 411 Length Required, never a 204 that changed nothing."""
    before = current(server)
    body = json.dumps({"organization_name": "Never Read"}).encode()

    response = runserver.request("PATCH", request_path(server), chunks=[body], headers=JSON)

    assert response.status == 411, response.body
    assert response.json()["code"] == "length_required"
    assert current(server) == before


def test_the_seed_patch_sent_chunked_changes_exactly_what_it_names(server):
    path = f"/organizations/connections/request/{SEED_REQUEST_UUID}/"

    response = server.request(
        "PATCH", path, chunks=split(SUPPLIER_SEED_PATCH_BODY.encode(), 50), headers=JSON
    )

    assert response.status == 204, response.body
    shown = server.request("GET", path).json()
    assert (shown["org_name"], shown["org_contact_full_name"]) == ("Thomas-Perkins", "owner user")
    assert shown["primary_contact_phone"] == "801-555-1212"
    assert shown["primary_contact_email"] == "roger@rabbit.com"
    assert shown["retailer_account_number"] == "ABC123"
    assert shown["additional_information"] == "What's up doc"
    (integration,) = shown["integrations"]
    assert integration["record_uuid"] == SEED_INTEGRATION_UUID
    assert integration["integration_type"] == "item"
    assert integration["update_frequency"] == "* 20 12 3 8,9 *"
    assert integration["file_specs"] == "items specs"
    assert integration["rules"] == "if you can't say anything nice, don't say anything at all"
    assert integration["feed_source_file_locations"] == "sftp://old"  # not named: unchanged


def test_the_docs_node_login_and_discovery_sent_chunked(server):
    """The docs' Node snippets write their JSON with request.write(): chunked bodies."""
    login = server.request(
        "POST",
        "/timp/organizations/user-login/",
        chunks=[b'{"username":"nick@dobaretailer.com",', b'"password":"thanos_rocks"}'],
        headers=JSON,
        auth="Basic Og==",
    )

    assert login.status == 200, login.body
    token = login.json()["auth_token"]
    discovery = server.request(
        "POST",
        "/timp/discovery/suppliers/",
        chunks=split(
            b'{"initial_character":"T","recent":90,"pagination":{"start":0,"limit":25},'
            b'"sort":{"key":"number_of_skus","dir":"desc"}}',
            20,
        ),
        headers=JSON,
        auth=f"Token {token}",
    )

    assert discovery.status == 200, discovery.body
    assert [item["name"] for item in discovery.json()["suppliers"]] == ["Thomas-Perkins"]
