"""The mail of a rejected request goes out through a real `run_huey` worker process (its SQLite
queue, Django's SMTP backend from EMAIL_URL) to a real SMTP server in this test."""

import signal
import subprocess

import pytest

from tests.notifications.smtp import bodies, smtp_server_start
from tests.ops.conftest import PYTHON, ROOT, clean_env, manage, wait_until
from tests.server.conftest import migrated_sqlite

REJECT_THROUGH_THE_API = """
from django.contrib.auth import get_user_model
from knox.models import AuthToken
from rest_framework.test import APIClient
from organizations.models import Organization, OrganizationMembership

User = get_user_model()
retailer = Organization.objects.create(name="Acme Retail", org_type="RETAILER")
# No passwords (the calls carry tokens): PBKDF2 at the configured rounds costs 0.2 s a hash.
buyer = User.objects.create_user("buyer", email="buyer@retail.example")
OrganizationMembership.objects.create(user=buyer, organization=retailer)
manager = User.objects.create_user("manager", email="m@staff.example", is_staff=True)

def client(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + AuthToken.objects.create(user=user)[1])
    return api

created = client(buyer).post(
    "/organizations/connections/request/",
    {"organization_name": "Unknown Supply", "primary_contact_name": "Pat Doe",
     "integrations": [{"type": "orders", "update_frequency": "0 2 * * *"}]},
    format="json",
)
assert created.status_code == 201, created.content
rejected = client(manager).post(
    f"/organizations/connections/request/{created.json()['request_uuid']}/reject/",
    {"reason": "We do not know this supplier"},
    format="json",
)
assert rejected.status_code == 200, rejected.content
"""


@pytest.mark.usefixtures("_once_per_ci_run")
@pytest.mark.django_db
def test_a_real_worker_sends_the_mail_once(tmp_path):
    controller, inbox = smtp_server_start()
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        QUEUE_URL=f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        QUEUE_HEARTBEAT_FILE=str(tmp_path / "heartbeat"),
        EMAIL_URL=f"smtp://127.0.0.1:{controller.port}",
        DEFAULT_FROM_EMAIL="noreply@connect.example",
        PUBLIC_BASE_URL="https://connect.example",
    )
    worker, log = None, (tmp_path / "worker.log").open("w")
    try:
        migrated_sqlite(tmp_path / "worker.sqlite3")  # as `manage.py migrate` leaves it
        manage("shell", "-c", REJECT_THROUGH_THE_API, env=env)
        assert inbox.messages == []  # enqueued by the request, not sent in it
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "run_huey", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: len(inbox.messages) >= 1, timeout=60, what="the worker's mail")
        (recipients, message), *_ = inbox.messages
        assert recipients == ["buyer@retail.example"]
        assert message["Subject"] == "Your connection request to Unknown Supply was rejected"
        text, html = bodies(message)
        assert "Reason: We do not know this supplier" in text
        assert "We do not know this supplier" in html
        assert "https://connect.example/notifications/unsubscribe/" in str(
            message["List-Unsubscribe"]
        )
        # the created event reached nobody; the sweep and a re-dispatch would find SENT rows
        manage(
            "shell",
            "-c",
            "from connect_api.events import event_dispatch\n"
            "from connect_api.models import Event\n"
            "[event_dispatch(pk) for pk in Event.objects.values_list('pk', flat=True)]",
            env=env,
        )

        def dispatches_run() -> int:
            lines = (tmp_path / "worker.log").read_text().splitlines()
            return sum("event_dispatch" in line and "executed in" in line for line in lines)

        wait_until(lambda: dispatches_run() >= 4, timeout=60, what="the re-dispatches to run")
        assert len(inbox.messages) == 1
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        log.close()
        controller.stop()
