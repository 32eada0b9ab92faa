"""`Idempotency-Key` on POST and PATCH: a retry gets the first answer, never a second effect.

A client sends `Idempotency-Key: <1-255 visible ASCII characters>` (a UUID is usual). The
first request with a key claims it (one row per user and key, committed before the view
runs); its answer (status, body, Location/ETag) is stored and replayed, byte for byte with
`Idempotent-Replayed: true`, to every later request of the same user with that key, for
IDEMPOTENCY_KEY_TTL (24 h). The same key with another request (method, path or parsed body
differ) is 422. A request arriving while the first is still running gets 409 with
`Retry-After: 1` rather than waiting: a waiting request would hold one of the few sync
gunicorn workers and a database connection for as long as the first takes, and the client's
retry a second later gets the stored answer. "Still running" is a lock that lives exactly as
long as the request holding it (KeyLock): a worker killed mid-request leaves a claim that the
next retry takes over at once, since nothing of it was committed. Keys are per user: another
user's key of the same spelling is another key. 5xx and 429 answers are not kept (the key is
released, so a retry runs again). Anonymous requests (the token logins) are not covered: their
answer holds a token, which is stored nowhere in clear.

The body is fingerprinted as parsed (JSON, the outreach form-labelled JSON, form fields,
uploaded files by content), so a retry of a multipart upload with a new boundary, or of a
chunked body, is the same request.
"""

import fcntl
import hashlib
import json
import os
import re
import threading
from pathlib import Path

import orjson
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from rest_framework import exceptions, status

from connect_api.errors import DomainError, Unprocessable
from connect_api.models import IdempotencyKey

HEADER = "Idempotency-Key"
HEADER_META = "HTTP_IDEMPOTENCY_KEY"
"""The header's name in the request's META: read there, a write does not build
`request.headers` (every header of the request parsed) for one header."""
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
    key = request.META.get(HEADER_META)
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
        digest.update(
            orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
        )
    return digest.hexdigest()


class KeyLock:
    """Held by the request running under a key, and released when it ends, however it ends.

    On PostgreSQL a session-level advisory lock (`pg_try_advisory_lock`) on the request's
    database connection: a killed worker's connection closes and the server drops its locks.
    On SQLite (one host) an exclusive `flock` on a file per key beside the database file: the
    kernel drops it when the process dies (an in-memory database, one process's own, uses a set
    in that process). Either is tried, never waited for.
    """

    def __init__(self, *, user, key: str):
        digest = hashlib.sha256(f"{user.pk}\0{key}".encode()).digest()
        self._id = int.from_bytes(digest[:8], "big", signed=True)
        self._name = digest.hex()
        self._fd: int | None = None
        self.held = False

    def acquire(self) -> bool:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [self._id])
                self.held = cursor.fetchone()[0]
        elif _lock_directory() is None:
            with _IN_PROCESS_GUARD:
                self.held = self._name not in _IN_PROCESS
                _IN_PROCESS.add(self._name)
        else:
            self.held = self._flock()
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self._id])
        elif _lock_directory() is None:
            with _IN_PROCESS_GUARD:
                _IN_PROCESS.discard(self._name)
        else:
            path = _lock_directory() / self._name
            path.unlink(missing_ok=True)  # before unlocking: a waiter re-checks the inode
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def _flock(self) -> bool:
        path = _lock_directory() / self._name
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            try:
                if os.stat(path).st_ino == os.fstat(fd).st_ino:
                    self._fd = fd
                    return True
            except FileNotFoundError:
                pass
            os.close(fd)  # the holder removed the file as we locked it: take the new one


_IN_PROCESS: set[str] = set()
_IN_PROCESS_GUARD = threading.Lock()


def _lock_directory() -> Path | None:
    """Beside the SQLite file, so every process on that database shares it; None for an
    in-memory database."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return None
    directory = Path(f"{name}.idempotency-locks")
    directory.mkdir(exist_ok=True)
    return directory


def idempotency_claim(*, user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """(the record, True) when this request runs, holding `record.lock` until it ends: the
    claim is committed at once, so concurrent requests with the key see it; (the stored
    record, False) to replay. Raises 422 for another request under the key, 409 while the
    first still runs (holds the lock)."""
    lock = KeyLock(user=user, key=key)
    if not lock.acquire():
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if record is not None and record.fingerprint != fingerprint:
            raise _reused()
        raise IdempotencyKeyInUse()
    try:
        record, claimed = _claim_locked(user=user, key=key, fingerprint=fingerprint)
    except BaseException:
        lock.release()
        raise
    if claimed:
        record.lock = lock
    else:
        lock.release()
    return record, claimed


def _claim_locked(*, user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """The claim, under the key's lock: a record without an answer was left by a request that
    no longer runs (else it would hold the lock), so it is taken over, as is an expired one."""
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
        if record.status_code is None or record.created < now - settings.IDEMPOTENCY_KEY_TTL:
            record.fingerprint, record.created, record.status_code = fingerprint, now, None
            record.content, record.content_type, record.headers = b"", "", {}
            record.save()
            return record, True
    if record.fingerprint != fingerprint:
        raise _reused()
    return record, False


def _reused() -> Unprocessable:
    return Unprocessable(
        f"This {HEADER} was used for a different request.",
        code="idempotency_key_reused",
        errors={HEADER: ["Already used with another method, path or body: use a new key."]},
    )


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
            try:
                idempotency_complete(record=record, response=response)
            finally:
                record.lock.release()
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # Only when something escaped DRF's exception handling: nothing is kept.
            record, self._idempotency_record = self._idempotency_record, None
            if record is not None:
                try:
                    idempotency_release(record=record)
                finally:
                    record.lock.release()
