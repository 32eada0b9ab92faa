"""The change request's one typed payload: stored payloads keep loading, one name per field,
the vendor's names in one place, shown through the same type by the API and the admin."""

import json
from datetime import date

import pytest

from outreach.api.serializers import ChangeRequestInputSerializer, SubmittedFields
from outreach.choices import ChangeRequestKind
from outreach.fields import CHANGE_REQUEST_FIELDS
from outreach.models import ChangeRequest
from outreach.payload import ChangeRequestPayload
from tests.factories import ChangeRequestFactory, StaffUserFactory
from tests.seeds import OUTREACH_SEED_BODY

pytestmark = pytest.mark.django_db

BASE = "/api_accessacs_mobile/v2/12345"

STORED_BEFORE = {
    ChangeRequestKind.ADD: {
        "connection_type_id": 1,
        "contact_indv_id": 76,
        "family_connection": False,
        "complete": False,
        "connection_date": "2015-06-05",
        "new_caller_indv_id": None,
        "new_team_id": 1,
        "open_category_id": 1,
        "comment": "Test",
        "response_ids": [],
    },
    ChangeRequestKind.REASSIGN: {
        "connection_date": "2015-07-01",
        "comment": "Called, no answer",
        "response_ids": [],
        "new_caller_indv_id": 77,
        "new_team_id": None,
    },
    ChangeRequestKind.COMPLETE: {
        "connection_date": "2015-06-07",
        "comment": "Called",
        "response_ids": [11, 12],
    },
    ChangeRequestKind.MODIFY: {"connection_date": "2015-07-01", "comment": "", "response_ids": []},
}
"""`ChangeRequest.payload` as the previous version stored it, kind by kind."""


@pytest.mark.parametrize("kind", list(STORED_BEFORE))
def test_payloads_stored_before_load_and_store_back_unchanged(world, kind):
    change_request = ChangeRequestFactory(
        site=world.site,
        kind=kind,
        connection=None if kind == ChangeRequestKind.ADD else world.connection,
        payload=STORED_BEFORE[kind],
    )

    payload = ChangeRequestPayload.of(change_request)

    assert payload.kind == kind
    assert payload.to_stored() == STORED_BEFORE[kind]
    assert isinstance(payload.connection_date, date)
    assert payload.connection_id == (None if kind == ChangeRequestKind.ADD else 1)


@pytest.mark.parametrize("kind", list(STORED_BEFORE))
def test_payloads_stored_before_apply(world, admin, kind):
    change_request = ChangeRequestFactory(
        site=world.site,
        kind=kind,
        connection=None if kind == ChangeRequestKind.ADD else world.connection,
        payload=STORED_BEFORE[kind],
    )
    response = admin.post(f"{BASE}/changerequests/{change_request.number}/apply")
    assert response.status_code == 200, response.content
    assert response.json()["Status"] == "APPLIED"


def test_each_field_has_one_name_and_one_vendor_name():
    attributes = [spec.stored for spec in CHANGE_REQUEST_FIELDS]
    wire_names = [spec.wire for spec in CHANGE_REQUEST_FIELDS]
    assert len(set(attributes)) == len(attributes) == len(set(wire_names)) == 12
    assert set(wire_names) == set(OUTREACH_SEED_BODY)
    # the input and the output shapes are built from the same specs
    assert list(ChangeRequestInputSerializer().fields) == wire_names
    assert list(SubmittedFields.__annotations__) == wire_names
    sources = [field.source for field in ChangeRequestInputSerializer().fields.values()]
    assert sources == attributes


def test_the_seed_body_round_trips_through_the_payload(world, caller, admin):
    response = caller.post(
        f"{BASE}/connections", json.dumps(OUTREACH_SEED_BODY), content_type="application/json"
    )
    change_request = ChangeRequest.objects.get(number=response.json())

    assert ChangeRequestPayload.of(change_request).to_wire() == OUTREACH_SEED_BODY
    detail = admin.get(f"{BASE}/changerequests/{change_request.number}").json()
    assert detail["Request"] == OUTREACH_SEED_BODY


@pytest.mark.parametrize(("sent", "stored"), [(0, 1), (-7, 1), (1, 1), (4, 4)])
def test_any_integer_open_category_is_accepted(world, caller, sent, stored):
    body = {**OUTREACH_SEED_BODY, "OpenCategoryId": sent}
    response = caller.post(f"{BASE}/connections", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert ChangeRequest.objects.get().payload["open_category_id"] == stored


def test_the_admin_shows_the_request_in_the_vendors_names(world, caller, client):
    body = {**OUTREACH_SEED_BODY, "Comment": "Café"}
    number = caller.post(
        f"{BASE}/connections", json.dumps(body), content_type="application/json"
    ).json()
    change_request = ChangeRequest.objects.get(number=number)
    client.force_login(StaffUserFactory(is_superuser=True))

    page = client.get(f"/admin/outreach/changerequest/{change_request.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "&quot;ContactIndvId&quot;: 76" in text
    assert "&quot;Comment&quot;: &quot;Café&quot;" in text
    assert "contact_indv_id" not in text


@pytest.mark.parametrize(("value", "ok"), [("06/05/2015", True), ("6/5/2015", False)])
def test_body_and_filters_read_dates_with_the_same_parser(world, caller, value, ok):
    body = {**OUTREACH_SEED_BODY, "ConnectionDate": value}
    posted = caller.post(f"{BASE}/connections", json.dumps(body), content_type="application/json")
    filtered = caller.get(f"{BASE}/connections/assignments/1", {"dueDateFrom": value})

    assert (posted.status_code, filtered.status_code) == ((200, 200) if ok else (400, 400))
    if not ok:
        assert list(posted.json()["errors"]) == ["ConnectionDate"]
        assert list(filtered.json()["errors"]) == ["dueDateFrom"]
