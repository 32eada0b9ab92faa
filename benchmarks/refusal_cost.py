"""What refusing the largest refusable bodies costs, per write endpoint that takes a list.

    DATABASE_URL=sqlite:////tmp/bench_refusal.sqlite3 .venv/bin/python benchmarks/refusal_cost.py

Each body fills MAX_BODY_BYTES (2 MB): one list of invalid items (a million of them), an
object of unknown keys, an array nested as deep as fits; beside them, the same endpoint refusing
a body of one invalid item (what any refusal costs). Each endpoint is called once first, untimed:
a process's first call of a view pays one-time imports and caches. Sent through the whole
Django stack (APIClient: middleware, authentication, throttles, parsing, the Idempotency-Key
fingerprint, validation, the error body); prints the median and max CPU and wall time of each
refusal.
"""

import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_refusal.sqlite3")
os.environ.setdefault("THROTTLE_USER", "100000/min")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from tests.hostile_bodies import deeply_nested, filled, many_keys, targets  # noqa: E402

ROUNDS = 3


def timed(client, target, body, key) -> tuple[float, float, int]:
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.generic(
        target.method,
        target.path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=target.authorization,
        HTTP_APPLICATIONID="bench",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    return time.process_time() - cpu, time.perf_counter() - wall, response.status_code


def main() -> None:
    logging.disable(logging.WARNING)  # one request log line per refusal otherwise
    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)  # the factories' sequences start again
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client = APIClient()
    print(f"body cap {cap} bytes; {ROUNDS} rounds; ms: cpu median/max, wall median/max")
    worst = 0.0
    for target in targets():
        field, item = next(iter(target.lists.items()))
        small = json.dumps({**target.base, field: [item]}).encode()
        timed(client, target, small, f"warm-{target.method}")  # the process's first call
        bodies = {"one invalid item (fixed cost)": small}
        bodies |= {f"{field} x invalid": filled(target.base, field, item, cap)
                   for field, item in target.lists.items()}  # fmt: skip
        bodies["unknown keys"] = many_keys(cap)
        bodies["nested"] = deeply_nested(cap)
        for name, body in bodies.items():
            runs = [
                timed(client, target, body, f"bench-{target.method}-{name.split()[0]}-{n}")
                for n in range(ROUNDS)
            ]
            cpu = [run[0] * 1000 for run in runs]
            wall = [run[1] * 1000 for run in runs]
            statuses = sorted({run[2] for run in runs})
            worst = max(worst, *wall)
            print(
                f"{target.method:5} {target.path[:48]:48} {name:30} {statuses} "
                f"{statistics.median(cpu):6.1f}/{max(cpu):6.1f}  "
                f"{statistics.median(wall):6.1f}/{max(wall):6.1f}"
            )
    print(f"worst refusal: {worst:.1f} ms wall")


if __name__ == "__main__":
    main()
