"""DRF's dispatch, without the work it repeats for nothing on every request.

`ReusedPolicies` is mixed into the base views of both APIs (connect_api.api.views). What a
request is answered, and every header, stay DRF's; tests/foundation/test_dispatch.py compares
each part with DRF's own.

- **The method and META read as they are.** DRF's request hands every attribute it lacks to
  Django's through `__getattr__` (a failed lookup, then a second one on the other object);
  a request reads `method` and `META` seven or eight times. They are set on DRF's request as
  it is made, the same string and the same dict as Django's.
- **DRF's request, as an `APIRequest`** (connect_api.api.request): DRF's, with a `data` that
  hands a JSON body straight to its parser (anything else, and every refusal, goes DRF's
  way) and a `user` read without DRF's failed lookups and context manager. DRF's APIView
  makes its `Request` by name, so `initialize_request` is written here: APIView's, with the
  action a viewset names (ViewSetMixin's), pinned by tests/foundation/test_dispatch.py to
  what DRF's chain makes for every view of both APIs and every method.
- **Parsers and authenticators, made once.** DRF makes a new instance of each class of
  `parser_classes` and `authentication_classes` for every request. These classes keep nothing
  on the instance between calls, so one instance of each, per list of classes, serves every
  request (and every thread). Renderers and throttles are still made per request: the
  browsable API's renderer and the throttles keep the call's state on the instance.
- **Allow and Vary, worked out once.** DRF's `default_response_headers` lists the view's
  methods (a `hasattr` for each of Django's nine) and joins them for `Allow` on every request.
  What it lists depends only on the view's class, the methods a viewset's route maps to
  actions, the class's `http_method_names` and whether it has more than one renderer, so the
  headers are kept per such key (each request gets its own copy, which DRF changes).
- **Only the chosen renderer made.** DRF makes one renderer of each class (the JSON one and
  the browsable API's) for each request, then chooses one. Where a view's class makes its
  renderers and its negotiator as DRF does, with the API's negotiator, the choice that
  negotiator kept for the same classes, Accept and format is taken
  (connect_api.api.negotiation.remembered_renderer) and only that renderer is made; a choice
  not yet kept goes DRF's way, which keeps it.
- **Only the throttles that can count the caller.** DRF makes every throttle class of the
  view for each request and asks each; the anonymous callers' throttle (`anonymous_only`)
  answers "not mine" for an authenticated user, so for one it is not made at all.
- **Vary, as DRF writes it.** For an answer that is no DRF `Response` (the JSON answers of
  connect_api.api.responses), DRF's `finalize_response` runs `patch_vary_headers` with the
  view's `Vary` (`Accept`): it splits the response's Vary, lowercases each name, joins them
  again. A response without a Vary of its own gets the value that gives for the view's Vary
  alone, worked out once per value; one with its own Vary still goes through
  `patch_vary_headers`.
- **Allow and Vary written as stored.** Setting a header on a response checks and converts
  its name and its value (latin-1, no newline) each time; the view's default headers are the
  same few values for every request of a key above. For a response without a Vary of its
  own, while the view's headers are still the defaults, the entries a `ResponseHeaders` makes
  of them (checked and converted once, when the key is first seen) are written into the
  response's header store: the same names, values and order `response[name] = value` gives.
  Anything else (a Vary of its own, headers the view changed) is set one by one, as above.
- **No cycle left behind.** DRF's request and the view refer to each other (`view.request`,
  `request.parser_context["view"]`), and a viewset holds its own bound methods (`view.get`,
  `view.post`: the route's actions, bound by `as_view`), so every request left the view and
  the request, with everything they hold, to the cyclic garbage collector: more collections,
  each longer. Once an answer that is no template response is final, nothing reads these
  again, and they are dropped so that both are freed at once. A DRF `Response` is rendered
  after the view returns, from its `renderer_context` (which holds both), so it keeps them.
"""

import functools

from django.http import HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers
from rest_framework.compat import split_header_value
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSetMixin

from connect_api.api.negotiation import RememberedContentNegotiation, remembered_renderer
from connect_api.api.request import APIRequest
from connect_api.prepared import once_per_shape

_instances: dict[tuple, tuple] = {}
_negotiates_by_class: dict[type, bool] = {}
_headers: dict[tuple, "_DefaultHeaders"] = {}


def shared_instances(classes) -> tuple:
    """One instance of each class of `classes`, the same ones for every call with those
    classes (in that order)."""
    key = tuple(classes)
    found = _instances.get(key)
    if found is None:
        found = once_per_shape(_instances, key, lambda: tuple(cls() for cls in key))
    return found


@functools.lru_cache(maxsize=16)
def vary_alone(vary: str) -> str:
    """The Vary header `patch_vary_headers` writes for `vary` on a response without one."""
    response = HttpResponse()
    patch_vary_headers(response, list(split_header_value(vary)))
    return response.headers["Vary"]


def _write_headers(response: HttpResponseBase, headers: dict) -> None:
    """The view's `headers` on an answer that is no DRF `Response`, as DRF's
    `finalize_response` sets them: the view's Vary merged into the answer's own (see the
    module's docstring), then every other header; `headers` is left without its Vary, as
    DRF leaves it."""
    vary = headers.pop("Vary", None)
    if vary is not None:
        if response.has_header("Vary"):
            patch_vary_headers(response, list(split_header_value(vary)))
        else:
            response.headers["Vary"] = vary_alone(vary)
    for name, value in headers.items():
        response[name] = value


class _DefaultHeaders:
    """A view's default response headers (DRF's dict), and the entries of a response's
    header store that `_write_headers` leaves on a response without a Vary of its own."""

    def __init__(self, headers: dict):
        self.headers = headers
        made = HttpResponse()
        del made["Content-Type"]
        _write_headers(made, dict(headers))
        self.stored = dict(made.headers._store)


class ReusedPolicies:
    """For a DRF view (see the module's docstring)."""

    _default_headers: _DefaultHeaders | None = None

    def initialize_request(self, request, *args, **kwargs):
        """DRF's `APIView.initialize_request`, and a viewset's, which names the action; the
        request made is an `APIRequest` (DRF's APIView makes its `Request` by name)."""
        drf_request = APIRequest(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
        )
        drf_request.method = request.method
        drf_request.META = request.META
        if isinstance(self, ViewSetMixin):
            method = request.method.lower()
            self.action = "metadata" if method == "options" else self.action_map.get(method)
        return drf_request

    def get_parsers(self):
        return shared_instances(self.parser_classes)

    def get_authenticators(self):
        return shared_instances(self.authentication_classes)

    def perform_content_negotiation(self, request, force=False):
        cls = type(self)
        by_class = _negotiates_by_class.get(cls)
        if by_class is None:
            by_class = once_per_shape(
                _negotiates_by_class,
                cls,
                lambda: (
                    cls.get_renderers is APIView.get_renderers
                    and cls.get_content_negotiator is APIView.get_content_negotiator
                    and issubclass(cls.content_negotiation_class, RememberedContentNegotiation)
                ),
            )
        if by_class and self.content_negotiation_class is cls.content_negotiation_class:
            chosen = remembered_renderer(request, self.renderer_classes, self.format_kwarg)
            if chosen is not None:
                return chosen
        return super().perform_content_negotiation(request, force)

    def get_throttles(self):
        user = self.request.user
        if user and user.is_authenticated:
            return [
                throttle()
                for throttle in self.throttle_classes
                if not getattr(throttle, "anonymous_only", False)
            ]
        return super().get_throttles()

    @property
    def default_response_headers(self):
        key = (
            type(self),
            tuple(self.__dict__.get("action_map", ())),
            tuple(self.http_method_names),
            len(self.renderer_classes) > 1,
        )
        defaults = _headers.get(key)
        if defaults is None:
            made = super().default_response_headers
            defaults = once_per_shape(_headers, key, lambda: _DefaultHeaders(made))
        self._default_headers = defaults
        return dict(defaults.headers)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) or not isinstance(response, HttpResponseBase):
            return super().finalize_response(request, response, *args, **kwargs)
        headers, defaults = self.headers, self._default_headers
        store = response.headers._store
        if defaults is not None and "vary" not in store and headers == defaults.headers:
            headers.pop("Vary", None)  # as DRF leaves the view's headers
            store.update(defaults.stored)
            return response
        _write_headers(response, headers)
        return response

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if not isinstance(response, SimpleTemplateResponse):
            kept = self.__dict__
            drf_request = kept.pop("request", None)
            if drf_request is not None:
                drf_request.parser_context = None
            for method in kept.get("action_map", ()):
                kept.pop(method, None)
        return response
