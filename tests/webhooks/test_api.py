"""Webhook endpoints through the two APIs: supplier (Token, snake_case) and outreach (Basic,
site Administrators, PascalCase); tenancy by queryset (another owner's endpoint is 404)."""

import pytest

from connect_api.events import EventName
from outreach.choices import SecurityRole
from tests.factories import (
    ChangeRequestWorld,
    DeliveryFactory,
    OrganizationFactory,
    SiteMembershipFactory,
)
from webhooks.choices import EndpointStatus
from webhooks.models import Endpoint

SUPPLIER = "/organizations/webhooks/"
PUBLIC_URL = "https://93.184.216.34/hooks"
SITE = "/api_accessacs_mobile/v2/12345/webhooks"
# Foundation overhead on every call (tests/connections/test_queries.py, tests/outreach/...):
# authentication and the user throttle in the DB cache.
OVERHEAD = 8


@pytest.fixture(autouse=True)
def _no_private_targets(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False


# --- supplier API ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_shows_the_secret_once(retailer_client, retailer):
    body = {"url": PUBLIC_URL, "events": [EventName.REQUEST_APPROVED, EventName.REQUEST_REJECTED]}
    response = retailer_client.post(SUPPLIER, body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["status"] == "ACTIVE"
    assert created["events"] == body["events"]
    endpoint = Endpoint.objects.get(uuid=created["uuid"])
    assert endpoint.organization == retailer and endpoint.secret == created["secret"]

    detail = retailer_client.get(f"{SUPPLIER}{created['uuid']}")
    assert detail.status_code == 200
    assert "secret" not in detail.json()
    listed = retailer_client.get(SUPPLIER).json()
    assert [row["uuid"] for row in listed["endpoints"]] == [created["uuid"]]
    assert "secret" not in listed["endpoints"][0]


@pytest.mark.django_db
def test_register_paused(retailer_client):
    body = {"url": PUBLIC_URL, "events": [EventName.REQUEST_CREATED], "status": "DISABLED"}
    response = retailer_client.post(SUPPLIER, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "DISABLED"
    assert response.json()["disabled_reason"] == "Disabled by its owner."


@pytest.mark.django_db
def test_timp_alias(retailer_client):
    body = {"url": PUBLIC_URL, "events": [EventName.REQUEST_CREATED]}
    response = retailer_client.post("/timp/organizations/webhooks", body, format="json")
    assert response.status_code == 201, response.content
    assert retailer_client.get("/timp/organizations/webhooks/").json()["pagination"] == {
        "total_count": 1,
        "start": 0,
        "limit": 50,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://127.0.0.1:8080/in", "events": ["connection.confirmed"]}, "url"),
        ({"url": "http://169.254.169.254/", "events": ["connection.confirmed"]}, "url"),
        ({"url": "http://[2002:7f00:1::]/", "events": ["connection.confirmed"]}, "url"),
        (
            {
                "url": "http://[2001:0:5db8:a8c0:0:f227:80fe:fffe]/",
                "events": ["connection.confirmed"],
            },
            "url",
        ),
        ({"url": "ftp://93.184.216.34/", "events": ["connection.confirmed"]}, "url"),
        ({"url": "not a url", "events": ["connection.confirmed"]}, "url"),
        ({"url": PUBLIC_URL, "events": ["connection.exploded"]}, "events.0"),
        ({"url": PUBLIC_URL, "events": []}, "events"),
        ({"url": PUBLIC_URL}, "events"),
        ({"events": ["connection.confirmed"]}, "url"),
    ],
)
def test_register_refuses_bad_input(retailer_client, body, field):
    response = retailer_client.post(SUPPLIER, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Endpoint.objects.exists()


@pytest.mark.django_db
def test_staff_cannot_register(staff_client):
    body = {"url": PUBLIC_URL, "events": [EventName.REQUEST_CREATED]}
    assert staff_client.post(SUPPLIER, body, format="json").status_code == 409


@pytest.mark.django_db
def test_update_disable_enable_and_delete(retailer_client, retailer, endpoint_factory):
    endpoint = endpoint_factory(organization=retailer)
    url = f"{SUPPLIER}{endpoint.uuid}/"
    response = retailer_client.patch(url, {"status": "DISABLED"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "DISABLED"
    assert response.json()["disabled_reason"] == "Disabled by its owner."
    response = retailer_client.patch(
        url, {"status": "ACTIVE", "events": ["connection.confirmed"]}, format="json"
    )
    assert response.json()["status"] == "ACTIVE"
    assert response.json()["events"] == ["connection.confirmed"]
    assert response.json()["disabled_reason"] is None
    refused = retailer_client.patch(url, {"url": "http://10.0.0.1/"}, format="json")
    assert refused.status_code == 400 and "url" in refused.json()["errors"]
    for nothing in ({}, {"secret": "whsec_mine"}):
        ignored = retailer_client.patch(url, nothing, format="json")
        assert ignored.status_code == 400, ignored.content
    assert retailer_client.delete(url).status_code == 204
    assert not Endpoint.objects.exists()


@pytest.mark.django_db
def test_another_organizations_endpoint_is_not_found(
    retailer_client, endpoint_factory, token_client
):
    foreign = endpoint_factory(organization=OrganizationFactory())
    delivery = DeliveryFactory(endpoint=foreign)
    url = f"{SUPPLIER}{foreign.uuid}/"
    assert retailer_client.get(url).status_code == 404
    assert retailer_client.patch(url, {"description": "x"}, format="json").status_code == 404
    assert retailer_client.delete(url).status_code == 404
    assert retailer_client.get(f"{url}deliveries/").status_code == 404
    redeliver = f"{url}deliveries/{delivery.uuid}/redeliver/"
    assert retailer_client.post(redeliver).status_code == 404
    assert retailer_client.get(SUPPLIER).json()["endpoints"] == []
    # A site's endpoint never shows on the supplier side, even to staff.
    world = ChangeRequestWorld.build()
    endpoint_factory(organization=None, site=world.site, number=1)
    from tests.supplier_fixtures import member_of

    assert (
        token_client(member_of(foreign.organization))
        .get(SUPPLIER)
        .json()["pagination"]["total_count"]
        == 1
    )


@pytest.mark.django_db
def test_a_delivery_of_another_endpoint_is_not_found(retailer_client, retailer, endpoint_factory):
    mine = endpoint_factory(organization=retailer)
    other = DeliveryFactory(endpoint=endpoint_factory(organization=retailer))
    url = f"{SUPPLIER}{mine.uuid}/deliveries/{other.uuid}/redeliver"
    assert retailer_client.post(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 100])
def test_lists_run_a_constant_number_of_queries(
    retailer_client, retailer, endpoint_factory, rows, django_assert_max_num_queries
):
    endpoint = endpoint_factory(organization=retailer)
    endpoint_factory.create_batch(rows - 1, organization=retailer)
    DeliveryFactory.create_batch(rows, endpoint=endpoint)
    with django_assert_max_num_queries(OVERHEAD + 2):  # count, page
        response = retailer_client.get(SUPPLIER)
    assert len(response.json()["endpoints"]) == min(rows, 50)
    with django_assert_max_num_queries(OVERHEAD + 3):  # endpoint, count, page
        response = retailer_client.get(f"{SUPPLIER}{endpoint.uuid}/deliveries/")
    assert len(response.json()["deliveries"]) == min(rows, 50)


# --- outreach API ----------------------------------------------------------------------------


@pytest.fixture
def world(db):
    return ChangeRequestWorld.build()


@pytest.mark.django_db
def test_site_administrator_registers_in_the_vendors_style(world, basic_client):
    admin = basic_client(world.admin.user.username)
    body = {
        "Url": PUBLIC_URL,
        "Events": ["change_request.submitted"],
        "Description": "Our CRM",
    }
    response = admin.post(SITE, body, format="json")
    assert response.status_code == 200, response.content
    created = response.json()
    assert created["EndpointId"] == 1
    assert created["Secret"].startswith("whsec_")
    assert created["Status"] == "ACTIVE"
    assert created["DisabledDate"] is None
    assert len(created["DateCreated"]) == 10  # MM/DD/YYYY

    page = admin.get(SITE).json()
    assert page["PageIndex"] == 0 and page["PageCount"] == 1
    assert [row["EndpointId"] for row in page["Page"]] == [1]
    assert "Secret" not in page["Page"][0]
    detail = admin.get(f"{SITE}/1")
    assert detail.status_code == 200 and "Secret" not in detail.json()
    assert (
        admin.patch(f"{SITE}/1", {"Description": "CRM"}, format="json").json()["Description"]
        == "CRM"
    )
    assert admin.get(f"{SITE}/1/deliveries").json()["Page"] == []
    assert admin.patch(f"{SITE}/1", {"Secret": "x"}, format="json").status_code == 400
    assert admin.delete(f"{SITE}/1").status_code == 204


@pytest.mark.django_db
def test_site_registration_accepts_the_vendors_form_label(world, basic_client):
    response = basic_client(world.admin.user.username).post(
        SITE,
        '{"Url": "https://93.184.216.34/in", "Events": ["outreach_connection.due"]}',
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"Url": "http://192.168.0.10/in", "Events": ["change_request.applied"]}, "Url"),
        ({"Url": PUBLIC_URL, "Events": ["nope"]}, "Events.0"),
        ({"Url": PUBLIC_URL}, "Events"),
    ],
)
def test_site_registration_names_the_field_at_fault(world, basic_client, body, field):
    response = basic_client(world.admin.user.username).post(SITE, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_only_the_sites_administrators_manage_webhooks(world, basic_client, endpoint_factory):
    endpoint_factory(organization=None, site=world.site, number=1)
    staff = basic_client(world.caller.user.username)
    refused = staff.get(SITE)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the site's Administrators manage its webhooks."
    assert staff.get(f"{SITE}/1").status_code == 403
    outsider = SiteMembershipFactory(
        site=world.other_site, security_role=SecurityRole.ADMINISTRATOR
    )
    assert basic_client(outsider.user.username).get(f"{SITE}/1").status_code == 404
    assert basic_client(world.admin.user.username).get(f"{SITE}/1").status_code == 200
    assert basic_client(world.admin.user.username).get(SITE).status_code == 200


@pytest.mark.django_db
def test_another_sites_endpoint_is_not_found(world, basic_client, endpoint_factory):
    foreign = endpoint_factory(organization=None, site=world.other_site, number=7)
    DeliveryFactory(endpoint=foreign)
    admin = basic_client(world.admin.user.username)
    assert admin.get(f"{SITE}/7").status_code == 404
    assert admin.get(f"{SITE}/7/deliveries").status_code == 404
    assert admin.delete(f"{SITE}/7").status_code == 404
    assert admin.get(SITE).json()["Page"] == []
    assert Endpoint.objects.filter(pk=foreign.pk, status=EndpointStatus.ACTIVE).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 100])
def test_site_lists_run_a_constant_number_of_queries(
    world, basic_client, endpoint_factory, rows, django_assert_max_num_queries
):
    endpoints = [
        endpoint_factory(organization=None, site=world.site, number=number)
        for number in range(1, rows + 1)
    ]
    DeliveryFactory.create_batch(rows, endpoint=endpoints[0])
    admin = basic_client(world.admin.user.username)
    admin.get(SITE)  # the first call pays for the password hash (remembered after)
    with django_assert_max_num_queries(OVERHEAD + 2):  # count, page
        assert len(admin.get(SITE).json()["Page"]) == min(rows, 25)
    with django_assert_max_num_queries(OVERHEAD + 3):  # endpoint, count, page
        assert len(admin.get(f"{SITE}/1/deliveries").json()["Page"]) == min(rows, 25)
