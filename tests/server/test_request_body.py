"""The chunked-body WSGI wrapper in process: what it hands the application, and what it refuses."""

import io
import json

import pytest
from gunicorn.http.errors import InvalidChunkSize

from connect_api.request_body import ChunkedRequestBody


class Recorder:
    """A WSGI application that keeps what it was given."""

    def __init__(self):
        self.environ = None
        self.body = None
        self.rolled_to_disk = None

    def __call__(self, environ, start_response):
        self.environ = environ
        stream = environ["wsgi.input"]
        self.rolled_to_disk = getattr(stream, "_rolled", None)
        self.body = stream.read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def call(app, environ):
    started = {}

    def start_response(status, headers):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return started["status"], started["headers"], body


def environ_for(body: bytes = b"", *, content_type="application/json", **extra):
    return {
        "REQUEST_METHOD": "PATCH",
        "CONTENT_TYPE": content_type,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        **extra,
    }


@pytest.fixture
def limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.UPLOAD_MAX_BYTES = 5000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 500
    return settings


def test_a_chunked_body_reaches_the_application_with_its_length(limits):
    inner = Recorder()

    status, _, _ = call(ChunkedRequestBody(inner), environ_for(b'{"a": 1}'))

    assert status == 200
    assert inner.environ["CONTENT_LENGTH"] == "8"
    assert inner.body == b'{"a": 1}'
    assert "HTTP_TRANSFER_ENCODING" not in inner.environ


def test_a_body_with_content_length_is_passed_through_untouched(limits):
    inner = Recorder()
    stream = io.BytesIO(b"{}")
    environ = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "2", "wsgi.input": stream}

    call(ChunkedRequestBody(inner), environ)

    assert inner.environ["wsgi.input"] is stream
    assert inner.body == b"{}"


@pytest.mark.parametrize("size", [1000, 1001])
def test_json_limit_is_the_body_limit(limits, size):
    inner = Recorder()

    status, headers, body = call(ChunkedRequestBody(inner), environ_for(b"x" * size))

    if size <= 1000:
        assert status == 200
        assert len(inner.body) == size
    else:
        assert status == 413
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["code"] == "payload_too_large"
        assert inner.environ is None


def test_multipart_may_carry_an_upload_and_spools_it_to_disk(limits):
    inner = Recorder()
    content_type = "multipart/form-data; boundary=xyz"

    status, _, _ = call(
        ChunkedRequestBody(inner), environ_for(b"y" * 4000, content_type=content_type)
    )

    assert status == 200
    assert len(inner.body) == 4000
    assert inner.rolled_to_disk is True


def test_multipart_over_upload_limit_and_allowance_is_413(limits):
    inner = Recorder()
    content_type = "multipart/form-data; boundary=xyz"

    status, _, _ = call(
        ChunkedRequestBody(inner), environ_for(b"y" * 200_000, content_type=content_type)
    )

    assert status == 413
    assert inner.environ is None


def test_a_server_that_does_not_terminate_the_input_gets_411_not_an_empty_body(limits):
    """Django's runserver (wsgiref) bounds wsgi.input by CONTENT_LENGTH and never de-chunks."""
    inner = Recorder()

    status, _, body = call(
        ChunkedRequestBody(inner), environ_for(b'{"a": 1}', **{"wsgi.input_terminated": False})
    )

    assert status == 411
    assert json.loads(body)["code"] == "length_required"
    assert inner.environ is None


def test_content_length_beside_chunked_is_400(limits):
    inner = Recorder()

    status, _, _ = call(ChunkedRequestBody(inner), environ_for(b"{}", CONTENT_LENGTH="2"))

    assert status == 400
    assert inner.environ is None


class BrokenFraming(io.RawIOBase):
    def read(self, size=-1):
        raise InvalidChunkSize(b"zz")


def test_broken_chunk_framing_is_400(limits):
    inner = Recorder()

    status, _, body = call(
        ChunkedRequestBody(inner), environ_for(**{"wsgi.input": BrokenFraming()})
    )

    assert status == 400
    assert json.loads(body) == {
        "detail": "The chunked request body is malformed or incomplete.",
        "code": "bad_request",
    }
    assert inner.environ is None


def test_the_spooled_body_is_closed_with_the_response(limits):
    inner = Recorder()
    response = ChunkedRequestBody(inner)(environ_for(b"{}"), lambda status, headers: None)
    list(response)

    response.close()

    assert inner.environ["wsgi.input"].closed


def test_no_django_body_limit_reads_the_whole_body(limits):
    limits.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    inner = Recorder()

    status, _, _ = call(ChunkedRequestBody(inner), environ_for(b"z" * 3000))

    assert status == 200
    assert len(inner.body) == 3000
