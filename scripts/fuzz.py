"""Fuzz every operation of the OpenAPI schema against the real server.

    .venv/bin/python scripts/fuzz.py [--examples 100] [--database-url URL] [-- ST_OPTIONS...]

A fresh database (PostgreSQL by default: FUZZ_DATABASE_URL, or the database named by
DATABASE_URL with `_fuzz` appended; created, and dropped at the end), `migrate`, the demo data
(`seed_demo`), then gunicorn as production runs it (gunicorn.conf.py, 2 sync workers, DEBUG off)
on a free loopback port. schemathesis (scripts/fuzz.toml) reads the schema the server serves at
/api/schema/ and sends at least `--examples` generated requests to every operation it lists,
valid and invalid ones, with credentials: the demo retailer's knox token for the supplier API,
the demo outreach Administrator's HTTP Basic on site 12345 for the outreach API. Any 5xx, or
any answer the schema does not declare (its status code, its content type, its body's shape:
scripts/fuzz.toml's conformance checks), fails the run (exit status 1), each with a curl
command to reproduce it. The rate limits and the failed-login budgets are raised so they do
not answer in the endpoints' place. Nothing in here knows the schema's operations: new ones are
fuzzed as they appear.
"""

import argparse
import base64
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from databases import database_recreate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/connect_api"
SUPPLIER_USER = "retailer"
OUTREACH_USER, OUTREACH_PASSWORD, OUTREACH_SITE = "outreach_admin", "outreach-admin-pass", "12345"


def database_url(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("FUZZ_DATABASE_URL"):
        return os.environ["FUZZ_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_DATABASE
    return base + "_fuzz"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    return result.stdout


def new_token(username: str, env: dict) -> str:
    script = (
        "from django.contrib.auth import get_user_model; from knox.models import AuthToken; "
        f"print(AuthToken.objects.create(user=get_user_model().objects.get(username={username!r}))[1])"
    )
    return manage("shell", "-c", script, env=env).strip().splitlines()[-1]


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "connect_api.wsgi"],
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            sys.exit(f"gunicorn did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="per operation (default 100)")
    parser.add_argument("--database-url", help="default: see the module's docstring")
    parser.add_argument("st_options", nargs="*", help="passed on to `schemathesis run`")
    args = parser.parse_args()

    url = database_url(args.database_url)
    work = Path(os.environ.get("FUZZ_WORK_DIR", "/tmp/connect_api_fuzz"))
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")},
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "fuzz-only-secret-key-" + "f" * 40,
        "QUEUE_URL": "memory://",
        "QUEUE_IMMEDIATE": "true",
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "ERROR",
        # the limits would answer 429 in the endpoints' place
        "THROTTLE_ANON": "1000000/min",
        "THROTTLE_USER": "1000000/min",
        "THROTTLE_UPLOADS": "1000000/min",
        "FAILED_LOGINS_PER_ADDRESS": str(10**9),
        "FAILED_LOGINS_BURST": str(10**9),
        "LOCKOUT_FAILURES": str(10**9),
    }
    for key in ("CACHE_URL", "STORAGE_BACKEND"):
        env.pop(key, None)
    started = time.monotonic()
    database_recreate(url)
    process = None
    try:
        manage("migrate", "--noinput", "-v0", env=env)
        seeded = manage("seed_demo", env=env)
        match = re.search(rf"Token for {SUPPLIER_USER}: (\w+)", seeded)
        if not match:
            sys.exit(f"seed_demo printed no token for {SUPPLIER_USER}:\n{seeded}")
        basic = base64.b64encode(f"{OUTREACH_USER}:{OUTREACH_PASSWORD}".encode()).decode()
        port = free_port()
        process = start_gunicorn(env, port, work / "gunicorn.log")
        st_env = {
            **os.environ,
            "FUZZ_TOKEN": match.group(1),
            "FUZZ_LOGOUT_TOKEN": new_token(SUPPLIER_USER, env),
            "FUZZ_BASIC": basic,
            "FUZZ_SITE": OUTREACH_SITE,
        }
        print(f"fuzzing http://127.0.0.1:{port} ({url.rsplit('@', 1)[-1]})", flush=True)
        result = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(ROOT / "scripts" / "fuzz.toml"),
                "run",
                f"http://127.0.0.1:{port}/api/schema/",
                "--max-examples",
                str(args.examples),
                "--seed",
                os.environ.get("FUZZ_SEED", "16"),
                "--no-color",
                *args.st_options,
            ],
            cwd=work,  # its cache (.schemathesis/) stays out of the checkout
            env=st_env,
        )
    finally:
        if process is not None:
            stop(process)
        database_recreate(url, drop_only=True)
    print(f"fuzz run: {time.monotonic() - started:.0f} s, exit status {result.returncode}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
