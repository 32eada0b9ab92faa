"""ETags and conditional requests (If-None-Match -> 304, If-Match -> 412), one rule for both APIs.

An ETag here is `"<version>.<digest>"`: `version` is the row's own counter (what a change
bumps; an If-Match is checked against it under the row lock, in the service), `digest` a hash
of the answer's body, so a GET is answered 304 only when nothing the caller would see
changed (a related row, the caller's rights). Django's own `get_conditional_response`
decides 304/412 on GET from the ETag and Last-Modified.
"""

import hashlib
import json
from collections.abc import Collection
from datetime import datetime

import orjson
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, quote_etag

from connect_api.errors import DomainError, PreconditionFailed

IF_MATCH = "If-Match"
IF_MATCH_META = "HTTP_IF_MATCH"
"""The header's name in the request's META (see connect_api.idempotency.HEADER_META)."""


def etag_for(*, version: int, data) -> str:
    """`"<version>.<digest>"`, the digest of `data` written with sorted keys (by orjson: the
    detail's answer is written a second time for it, so its cost counts on every GET)."""
    try:
        canonical = orjson.dumps(
            data, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
        )
    except orjson.JSONEncodeError:  # a lone surrogate (SQLite keeps one): ASCII escapes
        canonical = json.dumps(data, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(canonical).hexdigest()[:16]
    return quote_etag(f"{version}.{digest}")


def conditional_response(request, response, *, etag: str, last_modified: datetime | None = None):
    """`response` with its ETag (and Last-Modified), or the 304/412 the request's
    If-None-Match / If-Modified-Since / If-Match call for."""
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    django_request = getattr(request, "_request", request)
    conditional = get_conditional_response(
        django_request, etag=etag, last_modified=timestamp, response=response
    )
    if conditional is not response and conditional.status_code == 412:
        raise precondition_error()
    return conditional


def precondition_error(current: int | None = None) -> PreconditionFailed:
    message = "The resource changed since you read it: nothing was changed."
    detail = ["Does not match the current ETag: GET it again."]
    if current is not None:
        detail = [f"Does not match the current ETag (version {current}): GET it again."]
    return PreconditionFailed(message, errors={IF_MATCH: detail})


def expected_versions(request) -> Collection[int] | None:
    """The versions an `If-Match` accepts; None without the header or with `*`. An ETag
    that is not one of ours matches nothing (412 in the service), a malformed header is 400."""
    header = request.META.get(IF_MATCH_META)
    if header is None:
        return None
    etags = parse_etags(header)
    if not etags:
        raise DomainError(
            f"Invalid {IF_MATCH} header.",
            errors={IF_MATCH: ['Send an ETag as the GET answered it, e.g. "3.0f1e...".']},
        )
    if etags == ["*"]:
        return None
    versions = set()
    for etag in etags:
        version, _, _ = etag.strip('"').partition(".")
        if version.isascii() and version.isdigit():  # "²".isdigit(), but int() refuses it
            versions.add(int(version))
    return versions
