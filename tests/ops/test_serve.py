"""`make run`'s supervisor (scripts/serve): gunicorn and the worker start together, and Ctrl-C
(SIGINT to the terminal's process group) stops both."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.ops.conftest import ROOT, clean_env, free_port, wait_until
from tests.server.conftest import migrated_sqlite


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.usefixtures("_once_per_ci_run")
def test_ctrl_c_stops_gunicorn_and_the_worker(tmp_path):
    port = free_port()
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        QUEUE_URL=f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        QUEUE_HEARTBEAT_FILE=str(tmp_path / "heartbeat"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    migrated_sqlite(tmp_path / "serve.sqlite3")  # as `manage.py migrate` leaves it
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    pgid = serve.pid
    try:
        wait_until(lambda: answers(port), timeout=60, what="gunicorn under scripts/serve")
        wait_until((tmp_path / "heartbeat").exists, timeout=60, what="the worker's heartbeat")
        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C does
        serve.wait(timeout=40)
        deadline = time.monotonic() + 20
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(pgid), "a child of scripts/serve outlived Ctrl-C"
        assert not answers(port)
    finally:
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
            pytest.fail((tmp_path / "serve.log").read_text())
        log.close()
