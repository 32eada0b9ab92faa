"""What the project's own middleware classes save an API call, each beside the library class
it stands in for, in one process, blocks in a shuffled order.

    DATABASE_URL=sqlite:////tmp/bench_middleware.sqlite3 \\
        .venv/bin/python benchmarks/middleware_costs.py [--rounds 41] [--calls 50] [--seed 1]

The stand-ins (settings.MIDDLEWARE): `connect_api.lazy_state`'s session and message
middleware, which make their stores on first read, for Django's own; and
`connect_api.observability.PrometheusAfterMiddleware`, which looks each labelled child up
once, for django-prometheus's own. Each variant is its own Django test-client handler, loaded
with its middleware list: the library classes throughout (the base), then the base with one
stand-in, with the other, with both (as deployed), and the base again (a second handler doing
the same work shows how far two handlers read apart: the noise floor). Each answers the same
calls: a token GET of the caller's connections, an HTTP Basic GET of the same (both supplier
API), and the admin's login page (which reads the session and the messages). Prints per call
the median CPU (this process) and wall time over rounds, and the median of the per-round
ratios variant / base (< 1: cheaper).
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_middleware.sqlite3")
os.environ.setdefault("THROTTLE_USER", "1000000/min")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.client import ClientHandler  # noqa: E402

from tests.conftest import basic_header, token_header  # noqa: E402
from tests.factories import OrganizationMembershipFactory  # noqa: E402

LAZY_STATE = {
    "connect_api.lazy_state.LazySessionMiddleware": (
        "django.contrib.sessions.middleware.SessionMiddleware"
    ),
    "connect_api.lazy_state.LazyMessageMiddleware": (
        "django.contrib.messages.middleware.MessageMiddleware"
    ),
}
METRICS = {
    "connect_api.observability.PrometheusAfterMiddleware": (
        "django_prometheus.middleware.PrometheusAfterMiddleware"
    ),
}
BASE = "library classes"


def middleware_lists(deployed: list[str]) -> dict[str, list[str]]:
    """Each variant's list: the deployed one with some stand-ins swapped back."""
    assert set(LAZY_STATE) | set(METRICS) <= set(deployed), "the deployed list holds them"

    def swapped(*swaps: dict) -> list[str]:
        back = {name: library for swap in swaps for name, library in swap.items()}
        return [back.get(name, name) for name in deployed]

    return {
        BASE: swapped(LAZY_STATE, METRICS),
        "lazy session, messages": swapped(METRICS),
        "metrics' children kept": swapped(LAZY_STATE),
        "both (deployed)": list(deployed),
        "library, again": swapped(LAZY_STATE, METRICS),
    }


def client_with(middleware: list[str], **headers) -> Client:
    """A test client whose handler runs `middleware` (loaded now, kept after)."""
    client = Client(**headers)
    with override_settings(MIDDLEWARE=middleware):
        client.handler = ClientHandler(enforce_csrf_checks=False)
        client.handler.load_middleware()
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # no request log line per call
    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)  # the factories' sequences start again

    lists = middleware_lists(list(settings.MIDDLEWARE))
    user = OrganizationMembershipFactory().user
    calls = {
        "token": ("/organizations/connections/", {"HTTP_AUTHORIZATION": token_header(user)}),
        "basic": (
            "/organizations/connections/",
            {"HTTP_AUTHORIZATION": basic_header(user.username, "password")},
        ),
        "admin login page": ("/admin/login/", {}),
    }
    variants = {
        (call, name): (client_with(middleware, **headers), path)
        for call, (path, headers) in calls.items()
        for name, middleware in lists.items()
    }
    for client, path in variants.values():  # the first calls load what a process keeps
        for _ in range(3):
            assert client.get(path).status_code == 200, path

    figures = {(key, clock): [] for key in variants for clock in ("cpu", "wall")}
    shuffler = random.Random(args.seed)
    order = list(variants)
    for _ in range(args.rounds):
        shuffler.shuffle(order)
        for key in order:
            client, path = variants[key]
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.calls):
                client.get(path)
            figures[(key, "cpu")].append((time.process_time() - cpu) / args.calls * 1e6)
            figures[(key, "wall")].append((time.perf_counter() - wall) / args.calls * 1e6)

    print(
        f"{args.rounds} rounds x {args.calls} calls, {django.db.connection.vendor}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"  {'call':<18}{'middleware':<24}{'cpu µs':>8}{'wall µs':>9}{'ratio cpu':>11}{'wall':>7}"
    )
    for call in calls:
        for name in lists:
            key = (call, name)
            line = (
                f"  {call:<18}{name:<24}{statistics.median(figures[(key, 'cpu')]):8.0f}"
                f"{statistics.median(figures[(key, 'wall')]):9.0f}"
            )
            if name != BASE:
                base = (call, BASE)
                ratios = [
                    statistics.median(
                        ours / theirs
                        for ours, theirs in zip(
                            figures[(key, clock)], figures[(base, clock)], strict=True
                        )
                    )
                    for clock in ("cpu", "wall")
                ]
                line += f"{ratios[0]:11.3f}{ratios[1]:7.3f}"
            print(line)


if __name__ == "__main__":
    main()
