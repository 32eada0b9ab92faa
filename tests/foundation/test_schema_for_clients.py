"""The OpenAPI schema as client generators and Swagger UI read it.

The generated client itself is exercised against a real server by
scripts/generated_client_check (clients/python/); these pin the schema's properties."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from connect_api.api.views import OutreachView, SupplierApiMixin

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_the_authorize_dialog_offers_token_and_basic_only(schema):
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"tokenAuth", "basicAuth"}
    assert schemes["basicAuth"]["scheme"] == "basic"
    token = schemes["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert "`Token <key>`" in token["description"]
    assert "not `Bearer`" in token["description"]
    for scheme in schemes.values():
        assert "one scheme at a time" in scheme["description"].lower()
    used = {name for _, op in operations(schema) for req in op["security"] for name in req}
    assert used == {"tokenAuth", "basicAuth"}


@pytest.mark.django_db
def test_servers_is_the_configured_public_base_url(settings, api_client):
    settings.PUBLIC_BASE_URL = "https://connect.example.com/"
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert json.loads(response.content)["servers"] == [
        {"url": "https://connect.example.com", "description": "This deployment."}
    ]


def test_every_operation_has_a_summary_and_no_base_class_description(schema):
    leaked = {
        doc.strip().splitlines()[0]
        for doc in (SupplierApiMixin.__doc__, OutreachView.__doc__)
        if doc
    }
    assert leaked
    for name, operation in operations(schema):
        assert operation.get("summary"), name
        description = operation.get("description", "")
        assert not any(line in description for line in leaked), name


def test_every_operation_documents_its_4xx_with_the_one_error_component(schema):
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "detail",
        "code",
        "errors",
    }
    for name, operation in operations(schema):
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        assert {"401", "429"} <= set(errors), name
        for code, response in errors.items():
            assert response["content"]["application/json"] == {"schema": error}, (name, code)
            # only the request line's 414, which gunicorn alone answers in HTML, has another
            assert set(response["content"]) - {"application/json"} <= (
                {"text/html"} if code == "414" else set()
            ), (name, code)
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= set(errors), name
        if "{" in name:
            assert "404" in errors, name


def test_bodies_have_one_media_type_json_where_json_is_read(schema):
    bodies = {
        name: list(operation["requestBody"]["content"])
        for name, operation in operations(schema)
        if "requestBody" in operation
    }
    assert bodies["POST /api_accessacs_mobile/v2/{site_number}/connections/"] == [
        "application/json"
    ]
    assert bodies["POST /api/token/"] == ["application/json"]
    assert bodies["PUT /api_accessacs_mobile/v2/accounts/findbyemail/"] == ["application/json"]
    assert bodies["POST /organizations/files/upload/"] == ["multipart/form-data"]
    assert all(len(media_types) == 1 for media_types in bodies.values()), bodies


def test_us_dates_are_patterned_strings_and_completed_is_a_string_enum(schema):
    operation = schema["paths"][
        "/api_accessacs_mobile/v2/{site_number}/connections/assignments/{connection_type_id}/"
    ]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    for name in ("dueDateFrom", "dueDateTo"):
        assert parameters[name]["type"] == "string"
        assert parameters[name]["pattern"] == r"^\d{2}/\d{2}/\d{4}$"
        assert "format" not in parameters[name]
    assert parameters["completed"] == {"type": "string", "enum": ["false", "true"]}
    body = schema["components"]["schemas"]["ChangeRequestInputRequest"]["properties"]
    assert body["ConnectionDate"]["pattern"] == r"^\d{2}/\d{2}/\d{4}$"


def test_no_enum_contradicts_its_type_and_no_date_format_is_left_on_us_dates(schema):
    def walk(node, where):
        if isinstance(node, dict):
            if "enum" in node and "type" in node:
                types = node["type"] if isinstance(node["type"], list) else [node["type"]]
                python = {"string": str, "integer": int, "boolean": bool, "null": type(None)}
                assert all(
                    any(isinstance(v, python.get(t, object)) for t in types) for v in node["enum"]
                ), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(schema, "#")


def test_a_nullable_object_is_a_one_of_with_null(schema):
    approved_by = schema["components"]["schemas"]["ConnectionRequestOutput"]["properties"][
        "approved_by"
    ]
    assert approved_by == {
        "oneOf": [{"$ref": "#/components/schemas/AccountManagerOutput"}, {"type": "null"}]
    }


@pytest.mark.django_db
def test_served_schema_and_swagger_ui(client, schema):
    served = client.get("/api/schema/?format=json")
    assert served.status_code == 200
    served = json.loads(served.content)
    assert served["openapi"] == "3.1.0"
    assert served["components"]["securitySchemes"] == schema["components"]["securitySchemes"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_every_answer_an_operation_can_give_is_declared(schema):
    """What schemathesis' status-code conformance check holds the server to: a conditional
    change can answer 412, an idempotent one 400/409/422, one with a query string 414."""
    checked = set()
    for name, operation in operations(schema):
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        responses = set(operation["responses"])
        if "If-Match" in names:
            assert "412" in responses, name
            checked.add("412")
        if "Idempotency-Key" in names:
            assert {"400", "409", "422"} <= responses, name
            checked.add("idempotency")
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "414" in responses, name
            # nginx answers it in the error shape, gunicorn alone as HTML
            assert set(operation["responses"]["414"]["content"]) == {
                "application/json",
                "text/html",
            }
            checked.add("414")
    assert checked == {"412", "idempotency", "414"}
