"""Legitimate token traffic while one address sends failed HTTP Basic logins.

    .venv/bin/python benchmarks/failed_logins.py [--seconds 30] [--redis] [--unprotected]

The real server: gunicorn with the project's gunicorn.conf.py, 2 sync workers, DEBUG off, the
production password hasher (PBKDF2), on PostgreSQL (a database of its own on the local
server, BENCH_DATABASE_URL to change; dropped at the end), the shared cache in the database
(`--redis`: Redis db 6 instead), on 127.0.0.1:8106 (loopback only).

Two legitimate clients from 127.0.0.2 call `GET /organizations/connections/request/` with a
knox token, back to back, one request at a time each. The attacker, from 127.0.0.1, sends 4
failed Basic logins per second, a different username each time. Printed: the legitimate
requests/s and p95 latency without the attack (before and after it, averaged) and during it,
and the ratio (target >= 0.8); what the attacker got (401 = a password hash ran, 429 = refused
before any hash). `--unprotected` also runs the attack with the per-address limit switched off
(both budgets at 10**9), for comparison. The user throttle is raised so it does not
cap the legitimate clients. Runtime about 2 minutes (3 with --unprotected), setup included.
"""

import argparse
import base64
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.databases import database_recreate  # noqa: E402

BIN = Path(sys.executable).parent
PORT = 8106
LEGIT_ADDRESS = "127.0.0.2"
ATTACKER_ADDRESS = "127.0.0.1"
LEGIT_CLIENTS = 2
ATTACKS_PER_SECOND = 4
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/connect_api_h16_bench"


def call(method, path, headers, source, body=None, timeout=30.0):
    """One request on a fresh connection from `source`: (status, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        "127.0.0.1", PORT, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def legitimate_load(token: str, seconds: float) -> tuple[float, float, dict, list]:
    """LEGIT_CLIENTS clients back to back for `seconds`: (requests/s, p95 s, statuses, answered
    per 5 s)."""
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
    latencies: list[float] = []
    finished: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            try:
                status, elapsed = call(
                    "GET", "/organizations/connections/request/", headers, LEGIT_ADDRESS
                )
            except OSError:
                status, elapsed = 0, 0.0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append(elapsed)
                    finished.append(time.monotonic())

    threads = [threading.Thread(target=client) for _ in range(LEGIT_CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else float("nan")
    slices = [0] * max(1, int(seconds // 5))
    for moment in finished:
        slices[min(len(slices) - 1, int((moment - started) // 5))] += 1
    return len(latencies) / elapsed, p95, statuses, slices


def attack(seconds: float, results: dict, run: str) -> None:
    """ATTACKS_PER_SECOND failed Basic logins per second from ATTACKER_ADDRESS, each for
    another username, each on its own thread (a slow answer does not slow the attack)."""
    threads = []
    lock = threading.Lock()

    def one(number: int):
        credential = base64.b64encode(f"nobody-{run}-{number}:wrong".encode()).decode()
        headers = {"Authorization": f"Basic {credential}", "Host": "127.0.0.1"}
        try:
            status, _ = call(
                "GET", "/api_accessacs_mobile/v2/12345/account", headers, ATTACKER_ADDRESS
            )
        except OSError:
            status = 0
        with lock:
            results[status] = results.get(status, 0) + 1

    started = time.monotonic()
    for number in range(int(seconds * ATTACKS_PER_SECOND)):
        time.sleep(max(0.0, started + number / ATTACKS_PER_SECOND - time.monotonic()))
        thread = threading.Thread(target=one, args=(number,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=60)


def attacked_load(token: str, seconds: float, run: str) -> tuple:
    attacker: dict[int, int] = {}
    thread = threading.Thread(target=attack, args=(seconds, attacker, run))
    thread.start()
    measured = legitimate_load(token, seconds)
    thread.join()
    return (*measured, attacker)


class Server:
    def __init__(self, env: dict, log: Path):
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "connect_api.wsgi"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": "2"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if call("GET", "/healthz", {"Host": "127.0.0.1"}, LEGIT_ADDRESS)[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"gunicorn did not start; see {log}")
            time.sleep(0.3)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def report(label: str, throughput: float, p95: float, statuses: dict, slices: list) -> None:
    print(f"{label:<34} {throughput:7.1f} req/s   p95 {p95 * 1000:7.1f} ms   statuses {statuses}")
    print(f"{'':<34} answered per 5 s: {slices}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--redis", action="store_true", help="shared cache in Redis db 6")
    parser.add_argument("--unprotected", action="store_true", help="also without the limit")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a setting for the server, e.g. --set FAILED_LOGINS_BURST=4",
    )  # fmt: skip
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "THROTTLE_USER": "1000000/min",
        "LOG_LEVEL": "ERROR",
        "MEDIA_ROOT": "/tmp/h16_bench_media",
    }
    if args.redis:
        env["CACHE_URL"] = "redis://127.0.0.1:6379/6"
    env.update(setting.split("=", 1) for setting in args.set)
    log = Path("/tmp/h16_failed_logins_gunicorn.log")
    log.write_text("")
    database_recreate(database_url)
    server = None
    try:
        manage = [str(BIN / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "createcachetable"], cwd=ROOT, env=env, check=True)
        if args.redis:
            subprocess.run(
                [*manage, "shell", "-c", "from django.core.cache import cache; cache.clear()"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        populated = subprocess.run(
            [str(BIN / "python"), "-m", "tests.server.populate"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = json.loads(populated.stdout.strip().splitlines()[-1])["token"]

        print(
            f"cache: {'Redis' if args.redis else 'database'}; {args.seconds:.0f} s per run; "
            f"settings: {' '.join(args.set) or 'defaults'}; load average {os.getloadavg()}"
        )
        server = Server(env, log)
        legitimate_load(token, 3)  # warm up both workers
        half = args.seconds / 2
        before = legitimate_load(token, half)
        attacked = attacked_load(token, args.seconds, "limited")
        after = legitimate_load(token, half)
        baseline = (before[0] + after[0]) / 2
        report("no attack (before)", *before)
        report("no attack (after)", *after)
        report("attack, per-address limit on", *attacked[:4])
        print(f"  attacker's answers: {attacked[4]}")
        print(f"ratio under attack / without: {attacked[0] / baseline:.2f}")

        if args.unprotected:
            server.stop()
            unlimited = {"FAILED_LOGINS_PER_ADDRESS": str(10**9), "FAILED_LOGINS_BURST": str(10**9)}
            server = Server({**env, **unlimited}, log)
            legitimate_load(token, 3)
            unprotected = attacked_load(token, args.seconds, "unlimited")
            report("attack, limit off (comparison)", *unprotected[:4])
            print(f"  attacker's answers: {unprotected[4]}")
            print(f"ratio with the limit off: {unprotected[0] / baseline:.2f}")
    finally:
        if server is not None:
            server.stop()
        database_recreate(database_url, drop_only=True)


if __name__ == "__main__":
    main()
