"""Periodic jobs run once per schedule with several `run_huey` workers, each with its scheduler,
on one Redis queue (as deployed: two job workers), and each worker's own heartbeat."""

import os
import re
import shutil
import signal
import subprocess
import time
from datetime import datetime

import pytest
from huey.exceptions import CancelExecution

from connect_api.models import ScheduledRun
from connect_api.schedule import claim_scheduled_run, scheduled_slot
from tests.ops.conftest import PYTHON, ROOT, clean_env, free_port, manage, wait_until
from tests.server.conftest import migrated_sqlite

# A Monday, 06:00 UTC: every periodic job but the 05:30 publication and the 03:40 purge is due.
MONDAY_0600 = datetime(2026, 12, 7, 6, 0)

ENQUEUE_AS_A_SCHEDULER = f"""
from datetime import datetime
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
autodiscover_modules("tasks")  # as run_huey does
for task in HUEY.read_periodic(datetime.fromisoformat("{MONDAY_0600.isoformat()}")):
    HUEY.enqueue(task)
    print(task.id)
"""


class FakeTask:
    def __init__(self, id):
        self.id = id


@pytest.mark.django_db
def test_the_second_copy_of_a_slot_is_cancelled():
    copy = FakeTask("periodic:purge_expired_tokens:20261207T0600")
    claim_scheduled_run(copy)
    with pytest.raises(CancelExecution):
        claim_scheduled_run(FakeTask(copy.id))
    claim_scheduled_run(FakeTask("periodic:purge_expired_tokens:20261207T0615"))
    claim_scheduled_run(FakeTask("3f0c6f4e-plain-job-id"))  # not scheduled: never claimed
    claim_scheduled_run(FakeTask("3f0c6f4e-plain-job-id"))
    assert sorted(ScheduledRun.objects.values_list("task", "slot")) == [
        ("purge_expired_tokens", "20261207T0600"),
        ("purge_expired_tokens", "20261207T0615"),
    ]


def test_a_scheduler_names_each_job_by_task_and_minute():
    from huey.contrib.djhuey import HUEY

    import connect_api.tasks  # noqa: F401  (run_huey imports every app's tasks module)
    import notifications.tasks  # noqa: F401

    tasks = HUEY.read_periodic(MONDAY_0600)
    assert {task.id for task in tasks} >= {
        "periodic:daily_mail:20261207T0600",
        "periodic:weekly_mail:20261207T0600",
        "periodic:purge_expired_tokens:20261207T0600",
        "periodic:events_sweep:20261207T0600",
    }
    assert scheduled_slot("periodic:daily_mail:20261207T0600") == ("daily_mail", "20261207T0600")


def _executed(logs: list, task_id: str) -> int:
    """How many workers ran `task_id` to the end (huey's "<task>: <id> executed in")."""
    pattern = re.compile(rf": {re.escape(task_id)} executed in ")
    return sum(len(pattern.findall(log.read_text())) for log in logs)


@pytest.mark.usefixtures("_once_per_ci_run")
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_two_workers_with_schedulers_run_each_slot_once(tmp_path):
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    # As `manage.py migrate` leaves it (this test runs in the SQLite pass only).
    database = migrated_sqlite(tmp_path / "schedule.sqlite3")
    env = clean_env(
        DATABASE_URL=f"sqlite:///{database}",
        QUEUE_URL=f"redis://127.0.0.1:{redis_port}/1",
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_URL="consolemail://",
    )
    workers, logs = [], []
    try:
        for index in range(2):
            log_path = tmp_path / f"worker{index}.log"
            logs.append(log_path)
            workers.append(
                subprocess.Popen(
                    [PYTHON, "manage.py", "run_huey", "--workers", "2"],
                    cwd=ROOT,
                    env={**env, "QUEUE_HEARTBEAT_FILE": str(tmp_path / f"heartbeat{index}")},
                    stdout=log_path.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        heartbeats = [tmp_path / f"heartbeat{index}" for index in range(2)]
        wait_until(lambda: all(h.exists() for h in heartbeats), timeout=60, what="both workers")
        started = {h: h.stat().st_mtime for h in heartbeats}

        # Two schedulers enqueue the same slot: 06:00 on a Monday, every digest and purge due.
        first, second = (
            [
                word
                for word in manage("shell", "-c", ENQUEUE_AS_A_SCHEDULER, env=env).stdout.split()
                if word.startswith("periodic:")
            ]
            for _ in range(2)
        )
        assert first == second and "periodic:daily_mail:20261207T0600" in first

        def settled() -> bool:
            text = "".join(log.read_text() for log in logs)
            return all(text.count(f": {task_id}") >= 2 for task_id in first)

        wait_until(settled, timeout=60, what="both copies of every job to be taken")
        time.sleep(1)
        for task_id in first:
            assert _executed(logs, task_id) == 1, task_id

        # The workers' own schedulers: the every-minute sweep is enqueued by both for the
        # same minute and run by one of them.
        def live_slots() -> set[str]:
            ids = re.findall(r"Enqueueing periodic task [\w.]+: (periodic:\S+?)\.\"", _all(logs))
            return {task_id for task_id in ids if ids.count(task_id) == 2}

        shared = wait_until(live_slots, timeout=90, what="both schedulers to enqueue one slot")
        time.sleep(2)
        for task_id in shared:
            assert _executed(logs, task_id) == 1, task_id

        # Each worker keeps its own heartbeat fresh, whoever runs the jobs.
        wait_until(
            lambda: all(h.stat().st_mtime > started[h] for h in heartbeats),
            timeout=30,
            what="each worker's heartbeat",
        )
        # Each line once, as JSON (run_huey adds no text handler of its own).
        for log in logs:
            lines = [line for line in log.read_text().splitlines() if line.strip()]
            assert not [line for line in lines if line.startswith("[")], log
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        redis.terminate()
        redis.wait(timeout=10)


def _all(logs) -> str:
    return "".join(log.read_text() for log in logs if os.path.exists(log))
