"""`speed.py --instructions --without PARTS`: what each part of DRF's dispatch costs a write.

The `dispatch` case's endpoint (speed_twins.DispatchProbe: the supplier API's base view, the
create's body read, a small answer) is counted again, in a process of its own, once with each
part of DRF's work taken out, and once with every named part out at once. A part's cost is the
endpoint's count less the count without it: the most any shortcut of that part could save.
With every part out, what is left beside the plain twin is what a request costs that goes
through DRF's views at all: DRF's request object and the view instance, authentication and the
throttle through DRF's hooks, the dispatch itself, the answer.

Taking a part out changes what the probe does for other callers (no permission check, no
Idempotency-Key, no Allow or Vary header): the counted calls, a valid token and the create's
body, still answer 201 with the same body (speed.py's call checks the status).

- `negotiation`: the JSON renderer taken as chosen, without the renderers made and matched
  against the Accept header;
- `permissions`: no permission objects made or asked;
- `idempotency`: no Idempotency-Key step (the header looked for, the record's finalize);
- `headers`: no `Allow` or `Vary` header worked out or set;
- `body`: the body read as the plain twin reads it (`json.loads(request.body)`), not through
  DRF's request data, content type, stream and parser.
"""

import json

PARTS = ("negotiation", "permissions", "idempotency", "headers", "body")


def _negotiation() -> None:
    from rest_framework.views import APIView

    from connect_api.renderers import SurrogateSafeJSONRenderer

    def perform_content_negotiation(self, request, force=False):
        return SurrogateSafeJSONRenderer(), SurrogateSafeJSONRenderer.media_type

    APIView.perform_content_negotiation = perform_content_negotiation


def _permissions() -> None:
    from rest_framework.views import APIView

    APIView.check_permissions = lambda self, request: None


def _idempotency() -> None:
    from connect_api.idempotency import IdempotentMixin

    for name in ("initial", "finalize_response", "dispatch", "handle_exception"):
        delattr(IdempotentMixin, name)  # DRF's own, next in the method order


def _headers() -> None:
    from connect_api.api.dispatch import ReusedPolicies

    ReusedPolicies.default_response_headers = property(lambda self: {})


def _body() -> None:
    from benchmarks.speed_twins import DispatchProbe
    from connect_api.api.responses import rendered

    def post(self, request):
        return rendered(request, {"keys": len(json.loads(request._request.body))}, status=201)

    DispatchProbe.post = post


_TAKE_OUT = {
    "negotiation": _negotiation,
    "permissions": _permissions,
    "idempotency": _idempotency,
    "headers": _headers,
    "body": _body,
}


def parts_named(names: str) -> list[str]:
    """`all` or a comma-separated list of PARTS, checked."""
    parts = list(PARTS) if names == "all" else [name for name in names.split(",") if name]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise SystemExit(f"--without: unknown part(s) {', '.join(unknown)}; known: {PARTS}")
    return parts


def take_out(parts: list[str]) -> None:
    """In the counted child, before its first call."""
    for part in parts:
        _TAKE_OUT[part]()
