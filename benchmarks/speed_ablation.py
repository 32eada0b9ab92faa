"""`speed.py --instructions --without PARTS`: what each part of DRF's dispatch costs a request.

Each case's endpoint is counted again, in a process of its own, with parts of DRF's work taken
out: `all` counts it once without each part and once without all five; `together` only
without all five; a part's name (or several joined by `+`) without those. A part's cost is
the endpoint's count less the count without it: the most any shortcut of that part could
save. With every part out, what is left beside the plain twin is what a request costs that
goes through DRF's views at all: DRF's request object and the view instance, authentication
and the throttle through DRF's hooks, the dispatch itself, the answer. The `dispatch` case
(speed_twins.DispatchProbe: the supplier API's base view, the create's body read, a small
answer) shows it alone.

Taking a part out changes what the endpoints do for other callers (no permission check, no
Idempotency-Key, no Allow or Vary header, a body in another charset misread): the counted
calls, valid credentials and the cases' bodies, still get the status they expect (speed.py's
calls check it).

- `negotiation`: the JSON renderer taken as chosen, without the renderers made and matched
  against the Accept header;
- `permissions`: DRF's `IsAuthenticated` not asked, and a view's other permissions (the
  outreach API's site membership, which the view reads) made once, not for each request;
- `idempotency`: no Idempotency-Key step (the header looked for, the record's finalize);
- `headers`: no `Allow` or `Vary` header worked out or set;
- `body`: the body read as the plain twins read a JSON body (`json_loads(request.body)`, the
  API's JSON reading), not through the request's data (connect_api.api.request: the parser
  chosen by the Content-Type, its charset, the state DRF keeps; other bodies through DRF's).
"""

PARTS = ("negotiation", "permissions", "idempotency", "headers", "body")


def _negotiation() -> None:
    from rest_framework.views import APIView

    from connect_api.renderers import SurrogateSafeJSONRenderer

    def perform_content_negotiation(self, request, force=False):
        return SurrogateSafeJSONRenderer(), SurrogateSafeJSONRenderer.media_type

    APIView.perform_content_negotiation = perform_content_negotiation


def _permissions() -> None:
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.views import APIView

    from connect_api.api.dispatch import shared_instances

    def get_permissions(self):
        return shared_instances(
            [
                permission
                for permission in self.permission_classes
                if permission is not IsAuthenticated
            ]
        )

    APIView.get_permissions = get_permissions


def _idempotency() -> None:
    from connect_api.idempotency import IdempotentMixin

    for name in ("initial", "finalize_response", "dispatch", "handle_exception"):
        delattr(IdempotentMixin, name)  # DRF's own, next in the method order


def _headers() -> None:
    from connect_api.api.dispatch import ReusedPolicies

    ReusedPolicies.default_response_headers = property(lambda self: {})


def _body() -> None:
    from rest_framework.request import Empty

    from connect_api.api.parsers import json_loads
    from connect_api.api.request import APIRequest

    def data(self):
        if self._full_data is Empty:
            body = self._request.body
            self._full_data = json_loads(body) if body else {}
        return self._full_data

    APIRequest.data = property(data)


_TAKE_OUT = {
    "negotiation": _negotiation,
    "permissions": _permissions,
    "idempotency": _idempotency,
    "headers": _headers,
    "body": _body,
}


def counts_named(names: str) -> list[tuple[str, ...]]:
    """What `--without` names: the sets of parts to count an endpoint without, checked."""
    together = tuple(PARTS)
    counts = []
    for name in names.split(","):
        if name == "all":
            counts += [(part,) for part in PARTS] + [together]
        elif name == "together":
            counts.append(together)
        elif name:
            parts = tuple(name.split("+"))
            unknown = sorted(set(parts) - set(PARTS))
            if unknown:
                raise SystemExit(
                    f"--without: unknown part(s) {', '.join(unknown)}; known: {', '.join(PARTS)}"
                    ", all, together"
                )
            counts.append(parts)
    return counts


def take_out(parts: list[str]) -> None:
    """In the counted child, before its first call."""
    for part in parts:
        _TAKE_OUT[part]()
