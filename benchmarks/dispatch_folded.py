"""What folding DRF's dispatch into one method would save: the dispatch probe as it is,
beside the same probe with APIView's `dispatch`, `initial` and `finalize_response` and the
Idempotency-Key mixin's steps written as one method, and beside its plain twin.

    .venv/bin/python benchmarks/dispatch_folded.py              # PostgreSQL, ~1 min
    .venv/bin/python benchmarks/dispatch_folded.py --rounds 400

Each view is called directly with a request from `RequestFactory` (no middleware, no test
client), so the figures are DRF's part and the view's alone. Rounds of `--calls` calls of
each variant, in an order shuffled per round, timed by this thread's CPU time; each ratio is
the median over rounds of the variant's cost / the probe's in the same round. The folded
method is a measurement, not the API's code: it takes the path of a request that passes
(no Idempotency-Key, the default format and version), and the benchmark checks that it
answers what the probe answers, body and headers.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("THROTTLE_USER", "1000000/s")  # the direct calls run faster than 1200/s

from django.test import RequestFactory

import benchmarks.speed as speed  # sets up Django (its settings) and the data
from benchmarks.speed_twins import DispatchProbe, plain_dispatch_probe
from connect_api.api.dispatch import ReusedPolicies
from connect_api.idempotency import METHODS, key_from
from tests.seeds import SUPPLIER_CREATE_BODY


def folded_dispatch(self, request, *args, **kwargs):
    """APIView.dispatch with `initial`, the mixins' steps and `finalize_response` inlined."""
    self.args, self.kwargs = args, kwargs
    drf_request = self.initialize_request(request, *args, **kwargs)
    self.request = drf_request
    self.headers = self.default_response_headers
    try:
        self.format_kwarg = kwargs.get("format")
        negotiated = self.perform_content_negotiation(drf_request)
        drf_request.accepted_renderer, drf_request.accepted_media_type = negotiated
        drf_request.version = drf_request.versioning_scheme = None
        user = drf_request.user
        for permission in self.get_permissions():
            if not permission.has_permission(drf_request, self):
                self.permission_denied(drf_request)
        self.check_throttles(drf_request)
        if drf_request.method in METHODS and user.is_authenticated:
            assert key_from(drf_request) is None, "the benchmark sends no Idempotency-Key"
        handler = getattr(self, drf_request.method.lower(), self.http_method_not_allowed)
        response = handler(drf_request, *args, **kwargs)
    except Exception as exc:
        response = self.handle_exception(exc)
    response = ReusedPolicies.finalize_response(self, drf_request, response)
    self.__dict__.pop("request", None)
    drf_request.parser_context = None
    return response


class FoldedProbe(DispatchProbe):
    dispatch = folded_dispatch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20, help="calls per variant per round")
    args = parser.parse_args()
    rounds, calls = args.rounds, args.calls
    token, _ = speed.prepare()
    body = json.dumps(SUPPLIER_CREATE_BODY)
    factory = RequestFactory()

    def made():
        return factory.post(
            "/bench/dispatch/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )

    variants = {
        "drf": DispatchProbe.as_view(),
        "folded": FoldedProbe.as_view(),
        "plain": plain_dispatch_probe,
    }
    for view in variants.values():
        for _ in range(100):
            assert view(made()).status_code == 201
    drf, folded = variants["drf"](made()), variants["folded"](made())
    assert (drf.content, dict(drf.headers)) == (folded.content, dict(folded.headers))

    costs: dict[str, list[float]] = {name: [] for name in variants}
    shuffler = random.Random(11)
    for _ in range(rounds):
        for name in shuffler.sample(list(variants), len(variants)):
            requests = [made() for _ in range(calls)]
            view = variants[name]
            started = time.thread_time()
            for request in requests:
                view(request)
            costs[name].append((time.thread_time() - started) / calls)
    print(f"{rounds} rounds x {calls} calls, load average {os.getloadavg()[0]:.2f}")
    print("µs of CPU per call (median over rounds), ratio to the probe (median of per-round)")
    for name, per_round in costs.items():
        ratio = statistics.median(c / d for c, d in zip(per_round, costs["drf"], strict=True))
        print(f"  {name:<8}{statistics.median(per_round) * 1e6:9.1f}{ratio:9.3f}")


if __name__ == "__main__":
    main()
