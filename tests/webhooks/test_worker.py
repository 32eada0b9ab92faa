"""End to end through a real `run_huey` worker process: an event committed in one process is
dispatched, delivered to a real receiver on loopback, answered 500, retried by the worker's
own schedule 5 s later, and accepted; both requests carry valid Standard Webhooks signatures."""

import signal
import subprocess

import pytest
from standardwebhooks import Webhook

from tests.ops.conftest import (  # noqa: F401 (_once_per_ci_run: a fixture)
    PYTHON,
    ROOT,
    _once_per_ci_run,
    clean_env,
    manage,
    wait_until,
)
from tests.server.conftest import migrated_sqlite

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # base64 of 24 bytes

SEED = """
from django.db import transaction
from connect_api.events import EventName, event_publish
from organizations.models import Organization
from webhooks.models import Endpoint
organization = Organization.objects.create(name="Acme Retail", org_type="RETAILER")
Endpoint.objects.create(organization=organization, url={url!r}, secret={secret!r},
                        events=[EventName.CONNECTION_CONFIRMED])
with transaction.atomic():
    event_publish(name=EventName.CONNECTION_CONFIRMED, data={{"connection_uuid": "c-1"}},
                  refs={{"organizations": [organization.pk]}})
"""


@pytest.mark.usefixtures("_once_per_ci_run")
def test_a_real_worker_delivers_and_retries(tmp_path, receiver):
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        QUEUE_URL=f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        QUEUE_HEARTBEAT_FILE=str(tmp_path / "heartbeat"),
        WEBHOOKS_ALLOW_PRIVATE_TARGETS="true",
    )
    migrated_sqlite(tmp_path / "worker.sqlite3")  # as `manage.py migrate` leaves it
    receiver.answer(500)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "run_huey", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until((tmp_path / "heartbeat").exists, timeout=60, what="the worker's heartbeat")
        manage("shell", "-c", SEED.format(url=receiver.url, secret=SECRET), env=env)
        wait_until(lambda: len(receiver.requests) >= 1, timeout=60, what="the first attempt")
        wait_until(lambda: len(receiver.requests) >= 2, timeout=60, what="the retry (5 s later)")
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    first, second = receiver.requests[:2]
    for received in (first, second):
        payload = Webhook(SECRET).verify(received.body, received.headers)
        assert payload["type"] == "connection.confirmed"
        assert payload["data"] == {"connection_uuid": "c-1"}
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert int(second.headers["webhook-timestamp"]) - int(first.headers["webhook-timestamp"]) >= 5
    assert len(receiver.requests) == 2
