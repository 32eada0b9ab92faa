"""Every list of every request body is refused for its length before any item is validated:
the largest refusable bodies under the size cap cost milliseconds, not a worker's seconds."""

import time

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.hostile_bodies import deeply_nested, filled, many_keys, targets

pytestmark = pytest.mark.django_db

BUDGET_SECONDS = 1.0  # generous for a shared CI machine; benchmarks/refusal_cost.py measures


def _arrays(node, components, path=""):
    """(dotted path, schema) of every array in a request body schema."""
    if isinstance(node, dict):
        if "$ref" in node:
            yield from _arrays(components[node["$ref"].split("/")[-1]], components, path)
            return
        if node.get("type") == "array":
            yield path, node
        for name, value in node.get("properties", {}).items():
            yield from _arrays(value, components, f"{path}.{name}".lstrip("."))
        for key in ("items", "allOf", "oneOf", "anyOf"):
            if key in node:
                values = node[key] if isinstance(node[key], list) else [node[key]]
                for value in values:
                    yield from _arrays(value, components, path)


def test_every_list_of_every_request_body_declares_its_largest_length():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    seen = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                for where, array in _arrays(media["schema"], components):
                    seen.append((method, path, where))
                    assert "maxItems" in array, (method, path, where)
    assert len(seen) >= 8


@pytest.mark.parametrize("index", range(8))
def test_an_overlong_list_of_invalid_items_is_refused_at_once_naming_the_field(index):
    target = targets()[index]
    client = APIClient()
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for field, item in target.lists.items():
        body = filled(target.base, field, item, cap)
        assert cap - 100 < len(body) <= cap
        started = time.process_time()
        response = client.generic(
            target.method,
            target.path,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=target.authorization,
            HTTP_APPLICATIONID="test",
            HTTP_IDEMPOTENCY_KEY=f"hostile-{field}",
        )
        spent = time.process_time() - started
        assert response.status_code == 400, (target.path, field, response.content[:300])
        assert field in response.json()["errors"], response.json()
        assert spent < BUDGET_SECONDS, (target.path, field, spent)


@pytest.mark.parametrize("body", [many_keys, deeply_nested], ids=["many keys", "nested"])
def test_other_bodies_that_fill_the_cap_are_refused_at_once(body):
    client = APIClient()
    data = body(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    for target in targets():
        started = time.process_time()
        response = client.generic(
            target.method,
            target.path,
            data,
            content_type="application/json",
            HTTP_AUTHORIZATION=target.authorization,
            HTTP_APPLICATIONID="test",
        )
        spent = time.process_time() - started
        assert 400 <= response.status_code < 500, (target.path, response.content[:300])
        assert spent < BUDGET_SECONDS, (target.path, spent)
