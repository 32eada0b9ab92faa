"""The POST and PATCH body checked plainly (`plain_request_input`): for every body it takes,
the validated data ConnectionRequestInputSerializer gives (same keys, same order, same
values), and it takes every body of JSON strings (and `delete` booleans) the serializer
accepts; every other body goes to the serializer, whose refusals the API answers."""

import json
import random
import uuid

import pytest

from connections.api import serializers as shapes
from tests.connections.conftest import SEED_INTEGRATION_UUID, request_url
from tests.seeds import (
    SUPPLIER_CONTACT_PATCH_BODY,
    SUPPLIER_CREATE_BODY,
    SUPPLIER_SEED_PATCH_BODY,
)

UUID = "3a438d7e-1234-46e1-96d2-efd9dac561d9"

# JSON strings each field may be sent (valid, padded, blank, too long, NUL, a surrogate, not
# an email, never firing, an unknown zone ...) and null; the first two of each are taken.
TEXT = ["Thomas Perkins", "  padded  ", "", "   ", "x" * 20, "x" * 21, "x" * 100, "x" * 101]
TEXT += ["x" * 200, "x" * 201, "a\x00b", "Café", "\ud800", None]
EMAILS = ["roger@example.com", " roger@example.com ", "not-an-email", "", None, "Café@x.com"]
TYPES = ["items", "item", "ORDERS", " tracking ", "other", "allocations", "nope", "", None]
CRONS = ["0 2 * * *", "* 20 12 3 8,9 *", " 0 * * * * ", "bad cron", "", "  ", None]
CRONS += ["0 0 31 2 *", "* * * * * * *"]
ZONES = ["Europe/Berlin", None, "UTC", "Mars/Base", "", " UTC "]
UUIDS = [UUID, str(uuid.UUID(UUID)).upper(), f"urn:uuid:{UUID}", UUID.replace("-", "")]
UUIDS += [None, "not-a-uuid", ""]
UPLOADS = [UUID, {"uuid": UUID}, "", {"uuid": ""}, {"id": UUID}, None, {"uuid": None}]
# What JSON may carry where a string goes: numbers, booleans, lists and objects.
OTHERS = [5, 5.5, 0, True, False, ["a"], {"a": 1}]


def _some(rng, values, others: bool):
    """Mostly a value the serializer takes (the first two of `values`), else any of them."""
    if rng.random() < 0.6:
        return rng.choice(values[:2])
    return rng.choice(values + OTHERS) if others and rng.random() < 0.3 else rng.choice(values)


def _spelled(rng, body, names, value_of):
    """Put the field under one of its spellings (now and then two of them)."""
    if rng.random() < 0.3:
        return
    chosen = rng.sample(names, 2) if len(names) > 1 and rng.random() < 0.05 else [rng.choice(names)]
    for name in chosen:
        body[name] = value_of()


def integration_item(rng, others: bool):
    if others and rng.random() < 0.05:
        return rng.choice([None, "item", [], 3])
    item = {}
    _spelled(rng, item, ["type", "integration_type"], lambda: _some(rng, TYPES, others))
    _spelled(rng, item, ["update_frequency"], lambda: _some(rng, CRONS, others))
    _spelled(rng, item, ["time_zone"], lambda: _some(rng, ZONES, others))
    _spelled(rng, item, ["file_locations", "feed_source_file_locations"], lambda: "sftp://x")
    _spelled(rng, item, ["file_specs"], lambda: _some(rng, TEXT, others))
    _spelled(rng, item, ["rules"], lambda: _some(rng, TEXT, others))
    _spelled(rng, item, ["record_uuid"], lambda: _some(rng, UUIDS, others))
    delete = [True, False, "true", 1, None] if others else [True, False]
    _spelled(rng, item, ["delete"], lambda: rng.choice(delete))
    return item


def body(rng, others: bool) -> dict:
    """A body of this shape's fields, each maybe absent, under any of its spellings."""
    body = {}
    text = lambda: _some(rng, TEXT, others)  # noqa: E731
    _spelled(rng, body, ["organization_name", "org_name"], text)
    _spelled(rng, body, ["primary_contact_name", "org_contact_full_name"], text)
    _spelled(rng, body, ["primary_contact_phone"], text)
    _spelled(rng, body, ["primary_contact_email"], lambda: _some(rng, EMAILS, others))
    _spelled(
        rng,
        body,
        ["organization_account_number", "retailer_account_number", "supplier_account_number"],
        text,
    )
    _spelled(rng, body, ["additional_information"], text)
    if others and rng.random() < 0.05:
        body["integrations"] = rng.choice(["item", {"type": "item"}, None, [{}] * 51])
    else:
        _spelled(
            rng,
            body,
            ["integrations", "requested_integrations"],
            lambda: [integration_item(rng, others) for _ in range(rng.randrange(4))],
        )
    uploads = lambda: [_some(rng, UPLOADS, others) for _ in range(rng.randrange(3))]  # noqa: E731
    _spelled(rng, body, ["uploaded_files"], uploads)
    if rng.random() < 0.2:
        body["unknown_field"] = "ignored"
    return body


def generated(partial: bool, others: bool, count: int = 3000):
    """`count` bodies, the same ones on every run for these arguments."""
    rng = random.Random(f"{partial}{others}")
    return [body(rng, others) for _ in range(count)]


BODY_KINDS = pytest.mark.parametrize("others", [False, True], ids=["strings", "any JSON"])
METHODS = pytest.mark.parametrize("partial", [False, True], ids=["POST", "PATCH"])


def drf(data, partial: bool):
    serializer = shapes.ConnectionRequestInputSerializer(
        data=data, partial=partial, context={"merging": partial}
    )
    return serializer.validated_data if serializer.is_valid() else None


def ordered(value):
    """Dicts as lists of their items, so key order counts."""
    if isinstance(value, dict):
        return [(key, ordered(one)) for key, one in value.items()]
    if isinstance(value, list):
        return [ordered(one) for one in value]
    return (type(value).__name__, value)


@METHODS
@BODY_KINDS
def test_the_serializers_data_for_every_body_it_takes(partial, others):
    taken = accepted = 0
    for data in generated(partial, others):
        plain = shapes.plain_request_input(data, partial=partial)
        validated = drf(data, partial)
        if plain is not None:
            taken += 1
            assert validated is not None, data
            assert ordered(plain) == ordered(validated), data
        if validated is not None:
            accepted += 1
            if not others:  # strings only: nothing the plain rules leave to the serializer
                assert plain is not None, data
    assert taken > 100 and accepted >= taken


SEED_BODIES = {
    "the docs' create body": (SUPPLIER_CREATE_BODY, False),
    "seed 000's PATCH": (json.loads(SUPPLIER_SEED_PATCH_BODY), True),
    "the seeds' contact PATCH": (
        SUPPLIER_CONTACT_PATCH_BODY,
        True,
    ),
}


@pytest.mark.parametrize("name", SEED_BODIES)
def test_the_seeds_bodies_are_checked_plainly(name):
    data, partial = SEED_BODIES[name]
    plain = shapes.plain_request_input(data, partial=partial)
    assert plain is not None
    assert ordered(plain) == ordered(drf(data, partial))


class NoSerializer(shapes.ConnectionRequestInputSerializer):
    def __init__(self, *args, **kwargs):
        raise AssertionError("the serializer ran for a body the plain rules take")


@pytest.mark.django_db
def test_create_and_patch_take_a_valid_body_without_the_serializer(
    monkeypatch, retailer_client, pending_request
):
    monkeypatch.setattr(shapes, "ConnectionRequestInputSerializer", NoSerializer)
    created = retailer_client.post(
        request_url(), SEED_BODIES["the docs' create body"][0], format="json"
    )
    assert created.status_code == 201, created.content
    changed = retailer_client.patch(
        request_url(pending_request), json.loads(SUPPLIER_SEED_PATCH_BODY), format="json"
    )
    assert changed.status_code == 204, changed.content
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Thomas-Perkins"
    (integration,) = pending_request.integrations.all()
    assert str(integration.uuid) == SEED_INTEGRATION_UUID
    assert integration.update_frequency == "* 20 12 3 8,9 *"


@pytest.mark.django_db
def test_a_refused_body_is_the_serializers_refusal(retailer_client):
    answer = retailer_client.post(
        request_url(),
        {"org_name": "A", "organization_name": "B", "primary_contact_name": " "},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "org_name": ["Give only one of organization_name, org_name: they name the same field."]
    }
