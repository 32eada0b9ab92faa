"""Deployed as docker-compose.yml deploys it (the proxy trusted by its address), a caller that
reaches gunicorn directly cannot pick its address with X-Forwarded-For: the failed-login
budget of its own address runs out, whatever it sends."""

import json
import os
import subprocess
from contextlib import contextmanager

from tests.server.conftest import (
    ROOT,
    Server,
    _database_url,
    free_port,
    gunicorn_command,
    server_database,
    stop,
    wait_until_up,
)

PROXY_ADDRESS = "172.30.80.10"  # docker-compose.yml's default; not this test's address
BUDGET = 5


@contextmanager
def _deployed(tmp_path, proxy_settings: dict):
    """gunicorn with these proxy settings and a small failed-login budget."""
    database_url, drop_database = _database_url(tmp_path, suffix="forwarded")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DEBUG": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "FAILED_LOGINS_PER_ADDRESS": str(BUDGET),
        "FAILED_LOGINS_BURST": str(BUDGET),
        **proxy_settings,
    }
    server_database(database_url, tmp_path / "server.sqlite3", env)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            gunicorn_command(port),
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        running = Server(port=port, data={}, env=env, process=process)
        try:
            wait_until_up(running, process, log_path)
            yield running
        finally:
            stop(process)
            drop_database()


def _failed_logins(deployed) -> list[int]:
    answers = []
    for attempt in range(BUDGET + 3):
        body = json.dumps({"username": f"guess{attempt}", "password": "wrong"}).encode()
        response = deployed.request(
            "POST",
            "/api/token/",
            body,
            headers={
                "Content-Type": "application/json",
                "X-Forwarded-For": f"203.0.113.{attempt + 1}",  # a new "address" every time
            },
            auth=None,
        )
        answers.append(response.status)
    return answers


def test_a_direct_caller_cannot_choose_its_address_for_the_login_budget(tmp_path):
    compose = {"TRUSTED_PROXIES": f"{PROXY_ADDRESS}/32", "FORWARDED_ALLOW_IPS": PROXY_ADDRESS}
    with _deployed(tmp_path, compose) as deployed:
        answers = _failed_logins(deployed)
    assert answers[:BUDGET] == [401] * BUDGET, answers
    assert set(answers[BUDGET:]) == {429}, answers


def test_trusting_a_hop_count_lets_a_direct_caller_choose_its_address(tmp_path):
    """Why compose no longer sets TRUSTED_PROXY_COUNT: every guess comes from a new address."""
    with _deployed(tmp_path, {"TRUSTED_PROXY_COUNT": "1"}) as deployed:
        answers = _failed_logins(deployed)
    assert set(answers) == {401}, answers
