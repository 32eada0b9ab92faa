"""Two gunicorn instances on one host, one PROMETHEUS_MULTIPROC_DIR: starting the second leaves
the first one's metrics alone, and each instance's /metrics counts its own requests only."""

import re
import subprocess
import urllib.request

import pytest

from tests.ops.conftest import ROOT, clean_env, free_port, wait_until
from tests.server.conftest import gunicorn_command, migrated_sqlite, stop

TOKEN = "metrics-" + "t" * 32
COUNTER = re.compile(r'^django_http_requests_total_by_method_total\{method="GET"\} (\S+)$', re.M)


def get(port: int, path: str, token: str | None = None) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def gets_counted(port: int) -> float:
    """The instance's count of GET requests (the scrape itself not yet counted)."""
    found = COUNTER.search(get(port, "/metrics", TOKEN))
    return float(found.group(1)) if found else 0.0


def answers(port: int) -> bool:
    try:
        get(port, "/healthz")
    except OSError:
        return False
    return True


@pytest.mark.usefixtures("_once_per_ci_run")
def test_a_second_instance_keeps_the_first_ones_metrics(tmp_path):
    metrics = tmp_path / "prometheus"
    env = clean_env(
        DATABASE_URL=f"sqlite:///{migrated_sqlite(tmp_path / 'db.sqlite3')}",
        QUEUE_URL="memory://",
        MEDIA_ROOT=str(tmp_path / "media"),
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
        METRICS_TOKEN=TOKEN,
        DEBUG="false",
        WEB_CONCURRENCY="2",
    )
    ports = [free_port(), free_port()]
    processes = []
    try:

        def start(port: int):
            log = (tmp_path / f"gunicorn-{port}.log").open("w")
            processes.append(
                subprocess.Popen(
                    gunicorn_command(port),
                    cwd=ROOT,
                    env={**env, "BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            wait_until(lambda: answers(port), timeout=60, what=f"gunicorn on {port}")

        first, second = ports
        start(first)
        for _ in range(10):
            get(first, "/healthz")
        before = gets_counted(first)
        assert before >= 10

        start(second)  # the same PROMETHEUS_MULTIPROC_DIR, on the same host
        assert gets_counted(first) >= before + 1  # nothing wiped (+1: the scrape above)
        assert gets_counted(second) < 10  # only its own: its start-up probes, not first's 10
        assert sorted(path.name for path in metrics.iterdir()) == sorted(
            f"127.0.0.1_{port}" for port in ports
        )
    finally:
        for process in processes:
            stop(process)
