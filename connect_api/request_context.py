"""The request id of the request being served, for every log record (no Django imports:
the logging configuration loads this before the apps)."""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="-")

_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}\Z")


def current_request_id() -> str:
    return _request_id.get()


def request_id_from(meta: dict) -> str:
    """The client's X-Request-ID when it is 1-200 characters of [A-Za-z0-9._:-], else a new one.

    Anything else (spaces, quotes, newlines that could forge log lines, huge values) is replaced,
    not cleaned, so a logged id is always one the client sent verbatim or one we generated.
    """
    offered = meta.get("HTTP_X_REQUEST_ID", "")
    if _VALID_REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


@contextmanager
def bind_request_id(request_id: str) -> Iterator[None]:
    reset = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(reset)
