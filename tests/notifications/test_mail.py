"""Who gets which mail, sent by the jobs, once (Django's locmem outbox)."""

import json
import os
import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from connect_api.events import event_deliver
from connect_api.models import Event
from notifications import tasks
from notifications.choices import DeliveryStatus
from notifications.models import MailDelivery
from outreach import tasks as outreach_tasks
from outreach.choices import SecurityRole
from tests.factories import ChangeRequestWorld, OutreachConnectionFactory, SiteMembershipFactory
from tests.notifications.flows import outreach_flow, supplier_flow
from tests.ops.conftest import PYTHON, ROOT, clean_env
from tests.seeds import OUTREACH_SEED_BODY_TEXT

pytestmark = pytest.mark.django_db


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def html_of(message):
    (body, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return body


def test_supplier_flow(
    client_for, django_capture_on_commit_callbacks, retailer, supplier, staff_user
):
    flow = supplier_flow(
        client_for=client_for,
        capture=django_capture_on_commit_callbacks,
        retailer=retailer,
        supplier=supplier,
        staff_user=staff_user,
    )
    for user in flow.retailer_users:
        subjects = [message.subject for message in sent_to(user)]
        assert subjects == [
            "Your connection request to Thomas-Perkins was approved",
            "Connection Acme Retail / Thomas-Perkins confirmed",
            "Connection Acme Retail / Thomas-Perkins deactivated",
            "Your connection request to Unknown Supply was rejected",
        ]
        rejected = sent_to(user)[-1]
        assert "Reason: We do not know this supplier" in rejected.body
        assert "<em>We do not know this supplier</em>" in html_of(rejected)
    for user in flow.supplier_users:
        assert [message.subject for message in sent_to(user)] == [
            "Acme Retail wants to connect: please confirm",
            "Connection Acme Retail / Thomas-Perkins confirmed",
            "Connection Acme Retail / Thomas-Perkins deactivated",
        ]
        assert f"/organizations/connections/{flow.connection}/confirm/" in sent_to(user)[0].body
    assert not sent_to(staff_user)
    assert len(mail.outbox) == 4 * 2 + 3 * 2
    for message in mail.outbox:
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in message.body
        assert unsubscribe.strip("<>") in html_of(message)


def test_redispatch_sends_nothing_twice(
    client_for, django_capture_on_commit_callbacks, retailer, supplier, staff_user
):
    supplier_flow(
        client_for=client_for,
        capture=django_capture_on_commit_callbacks,
        retailer=retailer,
        supplier=supplier,
        staff_user=staff_user,
    )
    sent = len(mail.outbox)
    for event in Event.objects.all():
        event_deliver(event)  # what a retried job or the sweep does
    assert len(mail.outbox) == sent
    assert MailDelivery.objects.filter(status=DeliveryStatus.SENT).count() == sent


def test_outreach_flow(client_for, django_capture_on_commit_callbacks):
    flow = outreach_flow(client_for=client_for, capture=django_capture_on_commit_callbacks)
    immediate, digest_reader = flow.reviewers
    assert [message.subject for message in sent_to(immediate)] == [
        f"First Church: change request {flow.applied} (add) awaits review",
        f"First Church: change request {flow.rejected} (add) awaits review",
    ]
    assert sent_to(digest_reader) == []  # daily digest
    submitter = flow.world.caller.user
    applied, rejected = [message for message in sent_to(submitter) if "your" in message.subject]
    assert applied.subject == f"First Church: your change request {flow.applied} was applied"
    assert rejected.subject == f"First Church: your change request {flow.rejected} was rejected"
    assert "Message: Already called last week" in rejected.body
    assert "Already called last week" in html_of(rejected)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outreach_tasks.connections_due_publish.call_local() == 1
    assert mail.outbox == []  # reminders are daily by default: the 06:00 job sends them
    assert tasks.daily_mail.call_local() == 1 + 2  # one digest, two team reminders
    (digest,) = sent_to(digest_reader)
    assert digest.subject == "Daily digest: 2 x A change request awaits review"
    assert f"change request {flow.rejected} (add) awaits review" in digest.body
    for user in flow.team_users:
        (reminder,) = sent_to(user)
        assert "due" in reminder.subject
        due = flow.due_connection.due_date.strftime("%m/%d/%Y")
        assert due in reminder.body and due in html_of(reminder)
    # every job again: nothing new
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outreach_tasks.connections_due_publish.call_local() == 0
    assert tasks.daily_mail.call_local() == 0
    for event in Event.objects.all():
        event_deliver(event)
    assert mail.outbox == []


def test_due_reminder_goes_to_the_assigned_caller(client_for, django_capture_on_commit_callbacks):
    world = ChangeRequestWorld.build()
    today = timezone.localdate()
    OutreachConnectionFactory(
        site=world.site,
        connection_type=world.connection_type,
        caller=world.caller.individual,
        due_date=today + timedelta(days=7),
    )
    OutreachConnectionFactory(  # too far out
        site=world.site, caller=world.caller.individual, due_date=today + timedelta(days=8)
    )
    OutreachConnectionFactory(  # done
        site=world.site,
        caller=world.caller.individual,
        due_date=today + timedelta(days=1),
        completed=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert outreach_tasks.connections_due_publish.call_local() == 1
    assert tasks.daily_mail.call_local() == 1
    assert [message.to for message in mail.outbox] == [[world.caller.user.email]]


def test_the_mail_jobs_are_periodic():
    from huey.contrib.djhuey import HUEY

    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert {"daily_mail", "weekly_mail", "connections_due_publish"} <= names


def test_an_administrators_own_submission_notifies_the_other_reviewers_only(
    client_for, django_capture_on_commit_callbacks
):
    world = ChangeRequestWorld.build()
    other_admin = SiteMembershipFactory(site=world.site, security_role=SecurityRole.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin.user).post(
            "/api_accessacs_mobile/v2/12345/connections",
            OUTREACH_SEED_BODY_TEXT,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [[other_admin.user.email]]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            {"EMAIL_URL": "smtp+tls://relay:secret@mail.example:2525"},
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mail.example",
                "EMAIL_PORT": 2525,
                "EMAIL_HOST_USER": "relay",
                "EMAIL_HOST_PASSWORD": "secret",
                "EMAIL_USE_TLS": True,
            },
        ),
        (
            {"EMAIL_URL": "filemail://", "EMAIL_FILE_PATH": "/tmp/connect-mail"},
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/tmp/connect-mail",
            },
        ),
        (
            {
                "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
                "ANYMAIL_POSTMARK_SERVER_TOKEN": "pm-token",
                "DEFAULT_FROM_EMAIL": "Connect <noreply@connect.example>",
            },
            {
                "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
                "ANYMAIL": {"POSTMARK_SERVER_TOKEN": "pm-token"},
                "DEFAULT_FROM_EMAIL": "Connect <noreply@connect.example>",
            },
        ),
    ],
    ids=["default-console", "smtp-url", "file-url", "anymail-provider"],
)
def test_mail_configuration_from_the_environment(variables, expected):
    """The settings a fresh process reads from EMAIL_URL / EMAIL_BACKEND / ANYMAIL_* ."""
    env = clean_env(
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("EMAIL_", "ANYMAIL_", "DEFAULT_FROM"))
        }
    )
    for key in [key for key in env if key.startswith(("EMAIL_", "ANYMAIL_"))]:
        del env[key]
    env.update(variables)
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(expected)!r}}}))"
    )
    result = subprocess.run(
        [PYTHON, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


def test_a_provider_backend_sends_through_anymail(
    settings, client_for, django_capture_on_commit_callbacks, retailer, supplier, staff_user
):
    """django-anymail's test backend stands for a provider: the same mails, with anymail's
    per-message status."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    supplier_flow(
        client_for=client_for,
        capture=django_capture_on_commit_callbacks,
        retailer=retailer,
        supplier=supplier,
        staff_user=staff_user,
    )
    assert len(mail.outbox) == 2 * 4 + 2 * 3
    assert all(message.anymail_status.status == {"sent"} for message in mail.outbox)


def test_an_administrator_of_another_site_is_not_a_reviewer_here(
    client_for, django_capture_on_commit_callbacks
):
    world = ChangeRequestWorld.build()
    elsewhere = SiteMembershipFactory(
        site=world.other_site, security_role=SecurityRole.ADMINISTRATOR
    )
    SiteMembershipFactory(site=world.site, user=elsewhere.user)  # a Staff member here
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.caller.user).post(
            "/api_accessacs_mobile/v2/12345/connections",
            OUTREACH_SEED_BODY_TEXT,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [[world.admin.user.email]]
