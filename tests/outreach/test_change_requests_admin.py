"""Django staff review change requests through admin actions."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from outreach import services
from outreach.choices import ChangeRequestStatus
from tests.factories import ChangeRequestFactory, StaffUserFactory

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


def test_changelist_and_detail_render(world, staff_client):
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)
    assert staff_client.get(CHANGELIST).status_code == 200
    assert staff_client.get(f"{CHANGELIST}{change_request.pk}/change/").status_code == 200


def test_apply_action_applies_each_and_reports_failures(world, staff_client):
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


def test_reject_action_keeps_the_message(world, staff_client):
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
    world, staff_client, basic_client
):
    """Editing a connection in the admin moves its version on, like an applied change: a change
    request based on the old version is 409 on apply and stays PENDING."""
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


def change_page(client, change_request) -> str:
    url = reverse("admin:outreach_changerequest_change", args=[change_request.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, field: str, before: str, after: str, *, changed: bool = True) -> bool:
    shown = f"<strong>{after}</strong>" if changed else after
    return f'<th scope="row">{field}</th><td>{before}</td><td>{shown}</td>' in html


def test_the_page_shows_the_proposed_change_before_and_after_in_the_apps_terms(world, staff_client):
    change_request = ChangeRequestFactory(
        site=world.site,
        connection=world.connection,
        payload={"connection_date": "2015-07-01", "comment": "Called", "response_ids": [11]},
    )

    html = change_page(staff_client, change_request)

    assert row(html, "Due date", "06/01/2015", "07/01/2015")
    team = f"{world.team.name} (TeamId 1)"
    assert row(html, "Team", team, team, changed=False)
    assert row(html, "Completed", "No", "No", changed=False)
    response = world.responses[0].description
    assert row(html, "Responses", "none", f"{response} (11)")
    assert row(html, "Comment (added)", "-", "Called")
    assert 'id="decision-apply"' in html and 'id="decision-reject"' in html


def test_a_reassign_shows_caller_and_team_by_name(world, staff_client):
    caller = world.caller.individual
    change_request = ChangeRequestFactory(
        site=world.site,
        connection=world.connection,
        kind="REASSIGN",
        payload={
            "connection_date": "2015-06-01",
            "new_caller_indv_id": caller.number,
            "new_team_id": None,
            "comment": "",
            "response_ids": [],
        },
    )

    html = change_page(staff_client, change_request)

    name = f"{caller.first_name} {caller.last_name} (IndvId {caller.number})"
    assert row(html, "Caller", "-", name)
    assert row(html, "Team", f"{world.team.name} (TeamId 1)", "-")


def test_an_add_shows_the_new_connection(world, staff_client):
    change_request = ChangeRequestFactory(site=world.site, add=True)

    html = change_page(staff_client, change_request)

    assert row(html, "Due date", "-", "06/05/2015")
    assert row(html, "Team", "-", f"{world.team.name} (TeamId 1)")


def test_apply_button_applies_and_the_connection_page_shows_the_history(world, staff_client):
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)

    response = staff_client.post(
        reverse("admin:outreach_changerequest_apply", args=[change_request.pk])
    )

    assert response.status_code == 302
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.APPLIED
    html = change_page(staff_client, change_request)
    assert 'id="decisions"' not in html
    assert row(html, "Due date", "06/01/2015", "07/01/2015")  # what the apply did
    connection = staff_client.get(
        reverse("admin:outreach_connection_change", args=[world.connection.pk])
    ).content.decode()
    assert "(change request 1)" in connection
    assert row(connection, "Due date", "06/01/2015", "07/01/2015")
    assert row(connection, "Comment (added)", "-", "Called")


def test_apply_button_on_a_stale_change_request_says_why(world, staff_client):
    first = ChangeRequestFactory(site=world.site, connection=world.connection)
    stale = ChangeRequestFactory(site=world.site, connection=world.connection)
    services.change_request_apply(change_request=first, reviewer=StaffUserFactory())

    response = staff_client.post(reverse("admin:outreach_changerequest_apply", args=[stale.pk]))

    assert response.status_code == 302
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith(f"{stale}: not done: Connection 1 changed since")
    stale.refresh_from_db()
    assert stale.status == ChangeRequestStatus.PENDING


def test_reject_button_keeps_the_message(world, staff_client):
    change_request = ChangeRequestFactory(site=world.site, connection=world.connection)

    staff_client.post(
        reverse("admin:outreach_changerequest_reject", args=[change_request.pk]),
        {"message": "Duplicate"},
    )

    change_request.refresh_from_db()
    assert (change_request.status, change_request.review_message) == ("REJECTED", "Duplicate")


def test_bulk_apply_reports_each_failure_and_a_count(world, staff_client):
    first = ChangeRequestFactory(site=world.site, connection=world.connection)
    stale = ChangeRequestFactory(site=world.site, connection=world.connection)

    messages = run_action(staff_client, "apply_selected", [first, stale])

    assert f"{stale}: not done: Connection 1 changed since change request" in messages[0]
    assert "(ConnectionId: The connection changed since submission.)" in messages[0]
    assert messages[1:] == ["1 change request(s) applied.", "1 failed (see above)."]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/outreach/changerequest/",
        "/admin/outreach/connection/",
        "/admin/outreach/individual/",
        "/admin/outreach/",
    ],
)
def test_the_outreach_admin_is_the_operators_only(world, client, url):
    """A site's Administrator who is Django staff, even holding every outreach model
    permission, gets no outreach page (the mobile API is theirs); superusers do."""
    ChangeRequestFactory(site=world.site, connection=world.connection)
    user = world.admin.user
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="outreach"))
    client.force_login(user)

    assert client.get(url).status_code in (403, 404)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/outreach/" not in index.content.decode()
    client.force_login(StaffUserFactory(is_superuser=True))
    assert client.get(url).status_code == 200


def test_the_connection_history_costs_the_same_queries_for_1_or_10_entries(world, staff_client):
    from django.db import connection as database
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ConnectionHistoryFactory

    url = reverse("admin:outreach_connection_change", args=[world.connection.pk])
    changes = {"CallerIndvId": [None, 76], "TeamId": [1, None], "ResponseIdList": [[], [11]]}

    def queries() -> int:
        with CaptureQueriesContext(database) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    ConnectionHistoryFactory(connection=world.connection, changes=changes)
    queries()  # the first page of the session warms Django's caches (content types)
    one = queries()
    ConnectionHistoryFactory.create_batch(9, connection=world.connection, changes=changes)
    assert queries() == one
