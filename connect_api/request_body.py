"""WSGI wrapper: a request body sent with `Transfer-Encoding: chunked` is read, never dropped.

Django sizes a request body from CONTENT_LENGTH alone (absent -> 0), so a chunked body
(Node's `http.request` default, `curl -H 'Transfer-Encoding: chunked'`, streaming clients)
would reach every view as empty: a PATCH answered 204 having changed nothing.

Under gunicorn `wsgi.input` is already de-chunked and `wsgi.input_terminated` is true: reading
it to EOF ends at the end of the body. This wrapper reads it (up to the body limit + 1 byte)
into a spooled temporary file (in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then on disk, so
a 25 MB upload never sits whole in memory), sets CONTENT_LENGTH and hands Django the file as
`wsgi.input`. Everything below (DRF parsers, multipart, the upload size handler) then sees an
ordinary body of known length.

- over the limit -> 413 in the API's error shape, nothing passed on (so nothing stored);
  the limit is UPLOAD_MAX_BYTES plus room for multipart framing and fields for
  `multipart/form-data`, DATA_UPLOAD_MAX_MEMORY_SIZE for anything else;
- broken chunk framing (gunicorn raises while de-chunking) -> 400;
- a server whose `wsgi.input` is not terminated (Django's runserver, wsgiref: its input is
  bounded by CONTENT_LENGTH, i.e. 0, and the chunk framing stays unread in the socket) cannot
  deliver the body -> 411 Length Required, never an empty body;
- `Transfer-Encoding` together with `Content-Length` (request smuggling shape) -> 400.
"""

import json
import logging
import sys
import tempfile

from django.conf import settings

from connect_api.exceptions import error_body

logger = logging.getLogger("connect_api")

READ_SIZE = 64 * 1024
MULTIPART_ALLOWANCE = 64 * 1024
"""Boundaries and part headers of a multipart body, on top of its files and form fields."""


def body_limit(content_type: str) -> int:
    """The most bytes a request body of this type may have (Django's None: no limit)."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if fields is None:
        return sys.maxsize
    if content_type.strip().lower().startswith("multipart/form-data"):
        return settings.UPLOAD_MAX_BYTES + fields + MULTIPART_ALLOWANCE
    return fields


def is_chunked(environ) -> bool:
    codings = environ.get("HTTP_TRANSFER_ENCODING", "")
    return codings.split(",")[-1].strip().lower() == "chunked"


class BodyTooLarge(Exception):
    pass


def spool_body(stream, limit: int):
    """The whole of `stream` in a temporary file (rewound), or BodyTooLarge past `limit`."""
    spooled = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed with the response)
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    try:
        while True:
            chunk = stream.read(min(READ_SIZE, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge()
            spooled.write(chunk)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled, size


class ChunkedRequestBody:
    """Wraps the Django WSGI application (see connect_api/wsgi.py)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not is_chunked(environ):
            return self.application(environ, start_response)
        if environ.get("CONTENT_LENGTH"):
            return self._error(
                start_response,
                400,
                "Send either Content-Length or Transfer-Encoding: chunked, not both.",
                "bad_request",
            )
        if not environ.get("wsgi.input_terminated"):
            return self._error(
                start_response,
                411,
                "This server cannot read a chunked request body: send Content-Length.",
                "length_required",
            )
        limit = body_limit(environ.get("CONTENT_TYPE", ""))
        try:
            spooled, size = spool_body(environ["wsgi.input"], limit)
        except BodyTooLarge:
            return self._error(
                start_response,
                413,
                f"Request body is larger than the configured limit ({limit} bytes).",
                "payload_too_large",
            )
        except Exception as error:  # the server's de-chunking failed: bad framing, cut short
            logger.info("Unreadable chunked request body: %r", error)
            return self._error(
                start_response,
                400,
                "The chunked request body is malformed or incomplete.",
                "bad_request",
            )
        environ["wsgi.input"] = spooled
        environ["CONTENT_LENGTH"] = str(size)
        del environ["HTTP_TRANSFER_ENCODING"]
        try:
            response = self.application(environ, start_response)
        except BaseException:
            spooled.close()
            raise
        return ClosingResponse(response, spooled.close)

    @staticmethod
    def _error(start_response, status: int, detail: str, code: str):
        reasons = {
            400: "Bad Request",
            411: "Length Required",
            413: "Request Entity Too Large",
        }
        body = json.dumps(error_body(detail, code)).encode()
        start_response(
            f"{status} {reasons[status]}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]


class ClosingResponse:
    """A WSGI application's response iterable, and `then()` run once the server has closed
    it (here: the spooled body closed), whatever closing the response raised."""

    def __init__(self, response, then):
        self.response = response
        self.then = then

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.then()
