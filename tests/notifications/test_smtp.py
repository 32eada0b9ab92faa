"""A real SMTP server receives the mails of one full supplier flow
and one full outreach flow, sent by the jobs through Django's SMTP backend; re-running the jobs
sends nothing twice."""

import pytest
from django.core import mail

from connect_api.events import event_deliver
from connect_api.models import Event
from notifications import tasks
from outreach import tasks as outreach_tasks
from tests.notifications.flows import outreach_flow, supplier_flow
from tests.notifications.smtp import bodies, smtp_server_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings):
    controller, inbox = smtp_server_start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Connect API <noreply@connect.example>"
    settings.PUBLIC_BASE_URL = "https://connect.example"
    yield inbox
    controller.stop()


def assert_well_formed(message, address):
    assert message["To"] == address
    assert message["From"] == "Connect API <noreply@connect.example>"
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # (folded: a long line)
    assert unsubscribe.startswith("<https://connect.example/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = bodies(message)
    link = unsubscribe.strip("<>")
    assert link in text
    assert link in html
    assert html.lstrip().startswith("<!DOCTYPE html>")
    return text, html


def unsubscribe_path(message) -> str:
    return (
        str(message["List-Unsubscribe"]).strip().strip("<>").removeprefix("https://connect.example")
    )


def test_supplier_flow_over_smtp(
    inbox, client, client_for, django_capture_on_commit_callbacks, retailer, supplier, staff_user
):
    flow = supplier_flow(
        client_for=client_for,
        capture=django_capture_on_commit_callbacks,
        retailer=retailer,
        supplier=supplier,
        staff_user=staff_user,
    )
    assert mail.outbox == []  # not Django's test outbox: the SMTP server got them
    for user in flow.retailer_users:
        received = inbox.to(user.email)
        assert [message["Subject"] for message in received] == [
            "Your connection request to Thomas-Perkins was approved",
            "Connection Acme Retail / Thomas-Perkins confirmed",
            "Connection Acme Retail / Thomas-Perkins deactivated",
            "Your connection request to Unknown Supply was rejected",
        ]
        texts = [assert_well_formed(message, user.email) for message in received]
        assert f"Request: {flow.approved_request}" in texts[0][0]
        assert "Reason: We do not know this supplier" in texts[3][0]
        assert "<em>We do not know this supplier</em>" in texts[3][1]
    for user in flow.supplier_users:
        received = inbox.to(user.email)
        assert [message["Subject"] for message in received] == [
            "Acme Retail wants to connect: please confirm",
            "Connection Acme Retail / Thomas-Perkins confirmed",
            "Connection Acme Retail / Thomas-Perkins deactivated",
        ]
        text, html = assert_well_formed(received[0], user.email)
        assert f"/organizations/connections/{flow.connection}/confirm/" in text
        assert f"/organizations/connections/{flow.connection}/confirm/" in html
    assert len(inbox.messages) == 2 * 4 + 2 * 3

    # a retried job, or the sweep re-dispatching every event: nothing is sent twice
    for event in Event.objects.all():
        event_deliver(event)
    assert len(inbox.messages) == 2 * 4 + 2 * 3

    # the header's one-click POST works without login: no more decisions for that member
    member = flow.retailer_users[0]
    assert client.post(unsubscribe_path(inbox.to(member.email)[0])).status_code == 200
    inbox.clear()
    supplier_flow(
        client_for=client_for,
        capture=django_capture_on_commit_callbacks,
        retailer=retailer,
        supplier=supplier,
        staff_user=staff_user,
    )
    assert "Your connection request to Unknown Supply was rejected" not in [
        message["Subject"] for message in inbox.to(member.email)
    ]


def test_outreach_flow_over_smtp(inbox, client_for, django_capture_on_commit_callbacks):
    flow = outreach_flow(client_for=client_for, capture=django_capture_on_commit_callbacks)
    immediate, digest_reader = flow.reviewers
    received = inbox.to(immediate.email)
    assert [message["Subject"] for message in received] == [
        f"First Church: change request {flow.applied} (add) awaits review",
        f"First Church: change request {flow.rejected} (add) awaits review",
    ]
    text, html = assert_well_formed(received[0], immediate.email)
    submitter = flow.world.caller.user.username
    assert f"{submitter} submitted change request {flow.applied} (add)" in text
    assert f"change request <strong>{flow.applied}</strong>" in html
    assert inbox.to(digest_reader.email) == []

    applied, rejected = inbox.to(flow.world.caller.user.email)
    assert applied["Subject"] == f"First Church: your change request {flow.applied} was applied"
    assert rejected["Subject"] == (
        f"First Church: your change request {flow.rejected} was rejected"
    )
    text, html = assert_well_formed(rejected, flow.world.caller.user.email)
    assert "Message: Already called last week" in text
    assert "<em>Already called last week</em>" in html

    # the daily jobs: connections due published (05:30), then digests and reminders (06:00)
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outreach_tasks.connections_due_publish.call_local() == 1
    assert tasks.daily_mail.call_local() == 3
    (digest,) = inbox.to(digest_reader.email)
    assert digest["Subject"] == "Daily digest: 2 x A change request awaits review"
    text, _ = assert_well_formed(digest, digest_reader.email)
    assert f"change request {flow.rejected} (add) awaits review" in text
    due = flow.due_connection.due_date.strftime("%m/%d/%Y")
    for user in flow.team_users:
        (reminder,) = inbox.to(user.email)
        text, html = assert_well_formed(reminder, user.email)
        assert f"due {due}" in reminder["Subject"]
        assert "assigned to your team falls due" in text
        assert due in html
    assert len(inbox.messages) == 3

    # every job run again: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        assert outreach_tasks.connections_due_publish.call_local() == 0
    assert tasks.daily_mail.call_local() == 0
    for event in Event.objects.all():
        event_deliver(event)
    assert len(inbox.messages) == 3
