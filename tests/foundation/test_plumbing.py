import json
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.urls")]


@pytest.fixture
def client_for(token_client):
    return token_client(UserFactory(username="alice"))


class TestRequestBodies:
    def test_wrong_content_type_is_415(self, client_for):
        response = client_for.post(
            "/probe/whoami/", "username=x", content_type="text/plain; charset=utf-8"
        )

        assert response.status_code == 415
        assert response.json()["code"] == "unsupported_media_type"

    def test_malformed_json_is_400(self, client_for):
        response = client_for.post(
            "/probe/whoami/", '{"a": ', content_type="application/json; charset=utf-8"
        )

        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
        assert set(response.json()) == {"detail", "code"}

    def test_json_over_body_limit_is_413(self, client_for, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        body = json.dumps({"text": "x" * 2000})

        response = client_for.post("/probe/whoami/", body, content_type="application/json")

        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"

    def test_form_over_django_body_limit_is_413(self, client_for, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

        response = client_for.post(
            "/probe/whoami/",
            "text=" + "x" * 2000,
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code == 413

    def test_deeply_nested_json_is_400_not_500(self, client_for):
        body = "[" * 5000 + "]" * 5000

        response = client_for.post("/probe/whoami/", body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"

    def test_lone_surrogate_echoed_back_is_escaped_not_500(self, client_for):
        response = client_for.post(
            "/probe/whoami/", '{"name": "\\ud800x"}', content_type="application/json"
        )

        assert response.status_code == 200
        assert b'"\\ud800x"' in response.content
        assert json.loads(response.content) == {"received": {"name": "\ud800x"}}

    def test_non_ascii_stays_readable_utf8(self, client_for):
        response = client_for.post("/probe/whoami/", {"name": "Zoë"}, format="json")

        assert "Zoë".encode() in response.content

    def test_json_under_limit_is_parsed(self, client_for):
        response = client_for.post("/probe/whoami/", {"a": [1, 2]}, format="json")

        assert response.json() == {"received": {"a": [1, 2]}}


class TestTrailingSlash:
    @pytest.mark.parametrize("path", ["/probe/whoami", "/probe/whoami/"])
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_both_forms_answer_without_redirect(self, client_for, path, method):
        response = getattr(client_for, method)(path, {}, format="json")
        assert response.status_code == 200

    @pytest.mark.parametrize("path", ["/api/token", "/api/token/"])
    def test_token_endpoint_both_forms(self, api_client, path):
        UserFactory(username="bob")
        response = api_client.post(path, {"username": "bob", "password": "password"})
        assert response.status_code == 200


class TestPagination:
    @pytest.fixture
    def users(self):
        return UserFactory.create_batch(5)

    def test_defaults(self, client_for, users):
        body = client_for.get("/probe/users/").json()

        assert len(body["users"]) == 6
        assert body["pagination"] == {"total_count": 6, "start": 0, "limit": 50}

    def test_start_and_limit(self, client_for, users):
        body = client_for.get("/probe/users/?start=2&limit=3").json()

        assert len(body["users"]) == 3
        assert body["pagination"] == {"total_count": 6, "start": 2, "limit": 3}

    def test_start_past_the_end_is_empty(self, client_for, users):
        body = client_for.get("/probe/users/?start=600").json()
        assert body["users"] == []

    def test_start_past_the_end_is_answered_as_total_count(self, client_for, users):
        """The docs: "If greater than or equal to the number of available suppliers, 'start'
        is forced to the Number-of-suppliers (which will yield zero results)"."""
        for start in (6, 600, 10**30):
            body = client_for.get(f"/probe/users/?start={start}").json()

            assert body == {"users": [], "pagination": {"total_count": 6, "start": 6, "limit": 50}}

    def test_limit_above_100_is_forced_to_100(self, client_for):
        body = client_for.get("/probe/users/?limit=1000").json()
        assert body["pagination"]["limit"] == 100

    def get_with_body(self, client, body: str, query: str = ""):
        return client.generic(
            "GET", f"/probe/users/{query}", body, content_type="application/json; charset=utf-8"
        )

    @pytest.mark.parametrize(
        "body",
        [
            '{"start": 2, "limit": 3}',
            '{"pagination": {"start": 2, "limit": 3}}',
            '{"start": "2", "limit": "3"}',
        ],
    )
    def test_start_and_limit_from_a_json_body(self, client_for, users, body):
        """As the docs' list example sends them (GET with a JSON body)."""
        page = self.get_with_body(client_for, body).json()

        assert page == client_for.get("/probe/users/?start=2&limit=3").json()
        assert page["pagination"] == {"total_count": 6, "start": 2, "limit": 3}

    def test_null_in_the_body_means_the_default(self, client_for, users):
        page = self.get_with_body(client_for, '{"start": null, "limit": null}').json()

        assert page["pagination"] == {"total_count": 6, "start": 0, "limit": 50}

    def test_query_string_wins_over_the_body_per_parameter(self, client_for, users):
        page = self.get_with_body(client_for, '{"start": 4, "limit": 1}', "?start=1").json()

        assert page["pagination"] == {"total_count": 6, "start": 1, "limit": 1}

    def test_a_client_paging_until_an_empty_page_stops(self, client_for, users):
        seen, start = [], 0
        while True:
            page = self.get_with_body(client_for, json.dumps({"start": start, "limit": 4})).json()
            if not page["users"]:
                break
            seen += page["users"]
            start += 4
            assert start < 100, "paging never ended"

        assert len(seen) == 6

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ('{"start": -1}', "start"),
            ('{"start": true}', "start"),
            ('{"limit": 1.5}', "limit"),
            ('{"limit": 0}', "limit"),
            ('{"pagination": {"limit": "x"}}', "pagination.limit"),
        ],
    )
    def test_bad_body_values_are_400_naming_the_field(self, client_for, body, field):
        response = self.get_with_body(client_for, body)

        assert response.status_code == 400, response.content
        assert list(response.json()["errors"]) == [field]

    def test_malformed_json_body_on_a_get_is_400(self, client_for):
        assert self.get_with_body(client_for, '{"start": ').status_code == 400

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("limit=-1", "limit"),
            ("limit=abc", "limit"),
            ("limit=0", "limit"),
            ("start=-5", "start"),
            ("start=x", "start"),
            ("limit=4%1C", "limit"),  # a separator str.strip() drops but int() refuses
        ],
    )
    def test_bad_values_are_400_naming_the_field(self, client_for, query, field):
        response = client_for.get(f"/probe/users/?{query}")

        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]


class TestErrors:
    def test_unknown_path_is_json_404(self, api_client):
        response = api_client.get("/no/such/path/")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}

    def test_unexpected_error_is_logged_json_500(self, client_for, caplog):
        response = client_for.get("/probe/broken/")

        assert response.status_code == 500
        assert response.json() == {"detail": "Internal server error.", "code": "server_error"}
        assert "boom" in caplog.text

    def test_method_not_allowed_is_405(self, client_for):
        response = client_for.delete("/probe/whoami/")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"


class TestThrottle:
    def test_counters_live_in_the_shared_database(self, client_for):
        assert client_for.get("/probe/throttled/").status_code == 200
        assert client_for.get("/probe/throttled/").status_code == 200

        response = client_for.get("/probe/throttled/")

        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["code"] == "throttled"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT hits FROM connect_api_throttlecounter WHERE cache_key LIKE %s",
                ["throttle_user_%"],
            )
            assert cursor.fetchall() == [(3,)]
        assert caches["default"].__class__.__name__ == "DatabaseCache"


class TestHealth:
    @pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
    def test_up(self, api_client, path):
        response = api_client.get(path)

        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_down(self, api_client):
        with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
            response = api_client.get("/healthz")

        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"


class TestSchema:
    def test_schema_is_openapi_3(self, api_client):
        response = api_client.get("/api/schema/?format=json")

        assert response.status_code == 200
        schema = json.loads(response.content)
        assert schema["openapi"].startswith("3.")
        assert "/api/token/" in schema["paths"]

    def test_swagger_ui_uses_local_assets(self, api_client):
        response = api_client.get("/api/docs/")

        assert response.status_code == 200
        html = response.content.decode()
        assert "drf_spectacular_sidecar/swagger-ui-dist" in html
        assert "cdn." not in html
