"""A JSON request body holds at most REQUEST_MAX_JSON_VALUES values: past it the body is refused
while it is read, before it is parsed, naming the top-level field; every body an endpoint
accepts stays far below it."""

import json

import pytest
from django.conf import settings

from connect_api.api.parsers import field_past_budget, json_loads
from connections.models import ConnectionRequest

BUDGET = 100


def _values(node) -> int:
    if isinstance(node, dict):
        return 1 + sum(_values(value) for value in node.values())
    if isinstance(node, list):
        return 1 + sum(_values(value) for value in node)
    return 1


def _body(values: int) -> bytes:
    """An object whose "items" list makes the body hold exactly `values` values."""
    return json.dumps({"name": "x", "items": [0] * (values - 3)}).encode()


def test_a_body_of_exactly_the_budget_passes_and_one_value_more_is_refused():
    assert _values(json.loads(_body(BUDGET))) == BUDGET
    assert field_past_budget(_body(BUDGET), BUDGET) is None
    assert field_past_budget(_body(BUDGET + 1), BUDGET) == "items"


def test_values_past_the_budget_among_the_top_level_members_name_no_field():
    many_keys = json.dumps({f"k{n}": n for n in range(BUDGET + 1)}).encode()
    top_level_list = json.dumps(list(range(BUDGET + 1))).encode()

    assert _values(json.loads(many_keys)) == BUDGET + 2
    assert field_past_budget(many_keys, BUDGET) == "non_field_errors"
    assert field_past_budget(top_level_list, BUDGET) == "non_field_errors"


def test_commas_and_brackets_inside_strings_are_not_values():
    body = json.dumps({"note": ",[{" * 10 * BUDGET, "items": [1, 2]}).encode()

    assert field_past_budget(body, BUDGET) is None


def test_a_body_that_is_not_json_is_left_to_the_parser_to_name_its_fault():
    body = b'{"items": [oops,' + b"0," * 3 * BUDGET + b"0]}"

    assert field_past_budget(body, BUDGET) is None
    with pytest.raises(Exception, match="JSON parse error"):
        json_loads(body)


def test_the_fullest_body_any_endpoint_accepts_holds_a_tenth_of_the_budget_or_less():
    integration = {
        "type": "INVENTORY",
        "update_frequency": "0 * * * *",
        "time_zone": "Europe/Berlin",
        "file_locations": "sftp://x",
        "file_specs": "spec",
        "rules": "rules",
        "record_uuid": "00000000-0000-0000-0000-000000000000",
        "delete": False,
    }
    fullest_create = {
        "organization_name": "x",
        "primary_contact_name": "x",
        "primary_contact_phone": "x",
        "primary_contact_email": "x@example.com",
        "organization_account_number": "x",
        "additional_information": "x",
        "integrations": [integration] * 50,
        "uploaded_files": [{"uuid": "00000000-0000-0000-0000-000000000000"}] * 100,
    }

    assert _values(fullest_create) * 10 <= settings.REQUEST_MAX_JSON_VALUES


@pytest.mark.django_db
def test_through_the_api_a_list_past_the_budget_is_a_400_naming_it(retailer_client):
    budget = settings.REQUEST_MAX_JSON_VALUES
    body = {"organization_name": "x", "primary_contact_name": "x", "uploaded_files": [0] * budget}

    response = retailer_client.post(
        "/organizations/connections/request/", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {
        "uploaded_files": [f"Too many values: a request body may hold at most {budget}."]
    }


@pytest.mark.django_db
def test_through_the_api_a_long_text_full_of_commas_is_still_accepted(retailer_client):
    body = {
        "organization_name": "Commas Inc",
        "primary_contact_name": "x",
        "additional_information": ", [" * settings.REQUEST_MAX_JSON_VALUES,
    }

    response = retailer_client.post(
        "/organizations/connections/request/", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 201, response.content[:300]
    stored = ConnectionRequest.objects.get(counterpart_name="Commas Inc")
    assert stored.additional_information == body["additional_information"]


def test_a_decoded_body_is_counted_as_its_bytes_are():
    for values in (BUDGET, BUDGET + 1):
        body = _body(values)
        assert field_past_budget(body.decode(), BUDGET) == field_past_budget(body, BUDGET)
    assert field_past_budget(_body(BUDGET + 1).decode(), BUDGET) == "items"
