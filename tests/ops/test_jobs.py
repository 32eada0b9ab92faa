"""The periodic clean-up jobs (run immediately here) and one real `run_huey` worker process."""

import signal
import sqlite3
import subprocess
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from knox.models import AuthToken

from connect_api import tasks
from tests.factories import UserFactory
from tests.ops.conftest import PYTHON, ROOT, clean_env, manage, wait_until
from tests.server.conftest import migrated_sqlite

pytestmark = pytest.mark.django_db


def test_the_queue_runs_immediately_in_tests():
    assert HUEY.immediate is True


def test_the_periodic_jobs_are_registered():
    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert {
        "purge_expired_tokens",
        "purge_expired_sessions",
        "purge_expired_lockouts",
        "purge_expired_cache_rows",
    } <= names


def test_purge_expired_tokens_keeps_live_ones():
    user = UserFactory()
    AuthToken.objects.create(user=user, expiry=timedelta(seconds=-5))
    AuthToken.objects.create(user=user, expiry=timedelta(seconds=-5))
    AuthToken.objects.create(user=user, expiry=timedelta(days=1))
    tasks.purge_expired_tokens()
    assert AuthToken.objects.count() == 1


def test_purge_expired_sessions():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.set_expiry(-10)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    tasks.purge_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_purge_lockouts_older_than_the_cool_off(settings):
    now = timezone.now()
    fields = {"user_agent": "t", "http_accept": "*/*", "path_info": "/api/token/"}
    old = AccessAttempt.objects.create(
        username="old", ip_address="10.0.0.1", failures_since_start=3, **fields
    )
    fresh = AccessAttempt.objects.create(
        username="fresh", ip_address="10.0.0.1", failures_since_start=3, **fields
    )
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=now - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    history = AccessLog.objects.create(username="x", ip_address="10.0.0.1", **fields)
    AccessLog.objects.filter(pk=history.pk).update(
        attempt_time=now - settings.ACCESS_LOG_RETENTION - timedelta(days=1)
    )
    tasks.purge_expired_lockouts()
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not AccessLog.objects.exists()


def test_purge_expired_cache_rows():
    cache = caches["default"]
    cache.set("stays", 1, timeout=600)
    cache.set("goes", 1, timeout=600)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE connect_api_cache SET expires = %s WHERE cache_key LIKE %s",
            [timezone.now() - timedelta(hours=1), "%goes"],
        )
    tasks.purge_expired_cache_rows()
    assert cache.get("stays") == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM connect_api_cache WHERE cache_key LIKE '%goes'")
        assert cursor.fetchone() == (0,)


SEED_EXPIRED_TOKENS = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from knox.models import AuthToken
user = get_user_model().objects.create_user("worker-test")  # no password: none is hashed
for _ in range(3):
    AuthToken.objects.create(user=user, expiry=timedelta(seconds=-60))
AuthToken.objects.create(user=user, expiry=timedelta(days=1))
"""

ENQUEUE = """
from connect_api.tasks import purge_expired_tokens
purge_expired_tokens()
"""


@pytest.mark.usefixtures("_once_per_ci_run")
def test_a_real_worker_process_runs_an_enqueued_job(tmp_path):
    """`manage.py run_huey` with SQLite queue storage, as `make run` starts it."""
    database = tmp_path / "worker.sqlite3"
    env = clean_env(
        DATABASE_URL=f"sqlite:///{database}",
        QUEUE_URL=f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        QUEUE_HEARTBEAT_FILE=str(tmp_path / "heartbeat"),
    )
    migrated_sqlite(database)  # as `manage.py migrate` leaves it
    manage("shell", "-c", SEED_EXPIRED_TOKENS, env=env)

    def tokens() -> int:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT COUNT(*) FROM knox_authtoken").fetchone()[0]

    assert tokens() == 4
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            (tmp_path / "heartbeat").exists, timeout=60, what="the worker's startup heartbeat"
        )
        manage("shell", "-c", ENQUEUE, env=env)
        wait_until(lambda: tokens() == 1, timeout=60, what="the worker to purge expired tokens")
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert "purge_expired_tokens" in output


def test_jobs_are_in_the_admin_read_only(admin_client):
    from connect_api.models import Job

    job = Job.objects.create(name="outreach.change_requests_apply_all")
    assert admin_client.get("/admin/connect_api/job/").status_code == 200
    assert admin_client.get(f"/admin/connect_api/job/{job.pk}/change/").status_code == 200
    assert admin_client.get("/admin/connect_api/job/add/").status_code == 403
