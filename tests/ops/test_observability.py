"""Request ids, one JSON log line per request, nothing secret in any log, metrics, Sentry."""

import base64
import io
import json
import logging
import subprocess

import pytest
from django_prometheus.middleware import Metrics
from pythonjsonlogger.json import JsonFormatter
from rest_framework.test import APIClient

from connect_api.observability import PrometheusAfterMiddleware
from connect_api.request_context import RequestIdFilter
from tests.conftest import basic_header
from tests.factories import SiteFactory, UserFactory
from tests.ops.conftest import PYTHON, ROOT, clean_env

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]

PASSWORD = "S3cret-Passw0rd-never-logged"


@pytest.fixture
def log_output(settings):
    """Everything logged during the test, formatted by the production JSON formatter."""
    config = settings.LOGGING["formatters"]["json"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(
            config["fmt"], rename_fields=config["rename_fields"], datefmt=config["datefmt"]
        )
    )
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def records(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def request_lines(stream) -> list[dict]:
    return [r for r in records(stream) if r["logger"] == "connect_api.request"]


@pytest.fixture
def user(db):
    return UserFactory(username="opsuser", password=PASSWORD)


class TestRequestId:
    def test_a_valid_client_id_is_kept_and_echoed(self, api_client):
        response = api_client.get("/healthz", HTTP_X_REQUEST_ID="abc-123_DEF.9:x")
        assert response["X-Request-ID"] == "abc-123_DEF.9:x"

    @pytest.mark.parametrize("offered", ["has space", "new\nline", "x" * 201, 'quote"d', "", "é"])
    def test_an_invalid_client_id_is_replaced(self, api_client, offered):
        response = api_client.get("/healthz", HTTP_X_REQUEST_ID=offered)
        generated = response["X-Request-ID"]
        assert generated != offered
        assert len(generated) == 32 and int(generated, 16) >= 0

    def test_each_request_gets_its_own(self, api_client):
        first = api_client.get("/healthz")["X-Request-ID"]
        second = api_client.get("/healthz")["X-Request-ID"]
        assert first != second

    def test_error_answers_carry_it_too(self, api_client):
        response = api_client.get("/probe/whoami", HTTP_X_REQUEST_ID="req-401")
        assert response.status_code == 401
        assert response["X-Request-ID"] == "req-401"


class TestRequestLog:
    def test_one_json_line_per_request_with_the_fields(self, user, log_output):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic_header(user.username, PASSWORD))
        response = client.get("/probe/whoami", HTTP_X_REQUEST_ID="line-1")
        assert response.status_code == 200
        (line,) = request_lines(log_output)
        assert line["request_id"] == "line-1"
        assert line["level"] == "INFO"
        assert line["method"] == "GET"
        assert line["path"] == "/probe/whoami"
        assert line["status"] == 200
        assert line["user_id"] == user.pk
        assert isinstance(line["duration_ms"], float)
        assert line["time"]

    def test_other_records_of_the_request_carry_its_id(self, log_output, api_client):
        api_client.post(
            "/api/token/", {"username": "nobody", "password": "wrong"}, HTTP_X_REQUEST_ID="r-9"
        )
        ids = {record["request_id"] for record in records(log_output)}
        assert ids == {"r-9"}

    def test_the_site_is_logged_on_outreach_paths(self, user, log_output):
        site = SiteFactory()
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic_header(user.username, PASSWORD))
        client.get(f"/api_accessacs_mobile/v2/{site.number}/account")
        (line,) = request_lines(log_output)
        assert line["site"] == str(site.number)
        assert line["status"] == 404

    def test_levels_follow_the_status(self, user, log_output, api_client):
        api_client.get("/probe/whoami")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic_header(user.username, PASSWORD))
        client.get("/probe/broken")
        unauthenticated, broken = request_lines(log_output)
        assert unauthenticated["level"] == "WARNING" and unauthenticated["user_id"] is None
        assert broken["level"] == "ERROR" and broken["status"] == 500
        assert broken["username"] == "opsuser"

    def test_a_lockout_is_logged_with_the_username(self, user, log_output, settings):
        client = APIClient()
        for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
            client.post(
                "/api/token/",
                {"username": user.username, "password": f"wrong-{attempt}"},
                format="json",
            )
        lockouts = [r for r in records(log_output) if r["message"] == "login locked out"]
        assert lockouts and lockouts[0]["username"] == "opsuser"
        assert lockouts[0]["ip_address"] == "127.0.0.1"


def test_no_password_token_or_authorization_value_is_ever_logged(user, log_output, caplog):
    caplog.set_level(logging.DEBUG)
    client = APIClient()
    as_json = client.post(
        "/api/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    as_form = client.post("/api/token/", {"username": user.username, "password": PASSWORD})
    tokens = [as_json.json()["token"], as_form.json()["token"]]
    basic_value = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    for token in tokens:
        assert client.get("/probe/whoami", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
        assert client.get("/probe/broken", HTTP_AUTHORIZATION=f"Token {token}").status_code == 500
    assert client.get("/probe/whoami", HTTP_AUTHORIZATION=f"Basic {basic_value}").status_code == 200
    assert client.get("/probe/broken", HTTP_AUTHORIZATION=f"Basic {basic_value}").status_code == 500
    client.post("/api/token/", {"username": user.username, "password": PASSWORD + "x"})
    client.get("/probe/whoami", HTTP_AUTHORIZATION=f"Token {tokens[0][:-4]}abcd")
    client.post("/api/token/logout/", HTTP_AUTHORIZATION=f"Token {tokens[0]}")

    logged = log_output.getvalue() + "\n".join(
        f"{record.getMessage()} {record.__dict__}" for record in caplog.records
    )
    assert "/probe/broken" in logged and "RuntimeError" in logged  # the 500s are there
    for secret in [PASSWORD, *tokens, *(t[:15] for t in tokens), basic_value]:
        assert secret not in logged


class TestMetrics:
    def test_off_without_a_token(self, api_client, settings):
        settings.METRICS_TOKEN = ""
        assert api_client.get("/metrics").status_code == 404

    def test_needs_the_bearer_token(self, api_client, settings):
        settings.METRICS_TOKEN = "m" * 32
        missing = api_client.get("/metrics")
        assert missing.status_code == 401
        assert missing["WWW-Authenticate"].startswith("Bearer")
        assert api_client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401

    def test_serves_prometheus_text_with_the_token(self, api_client, settings):
        settings.METRICS_TOKEN = "m" * 32
        api_client.get("/healthz")
        response = api_client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "m" * 32)
        assert response.status_code == 200
        text = response.content.decode()
        assert "django_http_requests_total_by_method_total" in text
        assert "django_http_responses_total_by_status_total" in text

    def test_each_request_counts_once_in_each_labelled_metric(self, api_client, settings):
        """The labelled children are looked up once per process (PrometheusAfterMiddleware);
        every request still counts, under its own labels."""
        settings.METRICS_TOKEN = "m" * 32
        metrics = Metrics.get_instance()

        def counted() -> dict[str, float]:
            by_status = metrics.responses_by_status_view_method
            latency = metrics.requests_latency_by_view_method
            return {
                "ok": by_status.labels(status="200", view="healthz", method="GET")._value.get(),
                "missing": by_status.labels(
                    status="404", view="<unnamed view>", method="GET"
                )._value.get(),
                "by_method": metrics.requests_by_method.labels(method="GET")._value.get(),
                "latency": latency.labels(view="healthz", method="GET")._sum.get(),
            }

        before = counted()
        for _ in range(3):
            assert api_client.get("/healthz").status_code == 200
        assert api_client.get("/no-such-path").status_code == 404
        after = counted()

        assert after["ok"] - before["ok"] == 3
        assert after["missing"] - before["missing"] == 1
        assert after["by_method"] - before["by_method"] == 4
        assert after["latency"] > before["latency"]

    def test_the_children_are_prometheus_clients_own(self):
        """The same child `labels()` answers, one per set of label values."""
        metrics = Metrics.get_instance()
        middleware = PrometheusAfterMiddleware(lambda request: None)
        metric = metrics.responses_by_status_view_method

        first = middleware.label_metric(metric, None, status="201", view="v", method="POST")
        again = middleware.label_metric(metric, None, status="201", view="v", method="POST")
        other = middleware.label_metric(metric, None, status="400", view="v", method="POST")

        assert first is again is metric.labels(status="201", view="v", method="POST")
        assert other is metric.labels(status="400", view="v", method="POST")
        assert other is not first
        assert middleware.label_metric(metrics.requests_ajax, None) is metrics.requests_ajax


# The settings module starts Sentry: reading a setting loads it (django.setup() would load
# every app too, 0.5 s of CPU more).
SENTRY_PROBE = """
from django.conf import settings
settings.DEBUG
import sentry_sdk
client = sentry_sdk.get_client()
print(client.is_active(), client.options.get("send_default_pii"))
"""


@pytest.mark.parametrize(
    ("dsn", "expected"),
    [(None, "False"), ("http://public@127.0.0.1:9/1", "True False")],
)
def test_sentry_starts_only_with_sentry_dsn(dsn, expected):
    env = clean_env(QUEUE_URL="memory://")
    env.pop("SENTRY_DSN", None)
    if dsn:
        env["SENTRY_DSN"] = dsn
    result = subprocess.run(
        [PYTHON, "-c", SENTRY_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().startswith(expected)


def test_a_500_the_api_answers_is_reported_to_sentry(user, monkeypatch):
    """DRF's handler turns the exception into a JSON 500, so Sentry's Django hook never sees
    it: the handler reports it (sentry_sdk.capture_exception, a no-op without SENTRY_DSN)."""
    from connect_api import exceptions

    reported = []
    monkeypatch.setattr(exceptions, "report_exception", reported.append)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header(user.username, PASSWORD))
    assert client.get("/probe/broken").status_code == 500
    assert [type(error) for error in reported] == [RuntimeError]


class TestOrganizationInTheRequestLine:
    def test_a_supplier_token_request_names_the_organization(self, log_output, token_client):
        from tests.factories import OrganizationFactory, OrganizationMembershipFactory

        organization = OrganizationFactory()
        client = token_client(OrganizationMembershipFactory(organization=organization).user)

        assert client.get("/probe/whoami/").status_code == 200

        (line,) = [r for r in request_lines(log_output) if r["path"] == "/probe/whoami/"]
        assert line["organization"] == organization.pk
