"""The schema documents the headers of safe retries and conditional requests."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(JSONRenderer().render(generated))


def names(operation) -> set[str]:
    return {parameter["name"] for parameter in operation.get("parameters", [])}


ANONYMOUS_OR_LOGIN = {
    "/api/token/",
    "/api/token/logout/",
    "/organizations/user-login/",
    "/organizations/reset-password/",
    "/organizations/complete-password/",
    "/organizations/accept-invite/{token}/",
}


def test_every_post_and_patch_but_the_logins_documents_idempotency_key(schema):
    for path, operations in schema["paths"].items():
        for method in ("post", "patch"):
            if method not in operations:
                continue
            documented = "Idempotency-Key" in names(operations[method])
            assert documented == (path not in ANONYMOUS_OR_LOGIN), (method, path)


def test_conditional_headers_are_documented(schema):
    detail = schema["paths"]["/organizations/connections/request/{uuid}/"]
    assert "If-None-Match" in names(detail["get"])
    assert {"ETag", "Last-Modified"} <= set(detail["get"]["responses"]["200"]["headers"])
    assert "304" in detail["get"]["responses"]
    assert "If-Match" in names(detail["patch"])
    outreach = schema["paths"][
        "/api_accessacs_mobile/v2/{site_number}/connections/{connection_id}/"
    ]
    assert "If-None-Match" in names(outreach["get"])
    assert "ETag" in outreach["get"]["responses"]["200"]["headers"]
    change = schema["paths"]["/api_accessacs_mobile/v2/{site_number}/connections/"]["post"]
    assert "If-Match" in names(change)
