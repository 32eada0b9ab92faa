"""What the session and message middleware cost an API call: the middleware as deployed
(connect_api.lazy_state: the stores made on first read) beside the same list with Django's
own SessionMiddleware and MessageMiddleware, in one process, blocks in a shuffled order.

    DATABASE_URL=sqlite:////tmp/bench_lazy_state.sqlite3 \\
        .venv/bin/python benchmarks/lazy_state.py [--rounds 41] [--calls 50] [--seed 1]

Each variant is its own Django test-client handler, loaded with its middleware list; both
answer the same calls: a token GET of the caller's connections, an HTTP Basic GET of the same
(both supplier API), and, as a control, the admin's login page (a session-using page, which
reads the session in both). A third handler, Django's own list again, shows how far two
handlers doing the same work read apart (the noise floor). Prints per call the median CPU
(this process) and wall time over rounds, and the median of the per-round ratios against
Django's own (< 1: cheaper). Before those, the two classes alone: their request and response
steps on a request that reads neither store, Django's beside the lazy ones (timeit, the
request's making measured alone and taken off).
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_lazy_state.sqlite3")
os.environ.setdefault("THROTTLE_USER", "1000000/min")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.messages.middleware import MessageMiddleware  # noqa: E402
from django.contrib.sessions.middleware import SessionMiddleware  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.client import ClientHandler  # noqa: E402

from connect_api.lazy_state import LazyMessageMiddleware, LazySessionMiddleware  # noqa: E402
from tests.conftest import basic_header, token_header  # noqa: E402
from tests.factories import OrganizationMembershipFactory  # noqa: E402

DJANGOS_OWN = {
    "connect_api.lazy_state.LazySessionMiddleware": (
        "django.contrib.sessions.middleware.SessionMiddleware"
    ),
    "connect_api.lazy_state.LazyMessageMiddleware": (
        "django.contrib.messages.middleware.MessageMiddleware"
    ),
}


def variants_of(deployed: list[str], own: list[str]) -> list[tuple[str, list[str]]]:
    return [("deployed", deployed), ("django's own", own), ("own, again", list(own))]


def client_with(middleware: list[str], **headers) -> Client:
    """A test client whose handler runs `middleware` (loaded now, kept after)."""
    client = Client(**headers)
    with override_settings(MIDDLEWARE=middleware):
        client.handler = ClientHandler(enforce_csrf_checks=False)
        client.handler.load_middleware()
    return client


def classes_alone() -> None:
    """µs of CPU for the two classes' steps on a request that reads neither store."""
    answer = HttpResponse("ok")

    def steps_of(session_class, message_class):
        sessions = session_class(lambda request: answer)
        messages = message_class(lambda request: answer)

        def call():
            request = RequestFactory().get("/")
            sessions.process_request(request)
            messages.process_request(request)
            messages.process_response(request, answer)
            sessions.process_response(request, answer)

        return call

    def per_call(function) -> float:
        return min(timeit.repeat(function, timer=time.process_time, number=20000, repeat=5)) / 20000

    alone = per_call(lambda: RequestFactory().get("/"))
    own = per_call(steps_of(SessionMiddleware, MessageMiddleware)) - alone
    lazy = per_call(steps_of(LazySessionMiddleware, LazyMessageMiddleware)) - alone
    print(f"the two classes alone: Django's {own * 1e6:.1f} µs, lazy {lazy * 1e6:.1f} µs of CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # no request log line per call
    classes_alone()
    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)  # the factories' sequences start again

    deployed = list(settings.MIDDLEWARE)
    assert set(DJANGOS_OWN) <= set(deployed), "the deployed list holds the lazy middleware"
    own = [DJANGOS_OWN.get(name, name) for name in deployed]
    user = OrganizationMembershipFactory().user
    credentials = {
        "token": {"HTTP_AUTHORIZATION": token_header(user)},
        "basic": {"HTTP_AUTHORIZATION": basic_header(user.username, "password")},
        "admin login page": {},
    }
    paths = {
        "token": "/organizations/connections/",
        "basic": "/organizations/connections/",
        "admin login page": "/admin/login/",
    }
    variants = {
        (case, name): (client_with(middleware, **credentials[case]), paths[case])
        for case in credentials
        for name, middleware in variants_of(deployed, own)
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
        f"  {'call':<18}{'middleware':<14}{'cpu µs':>9}{'wall µs':>9}{'ratio cpu':>11}{'wall':>6}"
    )
    for case in credentials:
        for name in ("deployed", "django's own", "own, again"):
            key = (case, name)
            line = (
                f"  {case:<18}{name:<14}{statistics.median(figures[(key, 'cpu')]):9.0f}"
                f"{statistics.median(figures[(key, 'wall')]):9.0f}"
            )
            if name != "django's own":
                other = (case, "django's own")
                ratios = [
                    statistics.median(
                        ours / theirs
                        for ours, theirs in zip(
                            figures[(key, clock)], figures[(other, clock)], strict=True
                        )
                    )
                    for clock in ("cpu", "wall")
                ]
                line += f"{ratios[0]:11.3f}{ratios[1]:6.3f}"
            print(line)


if __name__ == "__main__":
    main()
