"""The benchmark's twins check a write's body by hand (benchmarks/speed_limit.py
`create_fields`, `patch_fields`, `change_request_values`), and are measured against the
endpoint as doing its work: so they must take the bodies the API takes, into the data its
services read, and refuse the others. Over the generated bodies of tests/connections/
test_plain_input.py (all but those with files, which the twins refuse: the benchmark sends
none) and the outreach POST bodies of tests/outreach/test_change_request_body.py."""

import random

import pytest
from rest_framework.exceptions import ValidationError

from benchmarks.speed_limit import change_request_values, create_fields, patch_fields
from connections.services import INTEGRATION_FIELDS, REQUEST_FIELDS
from outreach.api.serializers import change_request_input
from outreach.payload import ChangeRequestPayload, PayloadError
from tests.connections.test_plain_input import body, drf
from tests.outreach.test_change_request_body import bodies as outreach_bodies
from tests.seeds import SUPPLIER_CONTACT_PATCH_BODY, SUPPLIER_CREATE_BODY


def read_by_the_service(data: dict | None) -> dict | None:
    """What `connection_request_create` and `_update` read of validated data."""
    if data is None:
        return None
    read = {field: data[field] for field in REQUEST_FIELDS if field in data}
    if "integrations" in data:
        read["integrations"] = [
            {field: item[field] for field in INTEGRATION_FIELDS if field in item}
            for item in data["integrations"]
        ]
    return read


def by_hand(fields, data) -> dict | None:
    checked, errors = fields(data)
    return None if errors else checked


@pytest.mark.parametrize("others", [False, True], ids=["strings", "any JSON"])
def test_the_create_check_takes_what_the_serializer_takes(others):
    rng = random.Random(f"False{others}")
    taken = compared = 0
    for _ in range(3000):
        data = body(rng, others)
        if "uploaded_files" in data:
            assert by_hand(create_fields, data) is None
            continue
        compared += 1
        validated = read_by_the_service(drf(data, partial=False))
        checked = by_hand(create_fields, data)
        if validated is None:
            assert checked is None, data
            continue
        taken += 1
        validated.setdefault("integrations", [])  # no integrations: the service reads none
        assert checked == validated, data
    assert compared > 500 and taken > 50


@pytest.mark.parametrize("others", [False, True], ids=["strings", "any JSON"])
def test_the_patch_check_takes_what_the_serializer_takes(others):
    rng = random.Random(f"True{others}")
    taken = compared = 0
    for _ in range(3000):
        data = body(rng, others)
        if {"integrations", "requested_integrations", "uploaded_files"} & set(data):
            continue
        compared += 1
        validated = read_by_the_service(drf(data, partial=True))
        checked = by_hand(patch_fields, data)
        assert checked == validated, data
        taken += validated is not None
    assert compared > 200 and taken > 50


def test_the_benchmarks_bodies_are_taken():
    assert by_hand(create_fields, SUPPLIER_CREATE_BODY) == read_by_the_service(
        drf(SUPPLIER_CREATE_BODY, partial=False)
    )
    assert by_hand(patch_fields, SUPPLIER_CONTACT_PATCH_BODY) == read_by_the_service(
        drf(SUPPLIER_CONTACT_PATCH_BODY, partial=True)
    )


@pytest.mark.parametrize("data", list(outreach_bodies()), ids=lambda data: repr(data)[:80])
def test_the_outreach_check_takes_what_the_endpoint_takes(data):
    try:
        expected = change_request_input(data)
    except ValidationError:
        expected = None
    values, errors = change_request_values(data)
    try:
        checked = None if errors else ChangeRequestPayload.from_fields(values)
    except PayloadError:
        checked = None
    assert checked == expected
