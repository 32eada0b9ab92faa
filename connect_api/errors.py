"""The one error type business code raises; `connect_api.exceptions` renders it."""

from collections.abc import Mapping, Sequence


def shown(value, limit: int = 60) -> str:
    """A client's value as an error message quotes it: cut short (a 2 MB body is not echoed).

    Lone surrogates need nothing here: connect_api's JSON renderer escapes them everywhere."""
    text = str(value)
    return f"{text[:limit]}..." if len(text) > limit else text


class DomainError(Exception):
    """A rule of the domain was broken.

    `status` is the HTTP status the API answers with, `code` a stable machine code,
    `errors` maps a field (as the client sent it, dotted for nested fields) to messages.
    """

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: Mapping[str, Sequence[str] | str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.errors = {
            field: [messages] if isinstance(messages, str) else list(messages)
            for field, messages in (errors or {}).items()
        }


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"


class PreconditionFailed(DomainError):
    """An `If-Match` the resource no longer matches: nothing was changed."""

    status = 412
    code = "precondition_failed"
