"""`Idempotency-Key` on POST and PATCH: a retry gets the first answer, never a second effect.

A client sends `Idempotency-Key: <1-255 visible ASCII characters>` (a UUID is usual). The
first request with a key claims it (one row per user and key, committed before the view
runs); its answer (status, body, Location/ETag) is stored and replayed, byte for byte with
`Idempotent-Replayed: true`, to every later request of the same user with that key, for
IDEMPOTENCY_KEY_TTL (24 h). The same key with another request (method, path or parsed body
differ) is 422. A request arriving while the first is still running gets 409 with
`Retry-After: 1` rather than waiting: a waiting request would hold one of the few sync
gunicorn workers and a database connection for as long as the first takes, and the client's
retry a second later gets the stored answer. Keys are per user: another user's key of the
same spelling is another key. 5xx and 429 answers are not kept (the key is released, so a
retry runs again). Anonymous requests (the token logins) are not covered: their answer
holds a token, which is stored nowhere in clear.

The body is fingerprinted as parsed (JSON, the outreach form-labelled JSON, form fields,
uploaded files by content), so a retry of a multipart upload with a new boundary, or of a
chunked body, is the same request.
"""

import hashlib
import json
import re
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from rest_framework import exceptions, status

from connect_api.errors import DomainError, Unprocessable
from connect_api.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH"})
KEPT_HEADERS = ("Location", "ETag", "Last-Modified")
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")


class IdempotencyKeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "A request with this Idempotency-Key is still being processed; retry shortly to get "
        "its answer."
    )
    default_code = "idempotency_key_in_use"
    wait = 1  # the exception handler turns it into Retry-After


class _Replay(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def key_from(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise DomainError(
            f"Invalid {HEADER} header.",
            code="invalid_idempotency_key",
            errors={HEADER: ["Send 1 to 255 visible ASCII characters (a UUID, for example)."]},
        )
    return key


def request_fingerprint(request) -> str:
    """sha256 of the method, the path with its query and the body as parsed."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    data = request.data
    if isinstance(data, MultiValueDict):
        for name, values in sorted(data.lists(), key=lambda item: item[0]):
            digest.update(json.dumps(name).encode())
            for value in values:
                if isinstance(value, UploadedFile):
                    digest.update(f"file:{value.name}:{value.size}:".encode())
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(json.dumps(value).encode())
    else:
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
        digest.update(canonical.encode())
    return digest.hexdigest()


def _reclaimable(record: IdempotencyKey, now: datetime) -> bool:
    """Expired (not yet purged), or claimed by a request that never finished (killed)."""
    if record.created < now - settings.IDEMPOTENCY_KEY_TTL:
        return True
    return record.status_code is None and record.created < now - settings.IDEMPOTENCY_LOCK_TIMEOUT


def idempotency_claim(*, user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """(the record, True) when this request runs: the claim is committed at once, so
    concurrent requests with the key see it; (the stored record, False) to replay. Raises 422
    for another request under the key, 409 while the first still runs."""
    now = timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, created=now
            )
        return record, True
    except IntegrityError:
        pass
    with transaction.atomic():
        record = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
        if _reclaimable(record, now):
            record.fingerprint, record.created, record.status_code = fingerprint, now, None
            record.content, record.content_type, record.headers = b"", "", {}
            record.save()
            return record, True
    if record.fingerprint != fingerprint:
        raise Unprocessable(
            f"This {HEADER} was used for a different request.",
            code="idempotency_key_reused",
            errors={HEADER: ["Already used with another method, path or body: use a new key."]},
        )
    if record.status_code is None:
        raise IdempotencyKeyInUse()
    return record, False


def idempotency_complete(*, record: IdempotencyKey, response) -> None:
    """Keep the answer for replay; a 5xx or 429 releases the key instead."""
    if response.status_code >= 500 or response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        idempotency_release(record=record)
        return
    if hasattr(response, "render"):
        response.render()
    record.status_code = response.status_code
    record.content = bytes(response.content)
    record.content_type = response.get("Content-Type", "")
    record.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    record.save(update_fields=["status_code", "content", "content_type", "headers"])


def idempotency_release(*, record: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def replay_response(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.content), status=record.status_code)
    if record.content_type:
        response["Content-Type"] = record.content_type
    else:  # e.g. a 204, which had none
        del response["Content-Type"]
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotentMixin:
    """For every DRF view that takes POST or PATCH (a test checks each one has it).

    Runs after authentication, permissions and throttles (DRF's `initial`): a request refused
    there claims nothing. A body that does not parse fails here as it would in the view.
    """

    _idempotency_record: IdempotencyKey | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in METHODS or not request.user.is_authenticated:
            return
        key = key_from(request)
        if key is None:
            return
        record, claimed = idempotency_claim(
            user=request.user, key=key, fingerprint=request_fingerprint(request)
        )
        if not claimed:
            raise _Replay(replay_response(record))
        self._idempotency_record = record

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            idempotency_complete(record=record, response=response)
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # Only when something escaped DRF's exception handling: nothing is kept.
            record, self._idempotency_record = self._idempotency_record, None
            if record is not None:
                idempotency_release(record=record)
