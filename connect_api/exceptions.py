"""One exception handler: every error, DRF's, Django's or the domain's, in one JSON shape.

`{"detail": "...", "code": "...", "errors": {"field.path": ["message", ...]}}`
"""

import logging
import sys
from typing import Annotated, NotRequired, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connections
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from connect_api.api.outputs import Doc
from connect_api.dependencies import DESCRIPTIONS, OUTAGES, dependency_down
from connect_api.errors import DomainError
from connect_api.sentry import report_exception

logger = logging.getLogger("connect_api")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is larger than the configured limit."
    default_code = "payload_too_large"


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"a.0.b": ["message"]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and prefix:
                path = prefix
            flat.update(_merge(flat, flatten_errors(value, path)))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            if detail:
                flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                path = f"{prefix}.{index}" if prefix else str(index)
                flat.update(_merge(flat, flatten_errors(item, path)))
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def _merge(existing: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: existing.get(key, []) + messages for key, messages in new.items()}


class Error(TypedDict):
    """The body of every 4xx of both APIs (`connect_api.exceptions.error_body`)."""

    detail: Annotated[str, Doc("One-line summary.")]
    code: Annotated[str, Doc("Machine code, e.g. `invalid`, `not_found`.")]
    errors: NotRequired[
        Annotated[
            dict[str, list[str]],
            Doc(
                "Present when fields are at fault: each field as the client sent it (nested "
                "ones as dotted paths, `integrations.0.update_frequency`) -> its messages."
            ),
        ]
    ]


def error_body(detail: str, code: str, errors: dict[str, list[str]] | None = None) -> Error:
    body: Error = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


def _summary(errors: dict[str, list[str]]) -> str:
    field, messages = next(iter(errors.items()))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    if field == "non_field_errors":
        return f"{messages[0]}{more}"
    return f"{field}: {messages[0]}{more}"


def _set_rollback() -> None:
    # DRF's rest_framework.views.set_rollback, without importing the views module here (it
    # loads the parser classes, which import this module).
    for db in connections.all():
        if db.settings_dict["ATOMIC_REQUESTS"] and db.in_atomic_block:
            db.set_rollback(True)


def unavailable_response(dependency: str, response_class=Response):
    """503 + Retry-After naming the dependency that is down, in the error shape plus
    `"dependency": "database" | "cache" | "queue" | "redis" | "storage"`."""
    body = error_body(
        f"The service is temporarily unavailable ({DESCRIPTIONS[dependency]} unreachable). "
        "Retry shortly.",
        "service_unavailable",
    )
    body["dependency"] = dependency
    headers = {"Retry-After": str(settings.OUTAGE_RETRY_AFTER)}
    return response_class(body, status=503, headers=headers)


def api_exception_handler(exc, context):
    dependency = dependency_down(exc)
    if dependency is not None:
        # Not _set_rollback() on a database outage: the connection is gone; Django discards it
        # at request end.
        if dependency != "database":
            _set_rollback()
        OUTAGES.failed(dependency, exc)
        return unavailable_response(dependency)
    _set_rollback()
    if isinstance(exc, DomainError):
        return Response(error_body(exc.message, exc.code, exc.errors), status=exc.status)
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        field = getattr(exc, "field", None)
        if field is None:
            return Response(error_body(PayloadTooLarge.default_detail, "payload_too_large"), 413)
        return Response(error_body(str(exc), "payload_too_large", {field: [str(exc)]}), 413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        report_exception(exc)
        return Response(
            error_body("Internal server error.", "server_error"),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, int(exc.wait)))

    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        body = error_body(f"Invalid input. {_summary(errors)}", "invalid", errors)
    elif isinstance(exc.detail, (dict, list)):
        errors = flatten_errors(exc.detail)
        body = error_body(_summary(errors), exc.default_code, errors)
    else:
        body = error_body(str(exc.detail), getattr(exc.detail, "code", exc.default_code))
    return Response(body, status=exc.status_code, headers=headers)


def server_error(request):
    """handler500: every failure outside DRF's views (middleware, the admin, plain Django views)
    in the same JSON shape; a dependency's outage is a 503 with Retry-After there too."""
    exc = sys.exc_info()[1]
    dependency = dependency_down(exc) if exc is not None else None
    if dependency is not None:
        OUTAGES.failed(dependency, exc)
        return unavailable_response(dependency, JsonResponse)
    return JsonResponse(error_body("Internal server error.", "server_error"), status=500)
