"""Django staff review change requests through admin actions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from outreach.choices import ChangeRequestStatus
from tests.factories import ChangeRequestFactory, ChangeRequestWorld, StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/outreach/changerequest/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def run_action(client, action: str, change_requests, **extra) -> list[str]:
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [cr.pk for cr in change_requests], **extra},
    )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_changelist_and_detail_render(staff_client):
    world = ChangeRequestWorld.build()
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)
    assert staff_client.get(CHANGELIST).status_code == 200
    assert staff_client.get(f"{CHANGELIST}{change_request.pk}/change/").status_code == 200


def test_apply_action_applies_each_and_reports_failures(staff_client):
    world = ChangeRequestWorld.build()
    first = ChangeRequestFactory(site=world.site, connection=world.connection)
    stale = ChangeRequestFactory(site=world.site, connection=world.connection)
    added = ChangeRequestFactory(site=world.site, add=True)

    messages = run_action(staff_client, "apply_selected", [first, stale, added])

    for change_request in (first, stale, added):
        change_request.refresh_from_db()
    assert (first.status, added.status) == (ChangeRequestStatus.APPLIED,) * 2
    assert first.reviewed_by.is_staff
    assert stale.status == ChangeRequestStatus.PENDING
    assert "changed since" in stale.failure_reason
    assert "2 change request(s) applied." in messages
    assert any("changed since" in message for message in messages)


def test_reject_action_keeps_the_message(staff_client):
    world = ChangeRequestWorld.build()
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)

    messages = run_action(
        staff_client, "reject_selected", [change_request], message="Duplicate of 12"
    )

    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.REJECTED
    assert change_request.review_message == "Duplicate of 12"
    assert messages == ["1 change request(s) rejected."]
    messages = run_action(staff_client, "apply_selected", [change_request])
    assert any("already rejected" in message for message in messages)


def test_an_admin_edit_of_the_connection_makes_pending_change_requests_stale(
    staff_client, basic_client
):
    """Editing a connection in the admin moves its version on, like an applied change: a change
    request based on the old version is 409 on apply and stays PENDING."""
    world = ChangeRequestWorld.build()
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)
    connection = world.connection
    url = reverse("admin:outreach_connection_change", args=[connection.pk])
    form = {
        "site": connection.site_id,
        "number": connection.number,
        "connection_type": connection.connection_type_id,
        "contact": connection.contact_id,
        "team": connection.team_id,
        "due_date": "2015-06-30",
        "created_0": "2015-06-01",
        "created_1": "09:00:00",
        "open_category": 1,
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "history-TOTAL_FORMS": 0,
        "history-INITIAL_FORMS": 0,
    }

    response = staff_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    connection.refresh_from_db()
    assert (connection.due_date.isoformat(), connection.version) == ("2015-06-30", 2)
    admin = basic_client(world.admin.user.username)
    applied = admin.post(
        f"/api_accessacs_mobile/v2/12345/changerequests/{change_request.number}/apply"
    )
    assert applied.status_code == 409
    change_request.refresh_from_db()
    assert change_request.status == "PENDING"
