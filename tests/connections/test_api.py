"""The supplier connection API as a client sees it: real Token headers, the seed's bodies."""

import json

import pytest

from connections.choices import ConnectionRequestStatus, ConnectionStatus
from connections.models import Connection, ConnectionRequest, Integration
from organizations.choices import OrganizationType
from organizations.models import Organization
from tests.connections.conftest import SEED_INTEGRATION_UUID, SEED_REQUEST_UUID, request_url
from tests.factories import (
    ConnectionFactory,
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
)
from tests.seeds import SUPPLIER_SEED_PATCH_BODY

pytestmark = pytest.mark.django_db


CREATE_BODY = {
    "organization_name": "Thomas-Perkins",
    "primary_contact_name": "owner user",
    "primary_contact_phone": "801-555-1212",
    "primary_contact_email": "roger@rabbit.com",
    "retailer_account_number": "ABC123",
    "additional_information": "What's up doc",
    "integrations": [
        {
            "integration_type": "items",
            "update_frequency": "* 20 12 3 8,9 *",
            "file_specs": "items specs",
            "rules": "be nice",
        }
    ],
}


def create(client, body, **extra):
    return client.post(request_url(), body, format="json", **extra)


def patch(client, connection_request, body):
    return client.patch(request_url(connection_request), body, format="json")


# --- the seed -------------------------------------------------------------------------------


def test_seed_patch_body_as_sent_returns_204_and_changes_exactly_what_it_names(
    api_client, retailer_user, pending_request
):
    from tests.conftest import token_header

    untouched = IntegrationFactory(request=pending_request, integration_type="tracking")
    response = api_client.generic(
        "PATCH",
        f"/organizations/connections/request/{SEED_REQUEST_UUID}/",
        SUPPLIER_SEED_PATCH_BODY.encode(),
        content_type="application/json; charset=utf-8",
        HTTP_AUTHORIZATION=token_header(retailer_user),
        HTTP_COOKIE="sessionid=fi1us4q9rlphkjbscpo0dtz9iltj7ovp",
    )
    assert response.status_code == 204, response.content
    assert response.content == b""

    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Thomas-Perkins"
    assert pending_request.contact_name == "owner user"
    assert pending_request.contact_phone == "801-555-1212"
    assert pending_request.contact_email == "roger@rabbit.com"
    assert pending_request.account_number == "ABC123"
    assert pending_request.additional_information == "What's up doc"
    assert pending_request.status == ConnectionRequestStatus.PENDING

    integration = Integration.objects.get(uuid=SEED_INTEGRATION_UUID)
    assert integration.integration_type == "item"
    assert integration.update_frequency == "* 20 12 3 8,9 *"
    assert integration.file_specs == "items specs"
    assert integration.rules == "if you can't say anything nice, don't say anything at all"
    assert integration.file_locations == "sftp://old"  # not named: kept
    untouched.refresh_from_db()
    assert untouched.integration_type == "tracking"
    assert pending_request.integrations.count() == 2


def test_seed_patch_without_trailing_slash(retailer_client, pending_request):
    response = retailer_client.generic(
        "PATCH",
        f"/organizations/connections/request/{SEED_REQUEST_UUID}",
        SUPPLIER_SEED_PATCH_BODY,
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 204


# --- create -----------------------------------------------------------------------------------


def test_create_returns_uuid_and_date_and_stores_everything(retailer_client, retailer_user):
    response = create(retailer_client, CREATE_BODY)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"request_uuid", "request_date"}
    assert body["request_date"].endswith("Z")
    created = ConnectionRequest.objects.get(uuid=body["request_uuid"])
    assert created.requester == retailer_user.organization_membership.organization
    assert created.created_by == retailer_user
    assert created.counterpart_name == "Thomas-Perkins"
    assert created.account_number == "ABC123"
    assert created.status == ConnectionRequestStatus.PENDING
    (integration,) = created.integrations.all()
    assert integration.integration_type == "item"
    assert integration.update_frequency == "* 20 12 3 8,9 *"


def test_create_without_trailing_slash(retailer_client):
    response = retailer_client.post(
        "/organizations/connections/request", CREATE_BODY, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "aliases",
    [
        {"org_name": "X Co", "org_contact_full_name": "Jo X"},
        {"organization_name": "X Co", "primary_contact_name": "Jo X"},
    ],
)
@pytest.mark.parametrize(
    "account_alias",
    ["organization_account_number", "retailer_account_number", "supplier_account_number"],
)
@pytest.mark.parametrize("integrations_key", ["integrations", "requested_integrations"])
@pytest.mark.parametrize("type_key", ["type", "integration_type"])
@pytest.mark.parametrize("locations_key", ["file_locations", "feed_source_file_locations"])
def test_create_accepts_every_alias(
    retailer_client, aliases, account_alias, integrations_key, type_key, locations_key
):
    body = {
        **aliases,
        account_alias: "N-1",
        integrations_key: [
            {type_key: "orders", "update_frequency": "@daily", locations_key: "sftp://x"}
        ],
    }
    response = create(retailer_client, body)
    assert response.status_code == 201, response.json()
    created = ConnectionRequest.objects.get(uuid=response.json()["request_uuid"])
    assert (created.counterpart_name, created.contact_name, created.account_number) == (
        "X Co",
        "Jo X",
        "N-1",
    )
    integration = created.integrations.get()
    assert (integration.integration_type, integration.file_locations) == ("order", "sftp://x")


@pytest.mark.parametrize(
    ("spelling", "stored"),
    [
        ("item", "item"),
        ("items", "item"),
        ("order", "order"),
        ("orders", "order"),
        ("allocation", "allocation"),
        ("allocations", "allocation"),
        ("tracking", "tracking"),
        ("trackings", "tracking"),
        ("other", "other"),
        ("others", "other"),
        ("Items", "item"),
    ],
)
def test_integration_types_singular_and_plural(retailer_client, spelling, stored):
    body = {**CREATE_BODY, "integrations": [{"type": spelling, "update_frequency": "@hourly"}]}
    response = create(retailer_client, body)
    assert response.status_code == 201
    created = ConnectionRequest.objects.get(uuid=response.json()["request_uuid"])
    assert created.integrations.get().integration_type == stored


def test_unknown_integration_type_is_400_naming_the_field_as_sent(retailer_client):
    body = {
        **CREATE_BODY,
        "integrations": [{"integration_type": "invoices", "update_frequency": "@daily"}],
    }
    response = create(retailer_client, body)
    assert response.status_code == 400
    assert "integrations.0.integration_type" in response.json()["errors"]
    assert ConnectionRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("body_extra", "field"),
    [
        ({"org_name": "Y"}, "org_name"),
        ({"org_contact_full_name": "Y"}, "org_contact_full_name"),
        ({"supplier_account_number": "Y"}, "supplier_account_number"),
        ({"requested_integrations": []}, "requested_integrations"),
    ],
)
def test_two_aliases_of_one_field_is_400(retailer_client, body_extra, field):
    response = create(retailer_client, {**CREATE_BODY, **body_extra})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ConnectionRequest.objects.count() == 0


def test_two_aliases_inside_an_integration_is_400(retailer_client):
    item = {"type": "item", "integration_type": "item", "update_frequency": "@daily"}
    response = create(retailer_client, {**CREATE_BODY, "integrations": [item]})
    assert response.status_code == 400
    assert "integrations.0.integration_type" in response.json()["errors"]


def test_read_only_fields_are_ignored_on_create(retailer_client):
    body = {
        **CREATE_BODY,
        "is_approved": True,
        "approved_by": {"uuid": "00000000-0000-0000-0000-000000000000"},
        "request_date": "2001-01-01T00:00:00Z",
        "record_uuid": "3a438d7e-1234-46e1-96d2-efd9dac561d9",
        "status": "APPROVED",
        "integrations": [
            {
                "type": "item",
                "update_frequency": "@daily",
                "record_uuid": "not even a uuid",
                "date_created": "2001-01-01",
            }
        ],
    }
    response = create(retailer_client, body)
    assert response.status_code == 201, response.json()
    created = ConnectionRequest.objects.get(uuid=response.json()["request_uuid"])
    assert str(created.uuid) != body["record_uuid"]
    assert created.status == ConnectionRequestStatus.PENDING
    assert created.decided_by is None
    assert created.request_date.year > 2001
    assert created.integrations.get().date_created.year > 2001


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"primary_contact_name": "x"}, "organization_name"),
        ({"organization_name": "x"}, "primary_contact_name"),
        ({**CREATE_BODY, "organization_name": "x" * 201}, "organization_name"),
        ({**CREATE_BODY, "primary_contact_phone": "1" * 21}, "primary_contact_phone"),
        ({**CREATE_BODY, "primary_contact_email": "not-an-email"}, "primary_contact_email"),
        ({**CREATE_BODY, "integrations": [{"type": "item", "update_frequency": ""}]},
         "integrations.0.update_frequency"),
        ({**CREATE_BODY, "integrations": [{"update_frequency": "@daily"}]}, "integrations.0.type"),
        ({**CREATE_BODY, "integrations": "items"}, "integrations"),
        ({**CREATE_BODY, "integrations": [{"type": "item", "update_frequency": 5}]},
         "integrations.0.update_frequency"),
        # wrong JSON types: named as the client spelled them, never a 500
        ({**CREATE_BODY, "organization_name": None}, "organization_name"),
        ({"org_name": ["x"], "primary_contact_name": "y"}, "org_name"),
        ({**CREATE_BODY, "additional_information": {"a": 1}}, "additional_information"),
        ({**CREATE_BODY, "retailer_account_number": None}, "retailer_account_number"),
        ({**CREATE_BODY, "integrations": {}}, "integrations"),
        ({"org_name": "x", "primary_contact_name": "y", "requested_integrations": {}},
         "requested_integrations"),
        ({**CREATE_BODY, "integrations": [None]}, "integrations.0"),
        ({**CREATE_BODY, "integrations": ["item"]}, "integrations.0"),
        ({"org_name": "x", "primary_contact_name": "y",
          "requested_integrations": [{"integration_type": ["item"], "update_frequency": "@daily"}]},
         "requested_integrations.0.integration_type"),
        ({**CREATE_BODY, "integrations": [{"type": "item", "update_frequency": "@daily",
                                           "feed_source_file_locations": {}}]},
         "integrations.0.feed_source_file_locations"),
        ({**CREATE_BODY, "integrations": [{"type": "item", "update_frequency": "@daily",
                                           "rules": None}]},
         "integrations.0.rules"),
        ({**CREATE_BODY, "uploaded_files": {}}, "uploaded_files"),
        ({**CREATE_BODY, "uploaded_files": [["x"]]}, "uploaded_files.0"),
    ],
)  # fmt: skip
def test_invalid_create_is_400_naming_the_field(retailer_client, body, field):
    response = create(retailer_client, body)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert ConnectionRequest.objects.count() == 0


@pytest.mark.parametrize(
    "cron",
    ["0 2 * * *", "*/15 * * * mon-fri", "* 20 12 3 8,9 *", "0 0 2 * * *", "@hourly", "@daily",
     "@weekly", "@monthly", "@yearly"],
)  # fmt: skip
def test_valid_update_frequencies(retailer_client, cron):
    body = {**CREATE_BODY, "integrations": [{"type": "item", "update_frequency": cron}]}
    assert create(retailer_client, body).status_code == 201


@pytest.mark.parametrize(
    "cron",
    ["0 0 1 * * * 2030", "0 0 ? * *", "0 0 L * *", "ftp://foo:bar@baz.blerg", "@midnight",
     "61 * * * *", "* * *", "", "0 0 31 2 *", "0 0 * * 1#2"],
)  # fmt: skip
def test_invalid_update_frequencies_are_400_with_a_valid_form(retailer_client, cron):
    body = {
        **CREATE_BODY,
        "integrations": [
            {"type": "item", "update_frequency": "@daily"},
            {"type": "item", "update_frequency": cron},
        ],
    }
    response = create(retailer_client, body)
    assert response.status_code == 400
    (message,) = response.json()["errors"]["integrations.1.update_frequency"]
    assert "0 2 * * *" in message
    assert "seconds first" in message
    assert ConnectionRequest.objects.count() == 0


@pytest.mark.parametrize("field", ["type", "update_frequency"])
def test_a_huge_invalid_value_is_not_echoed_back_whole(retailer_client, field):
    integration = {"type": "item", "update_frequency": "@daily", field: "x" * 100_000}
    response = create(retailer_client, {**CREATE_BODY, "integrations": [integration]})
    assert response.status_code == 400
    assert f"integrations.0.{field}" in response.json()["errors"]
    assert len(response.content) < 3000


@pytest.mark.parametrize(
    ("fragment", "field"),
    [
        ('"integrations": [{"type": "\\ud800", "update_frequency": "@daily"}]',
         "integrations.0.type"),
        ('"integrations": [{"type": "item", "update_frequency": "\\ud800"}]',
         "integrations.0.update_frequency"),
        ('"uploaded_files": ["\\ud800"]', "uploaded_files"),
        ('"uploaded_files": [{"uuid": "\\udfff"}]', "uploaded_files"),
    ],
)  # fmt: skip
def test_a_lone_surrogate_quoted_in_an_error_is_400_not_500(retailer_client, fragment, field):
    """JSON may carry "\\ud800"; quoted back raw it could not be encoded as UTF-8."""
    body = '{"org_name": "X", "primary_contact_name": "Y", ' + fragment + "}"
    response = retailer_client.generic(
        "POST", request_url(), body.encode(), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_options_describes_the_post_body_not_the_response(retailer_client):
    described = retailer_client.options(request_url()).json()["actions"]["POST"]
    assert described["organization_name"]["required"] is True
    assert "record_uuid" not in described
    assert "org_name" not in described


def test_malformed_json_is_400(retailer_client):
    response = retailer_client.generic(
        "POST", request_url(), b'{"organization_name": ', content_type="application/json"
    )
    assert response.status_code == 400


def test_non_object_body_is_400(retailer_client):
    response = create(retailer_client, ["not", "an", "object"])
    assert response.status_code == 400


def test_form_body_is_415(retailer_client):
    response = retailer_client.post(request_url(), {"organization_name": "x"}, format="multipart")
    assert response.status_code == 415


def test_supplier_may_request_too(token_client, supplier_user):
    response = create(token_client(supplier_user), CREATE_BODY)
    assert response.status_code == 201
    created = ConnectionRequest.objects.get(uuid=response.json()["request_uuid"])
    assert created.requester.org_type == OrganizationType.SUPPLIER


@pytest.mark.parametrize("who", ["staff_user", "inactive_user", "no_membership"])
def test_create_without_active_organization_is_409(request, token_client, who):
    from tests.factories import UserFactory

    user = UserFactory() if who == "no_membership" else request.getfixturevalue(who)
    response = create(token_client(user), CREATE_BODY)
    assert response.status_code == 409
    assert ConnectionRequest.objects.count() == 0


def test_no_credentials_is_401_with_token_challenge(api_client):
    response = create(api_client, CREATE_BODY)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_basic_auth_works_too(basic_client, retailer_user):
    response = create(basic_client(retailer_user.username), CREATE_BODY)
    assert response.status_code == 201


# --- detail and list -----------------------------------------------------------------------


def test_detail_uses_the_output_names(retailer_client, pending_request, retailer):
    response = retailer_client.get(request_url(pending_request))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "record_uuid",
        "org_name",
        "org_contact_full_name",
        "primary_contact_phone",
        "primary_contact_email",
        "retailer_account_number",
        "additional_information",
        "request_date",
        "status",
        "is_approved",
        "approved_by",
        "rejection_reason",
        "integrations",
        "uploaded_files",
        "changes_requested",
        "history",
    ]
    assert body["changes_requested"] is None
    assert body["history"] == []
    assert body["record_uuid"] == SEED_REQUEST_UUID
    assert body["org_name"] == "Old Name"
    assert body["org_contact_full_name"] == "Old Contact"
    assert body["retailer_account_number"] == "OLD1"
    assert body["status"] == "PENDING"
    assert body["is_approved"] is False
    assert body["approved_by"] is None
    assert body["rejection_reason"] is None
    assert body["uploaded_files"] == []
    (integration,) = body["integrations"]
    assert integration == {
        "record_uuid": SEED_INTEGRATION_UUID,
        "integration_type": "order",
        "update_frequency": "0 2 * * *",
        "time_zone": "UTC",
        "next_runs": integration["next_runs"],
        "next_runs_utc": integration["next_runs"],
        "schedule_description": "At 02:00 (UTC)",
        "schedule_warnings": [],
        "feed_source_file_locations": "sftp://old",
        "file_specs": "old specs",
        "rules": "old rules",
        "date_created": integration["date_created"],
    }
    assert integration["date_created"].endswith("Z")
    assert len(integration["next_runs"]) == 3
    assert all(run.endswith("T02:00:00Z") for run in integration["next_runs"])


def test_detail_of_a_supplier_request_says_supplier_account_number(token_client, supplier_user):
    connection_request = ConnectionRequestFactory(
        requester=supplier_user.organization_membership.organization, account_number="S-9"
    )
    body = token_client(supplier_user).get(request_url(connection_request)).json()
    assert body["supplier_account_number"] == "S-9"
    assert "retailer_account_number" not in body


def test_detail_shows_approver_once_approved(retailer_client, staff_client, pending_request):
    staff_client.post(request_url(pending_request, "approve/"), {}, format="json")
    body = retailer_client.get(request_url(pending_request)).json()
    assert body["status"] == "APPROVED"
    assert body["is_approved"] is True
    assert set(body["approved_by"]) == {"uuid", "person"}
    assert set(body["approved_by"]["person"]) == {
        "uuid", "first_name", "last_name", "email", "phone", "job_title"
    }  # fmt: skip


def test_unknown_or_malformed_uuid_is_404(retailer_client):
    assert (
        retailer_client.get(request_url() + "0e0e0e0e-0000-4000-8000-000000000000/").status_code
        == 404
    )
    assert retailer_client.get(request_url() + "not-a-uuid/").status_code == 404


def test_list_is_paginated_newest_first(retailer_client, retailer):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    made = [
        ConnectionRequestFactory(requester=retailer, request_date=now - timedelta(days=days))
        for days in (3, 1, 2)
    ]
    response = retailer_client.get(request_url(), {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {
        "total_count": 3,
        "start": 0,
        "limit": 2,
        "total_count_exact": True,
    }
    assert [item["record_uuid"] for item in body["requests"]] == [
        str(made[1].uuid),
        str(made[2].uuid),
    ]
    rest = retailer_client.get(request_url(), {"start": 2, "limit": 2}).json()
    assert [item["record_uuid"] for item in rest["requests"]] == [str(made[0].uuid)]
    assert retailer_client.get(request_url(), {"start": 10}).json()["requests"] == []


@pytest.mark.parametrize("query", [{"limit": "-1"}, {"limit": "abc"}, {"start": "-3"}])
def test_bad_paging_is_400(retailer_client, query):
    assert retailer_client.get(request_url(), query).status_code == 400


def test_limit_over_100_is_forced_to_100(retailer_client):
    assert retailer_client.get(request_url(), {"limit": 500}).json()["pagination"]["limit"] == 100


@pytest.fixture
def assorted_requests(retailer):
    from datetime import UTC, datetime

    def on(day):
        return datetime(2026, 3, day, 12, tzinfo=UTC)

    pending = ConnectionRequestFactory(
        requester=retailer, counterpart_name="Zeta Foods", request_date=on(1)
    )
    IntegrationFactory(request=pending, integration_type="order")
    approved = ConnectionRequestFactory(
        requester=retailer,
        counterpart_name="Beta Tools",
        contact_name="Ann Smith",
        status=ConnectionRequestStatus.APPROVED,
        request_date=on(5),
    )
    IntegrationFactory(request=approved, integration_type="item")
    IntegrationFactory(request=approved, integration_type="item")
    withdrawn = ConnectionRequestFactory(
        requester=retailer, status=ConnectionRequestStatus.WITHDRAWN, request_date=on(9)
    )
    rejected = ConnectionRequestFactory(
        requester=retailer, status=ConnectionRequestStatus.REJECTED, request_date=on(10)
    )
    return {"pending": pending, "approved": approved, "withdrawn": withdrawn, "rejected": rejected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["rejected", "approved", "pending"]),
        ({"status": "WITHDRAWN"}, ["withdrawn"]),
        ({"status": "PENDING"}, ["pending"]),
        ({"is_approved": "true"}, ["approved"]),
        ({"is_approved": "false"}, ["rejected", "pending"]),
        ({"is_approved": "1"}, ["approved"]),
        ({"is_approved": "False"}, ["rejected", "pending"]),
        ({"is_approved": "0"}, ["rejected", "pending"]),
        ({"integration_type": "item"}, ["approved"]),
        ({"integration_type": "orders"}, ["pending"]),
        ({"integration_type": "ITEMS"}, ["approved"]),
        ({"request_date_after": "2026-03-05"}, ["rejected", "approved"]),
        ({"request_date_before": "2026-03-05"}, ["approved", "pending"]),
        ({"request_date_after": "2026-03-02T00:00:00Z", "request_date_before": "2026-03-06"},
         ["approved"]),
        ({"search": "beta"}, ["approved"]),
        ({"search": "ann sm"}, ["approved"]),
    ],
)  # fmt: skip
def test_list_filters(retailer_client, assorted_requests, query, expected):
    response = retailer_client.get(request_url(), query)
    assert response.status_code == 200, response.json()
    got = [item["record_uuid"] for item in response.json()["requests"]]
    assert got == [str(assorted_requests[name].uuid) for name in expected]


@pytest.mark.parametrize(
    ("query", "expected", "filterset_built"),
    [
        ({}, ["rejected", "approved", "pending"], False),
        ({"start": 1, "limit": 1}, ["approved"], False),
        ({"status": "WITHDRAWN"}, ["withdrawn"], True),
        ({"search": "beta"}, ["approved"], True),
    ],
)
def test_a_list_naming_no_filter_skips_the_filterset_and_still_hides_withdrawn(
    retailer_client, assorted_requests, monkeypatch, query, expected, filterset_built
):
    from connections.filters import ConnectionRequestFilterSet

    built = []
    original = ConnectionRequestFilterSet.__init__

    def counting_init(self, *args, **kwargs):
        built.append(True)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ConnectionRequestFilterSet, "__init__", counting_init)

    response = retailer_client.get(request_url(), query)

    assert response.status_code == 200, response.json()
    got = [item["record_uuid"] for item in response.json()["requests"]]
    assert got == [str(assorted_requests[name].uuid) for name in expected]
    assert bool(built) is filterset_built


@pytest.mark.parametrize(
    "query",
    [
        {"status": "DONE"},
        {"integration_type": "invoice"},
        {"integration_type": "s"},
        {"integration_type": "itemss"},
        {"is_approved": "maybe"},
        {"is_approved": "yes"},
        {"request_date_after": "yesterday"},
    ],
)
def test_bad_filter_values_are_400_naming_the_filter(retailer_client, query):
    response = retailer_client.get(request_url(), query)
    assert response.status_code == 400
    assert set(query) <= set(response.json()["errors"])


def test_list_shows_only_own_organization(retailer_client, pending_request, other_retailer_user):
    ConnectionRequestFactory(requester=other_retailer_user.organization_membership.organization)
    body = retailer_client.get(request_url()).json()
    assert [item["record_uuid"] for item in body["requests"]] == [SEED_REQUEST_UUID]


def test_staff_list_shows_every_organization(staff_client, pending_request, other_retailer_user):
    ConnectionRequestFactory(requester=other_retailer_user.organization_membership.organization)
    assert staff_client.get(request_url()).json()["pagination"]["total_count"] == 2


def test_user_without_organization_sees_an_empty_list(token_client, pending_request):
    from tests.factories import UserFactory

    body = token_client(UserFactory()).get(request_url()).json()
    assert body["requests"] == []


def test_list_items_match_the_detail(retailer_client, pending_request):
    listed = retailer_client.get(request_url()).json()["requests"][0]
    assert listed == retailer_client.get(request_url(pending_request)).json()


# --- PATCH ----------------------------------------------------------------------------------


def test_patch_adds_and_deletes_integrations(retailer_client, pending_request):
    keep = IntegrationFactory(request=pending_request, integration_type="tracking")
    response = patch(
        retailer_client,
        pending_request,
        {
            "requested_integrations": [
                {"record_uuid": SEED_INTEGRATION_UUID, "delete": True},
                {"type": "allocations", "update_frequency": "0 6 * * 1"},
            ]
        },
    )
    assert response.status_code == 204
    types = sorted(pending_request.integrations.values_list("integration_type", flat=True))
    assert types == ["allocation", "tracking"]
    assert Integration.objects.filter(uuid=keep.uuid).exists()
    assert not Integration.objects.filter(uuid=SEED_INTEGRATION_UUID).exists()


def test_patch_with_only_scalar_fields_keeps_integrations(retailer_client, pending_request):
    response = patch(retailer_client, pending_request, {"org_name": "New Name"})
    assert response.status_code == 204
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "New Name"
    assert pending_request.contact_name == "Old Contact"
    assert pending_request.integrations.count() == 1


def test_patch_with_empty_body_changes_nothing(retailer_client, pending_request):
    assert patch(retailer_client, pending_request, {}).status_code == 204
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Old Name"


def test_patch_record_uuid_of_another_request_is_422_and_changes_nothing(
    retailer_client, pending_request, retailer
):
    foreign = IntegrationFactory(request=ConnectionRequestFactory(requester=retailer))
    response = patch(
        retailer_client,
        pending_request,
        {
            "organization_name": "Changed",
            "integrations": [
                {"type": "item", "update_frequency": "@daily"},
                {"record_uuid": str(foreign.uuid), "rules": "stolen"},
            ],
        },
    )
    assert response.status_code == 422
    assert "integrations.1.record_uuid" in response.json()["errors"]
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Old Name"
    assert pending_request.integrations.count() == 1
    foreign.refresh_from_db()
    assert foreign.rules != "stolen"


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"delete": True}, "integrations.0.delete"),
        ({"file_specs": "x"}, "integrations.0.type"),
        ({"record_uuid": "nope"}, "integrations.0.record_uuid"),
        ({"record_uuid": SEED_INTEGRATION_UUID, "update_frequency": "? * * * *"},
         "integrations.0.update_frequency"),
        ({"record_uuid": None}, "integrations.0.record_uuid"),
        ({"record_uuid": SEED_INTEGRATION_UUID, "delete": None}, "integrations.0.delete"),
        ({"record_uuid": SEED_INTEGRATION_UUID, "integration_type": None},
         "integrations.0.integration_type"),
        ({"record_uuid": SEED_INTEGRATION_UUID, "rules": ["x"]}, "integrations.0.rules"),
    ],
)  # fmt: skip
def test_invalid_patch_integration_is_400(retailer_client, pending_request, item, field):
    response = patch(retailer_client, pending_request, {"integrations": [item]})
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "non_field_errors"),
        ({"org_name": None}, "org_name"),
        ({"organization_name": ""}, "organization_name"),
        ({"integrations": {}}, "integrations"),
        ({"requested_integrations": "items"}, "requested_integrations"),
        ({"uploaded_files": None}, "uploaded_files"),
        ({"supplier_account_number": 1.5, "retailer_account_number": "x"},
         "supplier_account_number"),
    ],
)  # fmt: skip
def test_patch_with_wrong_types_is_400_and_changes_nothing(
    retailer_client, pending_request, body, field
):
    response = patch(retailer_client, pending_request, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Old Name"


def test_patch_same_record_uuid_twice_is_400(retailer_client, pending_request):
    item = {"record_uuid": SEED_INTEGRATION_UUID, "rules": "x"}
    response = patch(retailer_client, pending_request, {"integrations": [item, item]})
    assert response.status_code == 400
    assert "integrations" in response.json()["errors"]


def test_patch_two_aliases_is_400(retailer_client, pending_request):
    body = {"retailer_account_number": "A", "organization_account_number": "B"}
    response = patch(retailer_client, pending_request, body)
    assert response.status_code == 400
    pending_request.refresh_from_db()
    assert pending_request.account_number == "OLD1"


def test_patch_ignores_read_only_fields(retailer_client, pending_request):
    body = {"status": "APPROVED", "is_approved": True, "request_date": "2001-01-01T00:00:00Z"}
    assert patch(retailer_client, pending_request, body).status_code == 204
    pending_request.refresh_from_db()
    assert pending_request.status == ConnectionRequestStatus.PENDING
    assert pending_request.request_date.year > 2001


@pytest.mark.parametrize(
    "status",
    [
        ConnectionRequestStatus.APPROVED,
        ConnectionRequestStatus.REJECTED,
        ConnectionRequestStatus.WITHDRAWN,
    ],
)
def test_patch_or_delete_of_a_decided_request_is_422(retailer_client, pending_request, status):
    ConnectionRequest.objects.filter(pk=pending_request.pk).update(status=status)
    assert patch(retailer_client, pending_request, {"org_name": "x"}).status_code == 422
    assert retailer_client.delete(request_url(pending_request)).status_code == 422
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Old Name"
    assert pending_request.status == status


def test_put_is_405(retailer_client, pending_request):
    response = retailer_client.put(request_url(pending_request), CREATE_BODY, format="json")
    assert response.status_code == 405


# --- DELETE ---------------------------------------------------------------------------------


def test_delete_withdraws_and_hides_from_default_list(retailer_client, pending_request):
    response = retailer_client.delete(request_url(pending_request))
    assert response.status_code == 204
    pending_request.refresh_from_db()
    assert pending_request.status == ConnectionRequestStatus.WITHDRAWN
    assert retailer_client.get(request_url()).json()["requests"] == []
    withdrawn = retailer_client.get(request_url(), {"status": "WITHDRAWN"}).json()["requests"]
    assert [item["record_uuid"] for item in withdrawn] == [SEED_REQUEST_UUID]
    assert retailer_client.get(request_url(pending_request)).json()["status"] == "WITHDRAWN"


# --- decisions ------------------------------------------------------------------------------


def test_approve_creates_counterpart_and_connection(staff_client, staff_user, pending_request):
    response = staff_client.post(request_url(pending_request, "approve/"), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "APPROVED"
    assert body["is_approved"] is True
    assert body["approved_by"]["uuid"] == str(staff_user.account_manager.uuid)
    pending_request.refresh_from_db()
    assert pending_request.decided_by == staff_user.account_manager
    assert pending_request.decided_at is not None
    counterpart = pending_request.counterpart
    assert (counterpart.name, counterpart.org_type) == ("Old Name", OrganizationType.SUPPLIER)
    assert counterpart.contact.first_name == "Old"
    assert counterpart.contact.email == "old@example.com"
    connection = Connection.objects.get(uuid=body["connection_uuid"])
    assert connection.status == ConnectionStatus.CONFIRMATION_WAITING
    assert (connection.retailer, connection.supplier) == (pending_request.requester, counterpart)
    assert connection.suppliers_retailer_account_number == "OLD1"
    assert connection.account_manager == staff_user.account_manager


def test_approve_links_an_existing_supplier(staff_client, pending_request, supplier):
    response = staff_client.post(
        request_url(pending_request, "approve/"),
        {"supplier_uuid": str(supplier.uuid)},
        format="json",
    )
    assert response.status_code == 200
    pending_request.refresh_from_db()
    assert pending_request.counterpart == supplier
    assert Organization.objects.count() == 2


def test_approve_supplier_request_links_existing_retailer(
    token_client, staff_client, supplier, retailer
):
    connection_request = ConnectionRequestFactory(requester=supplier, account_number="S-1")
    url = request_url(connection_request, "approve/")
    wrong = staff_client.post(url, {"supplier_uuid": str(supplier.uuid)}, format="json")
    assert wrong.status_code == 400
    assert "supplier_uuid" in wrong.json()["errors"]
    response = staff_client.post(url, {"retailer_uuid": str(retailer.uuid)}, format="json")
    assert response.status_code == 200
    connection = Connection.objects.get()
    assert (connection.retailer, connection.supplier) == (retailer, supplier)
    assert connection.retailers_supplier_account_number == "S-1"


@pytest.mark.parametrize(
    "body",
    [
        {"supplier_uuid": "0e0e0e0e-0000-4000-8000-000000000000"},
        {"supplier_uuid": "garbage"},
        {"supplier_uuid": "0e0e0e0e-0000-4000-8000-000000000000",
         "retailer_uuid": "0e0e0e0e-0000-4000-8000-000000000001"},
        {"supplier_uuid": None},
        {"supplier_uuid": ["0e0e0e0e-0000-4000-8000-000000000000"]},
        [],
    ],
)  # fmt: skip
def test_approve_with_bad_counterpart_is_400_and_stays_pending(staff_client, pending_request, body):
    response = staff_client.post(request_url(pending_request, "approve/"), body, format="json")
    assert response.status_code == 400
    pending_request.refresh_from_db()
    assert pending_request.status == ConnectionRequestStatus.PENDING
    assert not Connection.objects.exists()


def test_approve_existing_retailer_uuid_as_supplier_is_400(staff_client, pending_request, retailer):
    other_retailer = OrganizationFactory(org_type=OrganizationType.RETAILER)
    response = staff_client.post(
        request_url(pending_request, "approve/"),
        {"supplier_uuid": str(other_retailer.uuid)},
        format="json",
    )
    assert response.status_code == 400
    assert "supplier_uuid" in response.json()["errors"]


def test_approve_when_pair_already_connected_is_409(staff_client, pending_request, supplier):
    ConnectionFactory(retailer=pending_request.requester, supplier=supplier)
    response = staff_client.post(
        request_url(pending_request, "approve/"),
        {"supplier_uuid": str(supplier.uuid)},
        format="json",
    )
    assert response.status_code == 409
    pending_request.refresh_from_db()
    assert pending_request.status == ConnectionRequestStatus.PENDING


def test_reject_records_reason(staff_client, staff_user, pending_request):
    response = staff_client.post(
        request_url(pending_request, "reject/"), {"reason": "Unknown supplier"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "REJECTED"
    assert response.json()["rejection_reason"] == "Unknown supplier"
    assert response.json()["connection_uuid"] is None
    pending_request.refresh_from_db()
    assert pending_request.rejection_reason == "Unknown supplier"
    assert pending_request.decided_by == staff_user.account_manager
    assert not Connection.objects.exists()


def test_the_requester_reads_the_rejection_reason(staff_client, retailer_client, pending_request):
    assert retailer_client.get(request_url(pending_request)).json()["rejection_reason"] is None
    staff_client.post(
        request_url(pending_request, "reject/"), {"reason": "Unknown supplier"}, format="json"
    )
    response = retailer_client.get(request_url(pending_request))
    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "Unknown supplier"
    listed = retailer_client.get(request_url()).json()["requests"]
    assert [row["rejection_reason"] for row in listed] == ["Unknown supplier"]


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}, {"reason": {"text": "no"}}]
)
def test_reject_needs_a_reason(staff_client, pending_request, body):
    response = staff_client.post(request_url(pending_request, "reject/"), body, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    pending_request.refresh_from_db()
    assert pending_request.status == ConnectionRequestStatus.PENDING


@pytest.mark.parametrize(("first", "second"), [("approve/", "approve/"), ("reject/", "approve/"),
                                               ("approve/", "reject/")])  # fmt: skip
def test_deciding_twice_is_409(staff_client, pending_request, first, second):
    body = {"reason": "no"}
    assert (
        staff_client.post(request_url(pending_request, first), body, format="json").status_code
        == 200
    )
    response = staff_client.post(request_url(pending_request, second), body, format="json")
    assert response.status_code == 409
    assert Connection.objects.count() == (1 if first == "approve/" else 0)


def test_staff_without_account_manager_gets_one_on_the_fly(token_client, pending_request):
    from tests.factories import StaffUserFactory

    staff = StaffUserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    response = token_client(staff).post(request_url(pending_request, "approve/"), format="json")
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.account_manager.person.last_name == "Lovelace"
    assert response.json()["approved_by"]["person"]["email"] == "ada@example.com"


# --- connections ----------------------------------------------------------------------------


CONNECTIONS_URL = "/organizations/connections/"


@pytest.fixture
def waiting_connection(staff_client, pending_request, supplier):
    body = staff_client.post(
        request_url(pending_request, "approve/"),
        {"supplier_uuid": str(supplier.uuid)},
        format="json",
    ).json()
    return Connection.objects.get(uuid=body["connection_uuid"])


def test_connection_list_shape(retailer_client, waiting_connection):
    response = retailer_client.get(CONNECTIONS_URL)
    assert response.status_code == 200
    (item,) = response.json()
    assert list(item) == [
        "uuid",
        "retailer",
        "supplier",
        "status",
        "account_manager",
        "allocation_type",
        "suppliers_retailer_account_number",
        "retailers_supplier_account_number",
        "deactivated_date",
    ]
    assert item["uuid"] == str(waiting_connection.uuid)
    assert item["status"] == "CONFIRMATION WAITING"
    assert set(item["retailer"]) == {"uuid", "organization", "contact"}
    assert set(item["supplier"]["organization"]) == {
        "uuid", "name", "website", "org_type", "status", "created_date", "active_date",
        "account_manager", "retailer_uuid", "supplier_uuid",
    }  # fmt: skip
    supplier, retailer = item["supplier"]["organization"], item["retailer"]["organization"]
    assert (supplier["supplier_uuid"], supplier["retailer_uuid"]) == (supplier["uuid"], "")
    assert (retailer["retailer_uuid"], retailer["supplier_uuid"]) == (retailer["uuid"], "")
    assert retailer["uuid"] == str(waiting_connection.retailer.uuid)
    assert item["supplier"]["organization"]["name"] == "Thomas-Perkins"
    assert item["account_manager"]["person"]["uuid"]
    assert item["suppliers_retailer_account_number"] == "OLD1"
    assert item["deactivated_date"] is None
    assert retailer_client.get("/organizations/connections").status_code == 200


def test_counterpart_confirms_then_either_side_deactivates(
    token_client, retailer_client, supplier_user, waiting_connection
):
    confirm = f"{CONNECTIONS_URL}{waiting_connection.uuid}/confirm/"
    assert retailer_client.post(confirm).status_code == 403  # the requester cannot confirm
    supplier_client = token_client(supplier_user)
    response = supplier_client.post(confirm)
    assert response.status_code == 200
    assert response.json()["status"] == "ACTIVE"
    assert supplier_client.post(confirm).status_code == 409
    assert supplier_client.get(CONNECTIONS_URL).json()[0]["status"] == "ACTIVE"

    deactivate = f"{CONNECTIONS_URL}{waiting_connection.uuid}/deactivate"
    response = retailer_client.post(deactivate)
    assert response.status_code == 200
    assert response.json()["status"] == "DEACTIVATED"
    assert response.json()["deactivated_date"].endswith("Z")
    assert supplier_client.post(deactivate).status_code == 409


def test_supplier_side_deactivates_a_waiting_connection(
    token_client, supplier_user, waiting_connection
):
    response = token_client(supplier_user).post(
        f"{CONNECTIONS_URL}{waiting_connection.uuid}/deactivate/"
    )
    assert response.status_code == 200


def test_connection_list_is_scoped(
    token_client, retailer_client, other_retailer_user, staff_client
):
    between_strangers = ConnectionFactory(
        retailer=OrganizationFactory(), supplier=OrganizationFactory(org_type="SUPPLIER")
    )
    other_retailers = ConnectionFactory(
        retailer=other_retailer_user.organization_membership.organization
    )
    assert retailer_client.get(CONNECTIONS_URL).json() == []
    listed = token_client(other_retailer_user).get(CONNECTIONS_URL).json()
    assert [item["uuid"] for item in listed] == [str(other_retailers.uuid)]
    assert {item["uuid"] for item in staff_client.get(CONNECTIONS_URL).json()} == {
        str(between_strangers.uuid),
        str(other_retailers.uuid),
    }
    deactivate = f"{CONNECTIONS_URL}{other_retailers.uuid}/deactivate/"
    assert retailer_client.post(deactivate).status_code == 404


def test_staff_can_confirm(staff_client, waiting_connection):
    response = staff_client.post(f"{CONNECTIONS_URL}{waiting_connection.uuid}/confirm/")
    assert response.status_code == 200
    assert response.json()["status"] == ConnectionStatus.ACTIVE


def test_create_response_is_json(retailer_client):
    response = create(retailer_client, CREATE_BODY)
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)


@pytest.mark.parametrize("action", ["confirm", "deactivate"])
def test_a_body_on_a_bodiless_action_is_400_not_ignored(
    token_client, supplier_user, waiting_connection, action
):
    client = token_client(supplier_user)
    url = f"{CONNECTIONS_URL}{waiting_connection.uuid}/{action}/"

    refused = client.post(url, {"status": "ACTIVE"}, format="json")

    assert refused.status_code == 400
    waiting_connection.refresh_from_db()
    assert waiting_connection.status == "CONFIRMATION WAITING"
    assert client.post(url, "{}", content_type="application/json").status_code == 200


def test_a_bodiless_action_takes_no_body_at_all(token_client, supplier_user, waiting_connection):
    response = token_client(supplier_user).post(
        f"{CONNECTIONS_URL}{waiting_connection.uuid}/confirm/"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("GET", "/organizations/connections/request/", '{"status": "APPROVED"}', "status"),
        ("GET", f"/organizations/connections/request/{SEED_REQUEST_UUID}/", '{"org_name": "x"}',
         "org_name"),
        ("DELETE", f"/organizations/connections/request/{SEED_REQUEST_UUID}/", '{"reason": "x"}',
         "reason"),
        ("GET", "/organizations/connections/", '{"status": "ACTIVE"}', "status"),
    ],
)  # fmt: skip
def test_a_body_a_call_does_not_read_is_400(
    retailer_client, pending_request, method, url, body, field
):
    refused = retailer_client.generic(method, url, body, content_type="application/json")

    assert refused.status_code == 400, refused.content
    assert list(refused.json()["errors"]) == [field]
    pending_request.refresh_from_db()
    assert pending_request.status == "PENDING"
    accepted = retailer_client.generic(method, url, "{}", content_type="application/json")
    assert accepted.status_code in (200, 204)


def test_the_request_list_reads_paging_from_its_body(retailer_client, pending_request):
    response = retailer_client.generic(
        "GET", "/organizations/connections/request/", '{"start": 0, "limit": 1}',
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["pagination"] == {
        "total_count": 1,
        "start": 0,
        "limit": 1,
        "total_count_exact": True,
    }
