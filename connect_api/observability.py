"""What operators see: a request id, one JSON log line per request, lockouts, Sentry, metrics.

Nothing here reads a request's headers other than X-Request-ID and Authorization's scheme for
/metrics; bodies, cookies, tokens and passwords never reach a log record.
"""

import hmac
import logging
import time

from django.conf import settings
from django.http import JsonResponse
from django.utils.functional import empty
from django.views.decorators.cache import never_cache
from django_prometheus import middleware as prometheus_middleware

from connect_api.request_context import bind_request_id, request_id_from

request_logger = logging.getLogger("connect_api.request")
security_logger = logging.getLogger("connect_api.security")


def _user_of(request):
    """The authenticated user, without loading one nobody asked for (no extra query)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is empty:  # AuthenticationMiddleware's lazy user, never evaluated
        return None
    if wrapped is not None:
        user = wrapped
    return user if getattr(user, "is_authenticated", False) else None


def _organization_of(user) -> int | None:
    """The organization id when the request already loaded the user's membership."""
    membership = user._state.fields_cache.get("organization_membership")
    return getattr(membership, "organization_id", None)


class RequestLogMiddleware:
    """X-Request-ID in and out, and one `connect_api.request` record per request.

    Fields: request_id, method, path (no query string), status, duration_ms, user_id, and site
    (outreach) or organization (supplier side) when known; 5xx records add the username.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META)
        request.request_id = request_id
        started = time.perf_counter()
        with bind_request_id(request_id):
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response, started)
        return response

    def _log(self, request, response, started) -> None:
        status = response.status_code
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "user_id": None,
        }
        user = _user_of(request)
        if user is not None:
            fields["user_id"] = user.pk
            organization = _organization_of(user)
            if organization is not None:
                fields["organization"] = organization
            if status >= 500:
                fields["username"] = user.get_username()
        match = getattr(request, "resolver_match", None)
        if match is not None and "site_number" in match.kwargs:
            # Logged as text, as the path carries it (views receive it as an int).
            fields["site"] = str(match.kwargs["site_number"])
        level = (
            logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        )
        request_logger.log(level, "%s %s %s", request.method, request.path, status, extra=fields)


def log_lockout(sender, request, username=None, ip_address=None, **kwargs) -> None:
    """axes' user_locked_out signal: who was locked out, from where."""
    security_logger.warning(
        "login locked out", extra={"username": username, "ip_address": ip_address}
    )


@never_cache
def metrics(request):
    """Prometheus metrics for `Authorization: Bearer <METRICS_TOKEN>`; 404 without the setting."""
    from django_prometheus.exports import ExportToDjangoView

    from connect_api.exceptions import error_body

    token = settings.METRICS_TOKEN
    if not token:
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        response = JsonResponse(
            error_body("A valid metrics bearer token is required.", "not_authenticated"),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return ExportToDjangoView(request)


class PrometheusAfterMiddleware(prometheus_middleware.PrometheusAfterMiddleware):
    """django-prometheus's per-request metrics, each labelled child looked up once.

    prometheus_client's `labels()` checks the label names, turns each value into text and
    takes the metric's lock to find the child for those values; the middleware asks for seven
    children a request. Its `label_metric` hook (where a project changes the labels) answers
    here from the children already found, keyed by the metric and the labels as passed. They
    are prometheus_client's own children, which it keeps for the life of the process anyway,
    so the dict adds references to them, not children.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self._children: dict[tuple, object] = {}

    def label_metric(self, metric, request, response=None, **labels):
        if not labels:
            return metric
        key = (metric, *labels.items())
        child = self._children.get(key)
        if child is None:
            child = self._children.setdefault(key, metric.labels(**labels))
        return child
