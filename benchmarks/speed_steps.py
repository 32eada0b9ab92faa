"""`speed.py --steps <case>`: the CPU time of each step of a write, the endpoint beside its
plain twin, to see where the difference between them goes.

Each step is a function or method wrapped to add its thread CPU time (`time.thread_time`:
the database's work and waiting are not in it) to a tally; a step inside another is counted
in both. Blocks of `calls` calls alternate between the endpoint and the twin, in an order
that flips each round, and each step's figure is the median over rounds of its CPU per call.
The wrapping costs about a microsecond a step, so a step's own figure reads high by that.
"""

import functools
import statistics
import time

from django.core.handlers.base import BaseHandler
from rest_framework.request import Request
from rest_framework.views import APIView

import benchmarks.speed_limit as speed_limit
import benchmarks.speed_twins as twins
from connections import services as connection_services
from connections.api import serializers as connection_shapes
from connections.api import views as connection_views
from outreach import services as outreach_services
from outreach.api import serializers as outreach_shapes
from outreach.api import views as outreach_views

# (owner, attribute, label): the handler's and DRF's steps, then each write's own. A function
# imported by name is wrapped where the view reads it.
STEPS = [
    (BaseHandler, "get_response", "request, through the middleware"),
    (BaseHandler, "resolve_request", "  URL resolution"),
    (APIView, "dispatch", "  DRF dispatch"),
    (APIView, "initialize_request", "    DRF request"),
    (APIView, "initial", "    DRF initial"),
    (APIView, "perform_authentication", "      authentication"),
    (APIView, "check_permissions", "      permissions"),
    (APIView, "check_throttles", "      throttles"),
    (APIView, "perform_content_negotiation", "      negotiation"),
    (Request, "_load_data_and_files", "    body (request.data)"),
    (APIView, "finalize_response", "    DRF finalize"),
    (connection_shapes, "connection_request_input", "    create: input"),
    (speed_limit, "create_fields", "    create: input"),
    (connection_views, "active_organization_for", "    create: organization"),
    (twins, "active_organization_for", "    create: organization"),
    (connection_services, "connection_request_create", "    create: service"),
    (outreach_shapes, "change_request_input", "    outreach POST: input"),
    (twins, "change_request_input", "    outreach POST: input"),
    (outreach_services, "change_request_submit", "    outreach POST: service"),
    (connection_views, "rendered", "    answer (rendered)"),
    (outreach_views, "rendered", "    answer (rendered)"),
    (twins, "token_user", "    twin: token and throttle"),
    (twins, "basic_user", "    twin: Basic and throttle"),
    (twins, "json_response", "    twin: answer"),
]


def run_steps(variants: dict, *, rounds: int, calls: int) -> None:
    """`variants`: {"endpoint": call, "plain": call} of one case."""
    tally: dict[str, float] = {}

    def timed(function, label):
        @functools.wraps(function)
        def step(*args, **kwargs):
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                tally[label] = tally.get(label, 0.0) + time.thread_time() - started

        return step

    wrapped = set()
    for owner, attribute, label in STEPS:
        function = getattr(owner, attribute)
        if (id(owner), attribute) not in wrapped:
            wrapped.add((id(owner), attribute))
            setattr(owner, attribute, timed(function, label))
    # The twins' routes hold their views; the twins' own helpers are read by name at each call.
    per_variant: dict[str, dict[str, list[float]]] = {name: {} for name in variants}
    order = list(variants)
    for round_number in range(rounds):
        for name in order if round_number % 2 else reversed(order):
            tally.clear()
            started = time.thread_time()
            for _ in range(calls):
                variants[name]()
            total = time.thread_time() - started
            figures = per_variant[name]
            figures.setdefault("total (thread CPU)", []).append(total / calls * 1e6)
            for label, spent in tally.items():
                figures.setdefault(label, []).append(spent / calls * 1e6)
    labels = ["total (thread CPU)", *dict.fromkeys(label for _, _, label in STEPS)]
    print(f"µs of CPU per call, median over {rounds} rounds x {calls} calls")
    print(f"  {'step':<38}" + "".join(f"{name:>12}" for name in variants))
    for label in labels:
        cells = [per_variant[name].get(label) for name in variants]
        if not any(cells):
            continue
        print(
            f"  {label:<38}"
            + "".join(
                f"{statistics.median(cell):12.1f}" if cell else f"{'-':>12}" for cell in cells
            )
        )
