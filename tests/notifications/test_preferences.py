"""Preferences through the API (supplier Token, outreach Basic/PascalCase), the admin, and the
one-click unsubscribe."""

import pytest
from django.core import mail, signing

from notifications.choices import Frequency, MailKind
from notifications.mail import Unsubscribe
from notifications.models import MailPreference
from tests.factories import (
    ChangeRequestWorld,
    OrganizationMembershipFactory,
    SiteMembershipFactory,
)
from tests.notifications.flows import OUTREACH, supplier_flow

pytestmark = pytest.mark.django_db

SUPPLIER_URL = "/organizations/notifications/preferences"


def test_supplier_preferences_default_then_set(client_for, retailer_user):
    client = client_for(retailer_user, token=True)
    response = client.get(SUPPLIER_URL)
    assert response.status_code == 200
    assert response.json() == {
        "preferences": [
            {"kind": kind.value, "description": kind.label, "frequency": "IMMEDIATELY"}
            for kind in (
                MailKind.REQUEST_DECIDED,
                MailKind.CONFIRMATION_REQUESTED,
                MailKind.CONNECTION_CHANGED,
                MailKind.UPLOAD_CHECK_FAILED,
            )
        ]
    }
    response = client.put(
        f"/timp{SUPPLIER_URL}/",
        {"preferences": [{"kind": "connection_changed", "frequency": "weekly"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [item["frequency"] for item in response.json()["preferences"]] == [
        "IMMEDIATELY",
        "IMMEDIATELY",
        "WEEKLY",
        "IMMEDIATELY",
    ]
    assert MailPreference.objects.get(user=retailer_user).frequency == Frequency.WEEKLY


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "preferences"),
        ({"preferences": []}, "preferences"),
        ({"preferences": [{"kind": "change_request_submitted", "frequency": "NEVER"}]}, "kind"),
        ({"preferences": [{"kind": "request_decided", "frequency": "hourly"}]}, "frequency"),
    ],
)
def test_supplier_preferences_refuse_bad_input(client_for, retailer_user, body, field):
    response = client_for(retailer_user, token=True).put(SUPPLIER_URL, body, format="json")
    assert response.status_code == 400
    assert any(field in name for name in response.json()["errors"]), response.json()
    assert not MailPreference.objects.exists()


def test_supplier_preferences_need_a_token(api_client):
    assert api_client.get(SUPPLIER_URL).status_code == 401


def test_outreach_preferences_per_site(client_for):
    world = ChangeRequestWorld.build()
    elsewhere = SiteMembershipFactory(site=world.other_site, user=world.admin.user)
    client = client_for(world.admin.user)
    url = f"{OUTREACH}/account/notifications"
    assert client.get(url).json() == {
        "Notifications": [
            {
                "Kind": "ChangeRequestSubmitted",
                "Description": "A change request awaits review",
                "Frequency": "Immediately",
            },
            {
                "Kind": "ChangeRequestReviewed",
                "Description": "Your change request was reviewed",
                "Frequency": "Immediately",
            },
            {
                "Kind": "ConnectionDue",
                "Description": "Connections assigned to you fall due",
                "Frequency": "Daily",
            },
        ]
    }
    response = client.put(
        url,
        '{"Notifications": [{"Kind": "ChangeRequestSubmitted", "Frequency": "weekly"}]}',
        content_type="application/x-www-form-urlencoded",  # as the vendor's app labels JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["Notifications"][0]["Frequency"] == "Weekly"
    other = client.get(f"/api_accesssacs_mobile/v2/{elsewhere.site.number}/account/notifications")
    assert other.json()["Notifications"][0]["Frequency"] == "Immediately"


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"Kind": "Everything", "Frequency": "Never"}, "Kind"),
        ({"Kind": "ConnectionDue", "Frequency": "Monthly"}, "Frequency"),
        ({"Kind": "ConnectionDue"}, "Frequency"),
    ],
)
def test_outreach_preferences_refuse_bad_input(client_for, item, field):
    world = ChangeRequestWorld.build()
    response = client_for(world.caller.user).put(
        f"{OUTREACH}/account/notifications", {"Notifications": [item]}, format="json"
    )
    assert response.status_code == 400
    assert any(field in name for name in response.json()["errors"]), response.json()


def test_outreach_preferences_of_another_site_are_not_found(client_for):
    world = ChangeRequestWorld.build()
    response = client_for(world.caller.user).get(
        f"/api_accessacs_mobile/v2/{world.other_site.number}/account/notifications"
    )
    assert response.status_code == 404


def test_one_click_unsubscribe(client, client_for, retailer_user):
    url = Unsubscribe(retailer_user.pk, MailKind.REQUEST_DECIDED, None).url()
    path = url.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200
    assert b'<form method="post">' in page.content
    assert not MailPreference.objects.exists()
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, without login or CSRF token
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    assert client.post(path).status_code == 200  # again: still fine
    preferences = client_for(retailer_user, token=True).get(SUPPLIER_URL).json()
    assert preferences["preferences"][0]["frequency"] == "NEVER"


def test_a_forged_unsubscribe_link_is_refused(client, retailer_user):
    token = Unsubscribe(retailer_user.pk, MailKind.REQUEST_DECIDED, None).token()
    payload, signature = token.rsplit(":", 1)
    other_user = signing.dumps([retailer_user.pk + 1, "request_decided", None], salt="other")
    for bad in (f"{payload}:{signature[::-1]}", other_user, "nope"):
        path = f"/notifications/unsubscribe/{bad}"
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    assert not MailPreference.objects.exists()


def test_unsubscribed_and_never_get_no_mail(
    client_for, django_capture_on_commit_callbacks, retailer, supplier, staff_user
):
    # a member of the retailer unsubscribes from decisions before the flow runs
    member = OrganizationMembershipFactory(organization=retailer).user
    path = Unsubscribe(member.pk, MailKind.REQUEST_DECIDED, None).url()
    client_for(member, token=True).post(path.removeprefix("http://127.0.0.1:8000"))
    supplier_flow(
        client_for=client_for,
        capture=django_capture_on_commit_callbacks,
        retailer=retailer,
        supplier=supplier,
        staff_user=staff_user,
    )
    subjects = [message.subject for message in mail.outbox if message.to == [member.email]]
    assert subjects == [
        "Connection Acme Retail / Thomas-Perkins confirmed",
        "Connection Acme Retail / Thomas-Perkins deactivated",
    ]


def test_admin_lists_preferences_and_deliveries(admin_client, retailer_user):
    MailPreference.objects.create(
        user=retailer_user, kind=MailKind.REQUEST_DECIDED, frequency=Frequency.NEVER
    )
    for url in (
        "/admin/notifications/mailpreference/",
        "/admin/notifications/maildelivery/",
        "/admin/notifications/mailpreference/add/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/notifications/maildelivery/add/").status_code == 403


def _response_schema(schema: dict, path: str, method: str = "get") -> dict:
    content = schema["paths"][path][method]["responses"]["200"]["content"]
    return {**content["application/json"]["schema"], "components": schema["components"]}


def test_both_apis_answer_the_frequencies_their_schema_declares(client_for, retailer_user):
    """The supplier's IMMEDIATELY and the outreach app's Immediately are two enums."""
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    world = ChangeRequestWorld.build()
    supplier = client_for(retailer_user, token=True).get(SUPPLIER_URL).json()
    outreach = client_for(world.admin.user).get(f"{OUTREACH}/account/notifications").json()

    jsonschema.validate(supplier, _response_schema(schema, f"{SUPPLIER_URL}/"))
    jsonschema.validate(
        outreach,
        _response_schema(schema, "/api_accessacs_mobile/v2/{site_number}/account/notifications/"),
    )
    assert {item["frequency"] for item in supplier["preferences"]} == {"IMMEDIATELY"}
    assert "Immediately" in {item["Frequency"] for item in outreach["Notifications"]}
