"""The OpenAPI schema documents every call of the organization section (once, unprefixed)."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer

OPERATIONS = [
    ("get", "/organizations/"),
    ("get", "/organizations/users/all/"),
    ("get", "/organizations/users/detail/{user_uuid}/"),
    ("get", "/organizations/users/permissions/{user_uuid}/"),
    ("patch", "/organizations/users/permissions/{user_uuid}/"),
    ("delete", "/organizations/users/permissions/{user_uuid}/"),
    ("post", "/organizations/users/invite/"),
    ("get", "/organizations/all_permissions/"),
    ("post", "/organizations/reset-password/"),
    ("get", "/organizations/complete-password/"),
    ("post", "/organizations/complete-password/"),
    ("get", "/organizations/accept-invite/{token}/"),
    ("post", "/organizations/accept-invite/{token}/"),
    ("get", "/notifications/"),
    ("get", "/notifications/notification-settings/"),
    ("put", "/notifications/notification-settings/"),
    ("get", "/discovery/participation/{org_uuid}/"),
    ("post", "/discovery/participation/{org_uuid}/"),
]


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(JSONRenderer().render(generated))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_documented(schema, method, path):
    operation = schema["paths"][path][method]
    assert operation["summary"]
    assert any(code.startswith("2") for code in operation["responses"])
    assert not any(p.startswith("/timp/") for p in schema["paths"])


def test_the_anonymous_calls_need_no_credentials(schema):
    for method, path in OPERATIONS:
        anonymous = {} in schema["paths"][path][method].get("security", [{}])
        assert anonymous == path.split("/")[2].startswith(
            ("reset-password", "complete-password", "accept-invite")
        ), (method, path)
