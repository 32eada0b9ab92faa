"""The benchmark's twins check a write's body by hand (benchmarks/speed_limit.py
`create_fields`, `patch_fields`, `change_request_values`), and are measured against the
endpoint as doing its work: so they must take the bodies the API takes, into the data its
services read, and refuse the others. Over the generated bodies of tests/connections/
test_plain_input.py (all but those with files, which the twins refuse: the benchmark sends
none) and the outreach POST bodies of tests/outreach/test_change_request_body.py."""

import pytest
from rest_framework.exceptions import ValidationError

from benchmarks.speed_limit import change_request_values, create_fields, patch_fields
from connections.services import INTEGRATION_FIELDS, REQUEST_FIELDS
from outreach.api.serializers import change_request_input
from outreach.payload import ChangeRequestPayload, PayloadError
from tests.connections.test_plain_input import BODY_KINDS, METHODS, drf, generated
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


CHECKS = {False: create_fields, True: patch_fields}
NOT_TAKEN = {  # by the twins, which the benchmark's bodies never send
    False: {"uploaded_files"},
    True: {"integrations", "requested_integrations", "uploaded_files"},
}


@METHODS
@BODY_KINDS
def test_the_check_takes_what_the_serializer_takes(partial, others):
    taken = compared = 0
    for data in generated(partial, others):
        checked = by_hand(CHECKS[partial], data)
        if NOT_TAKEN[partial] & set(data):
            assert checked is None, data
            continue
        compared += 1
        validated = read_by_the_service(drf(data, partial=partial))
        if validated is not None and not partial:
            validated.setdefault("integrations", [])  # none sent: the service reads none
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
