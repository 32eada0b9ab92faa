"""Schedules through the API: a time zone per integration, its runs with offset and in UTC,
warnings that never refuse what is accepted, and 400s that name the field."""

import pytest

from connections.models import Integration
from tests.connections.conftest import SEED_INTEGRATION_UUID, request_url

pytestmark = pytest.mark.django_db


def body(**integration) -> dict:
    return {
        "organization_name": "Acme Supply",
        "primary_contact_name": "Pat Doe",
        "integrations": [{"type": "orders", **integration}],
    }


def created_integration(client, **integration) -> dict:
    response = client.post(request_url(), body(**integration), format="json")
    assert response.status_code == 201, response.content
    detail = client.get(f"{request_url()}{response.json()['request_uuid']}/").json()
    (row,) = detail["integrations"]
    return row


def test_a_zone_gives_runs_with_its_offset_and_in_utc(retailer_client):
    row = created_integration(
        retailer_client, update_frequency="0 2 * * *", time_zone="America/New_York"
    )

    assert row["time_zone"] == "America/New_York"
    assert row["schedule_description"] == "At 02:00 (America/New_York)"
    assert all(run[10:] in ("T02:00:00-05:00", "T02:00:00-04:00") for run in row["next_runs"])
    assert all(run[10:] in ("T07:00:00Z", "T06:00:00Z") for run in row["next_runs_utc"])
    assert [run[:10] for run in row["next_runs_utc"]] == [run[:10] for run in row["next_runs"]]
    assert row["schedule_warnings"] == []


@pytest.mark.parametrize("given", [{}, {"time_zone": None}, {"time_zone": "UTC"}])
def test_no_zone_is_utc_and_answers_as_before(retailer_client, given):
    row = created_integration(retailer_client, update_frequency="0 2 * * *", **given)

    assert row["time_zone"] == "UTC"
    assert row["next_runs"] == row["next_runs_utc"]
    assert all(run.endswith("T02:00:00Z") for run in row["next_runs"])
    assert row["schedule_description"] == "At 02:00 (UTC)"


def test_an_unknown_zone_is_a_400_naming_it(retailer_client):
    response = retailer_client.post(
        request_url(), body(update_frequency="0 2 * * *", time_zone="Mars/Olympus"), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["integrations.0.time_zone"]
    assert "'Mars/Olympus' is not a known IANA time zone" in errors["integrations.0.time_zone"][0]
    assert not Integration.objects.exists()


def test_the_seeds_schedule_is_accepted_with_a_warning(retailer_client):
    row = created_integration(retailer_client, update_frequency="* 20 12 3 8,9 *")
    (warning,) = row["schedule_warnings"]
    assert warning.startswith("It fires 60 times a minute")


def test_a_schedule_that_never_fires_stays_a_400_naming_update_frequency(retailer_client):
    response = retailer_client.post(
        request_url(), body(update_frequency="0 0 30 2 *"), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["integrations.0.update_frequency"]
    (message,) = errors["integrations.0.update_frequency"]
    assert message.startswith("'0 0 30 2 *' never fires (no month it names has that day): use ")


def test_no_schedule_has_no_runs_and_no_warnings(retailer_client):
    row = created_integration(retailer_client, time_zone="Europe/Berlin")
    assert row["update_frequency"] is None
    assert (row["next_runs"], row["next_runs_utc"], row["schedule_description"]) == (None,) * 3
    assert row["schedule_warnings"] == []
    assert row["time_zone"] == "Europe/Berlin"


def test_patch_sets_the_zone_and_refuses_an_unknown_one(retailer_client, pending_request):
    url = request_url(pending_request)
    change = {"record_uuid": SEED_INTEGRATION_UUID, "time_zone": "Asia/Kolkata"}
    response = retailer_client.patch(url, {"integrations": [change]}, format="json")
    assert response.status_code == 204, response.content
    (row,) = retailer_client.get(url).json()["integrations"]
    assert row["time_zone"] == "Asia/Kolkata"
    assert all(run.endswith("T02:00:00+05:30") for run in row["next_runs"])
    assert all(run.endswith("T20:30:00Z") for run in row["next_runs_utc"])

    change["time_zone"] = "Asia/Nowhere"
    response = retailer_client.patch(url, {"integrations": [change]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["integrations.0.time_zone"]
