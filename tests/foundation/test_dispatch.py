"""`ReusedPolicies` (connect_api.api.dispatch) answers what DRF's own dispatch answers: the
same headers in the same order, the same parsers and authenticators (one instance of each,
which holds no state), and leaves no reference cycle behind a JSON answer."""

import ast
import gc
import inspect
import io
import textwrap
import weakref

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.http.request import HttpHeaders
from rest_framework import viewsets
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from connect_api import conditional, idempotency
from connect_api.api.dispatch import ReusedPolicies, shared_instances
from connect_api.api.parsers import LimitedJSONParser
from connect_api.api.request import APIRequest
from connect_api.api.responses import rendered
from connect_api.api.views import OutreachView, SupplierApiMixin
from connect_api.clientip import AnonRateThrottle, UserRateThrottle
from connect_api.urls import urlpatterns
from tests.foundation.test_negotiation import ACCEPTS
from tests.foundation.test_responses import view_answering

factory = APIRequestFactory()


def answering(make, *, reused: bool):
    return view_answering(make, bases=(ReusedPolicies,) if reused else ())


def vary_set(value):
    def make(request):
        response = HttpResponse(b"{}", content_type="application/json")
        if value is not None:
            response["Vary"] = value
        return response

    return make


ANSWERS = {
    "no Vary": vary_set(None),
    "Vary: Cookie": vary_set("Cookie"),
    "Vary: accept": vary_set("accept"),
    "Vary: *": vary_set("*"),
    "Vary: Cookie, Origin": vary_set("Cookie, Origin"),
    "an Allow of its own": lambda request: HttpResponse(headers={"Allow": "PUT"}),
    "rendered": lambda request: rendered(request, {"a": 1}, status=201),
    "DRF's Response": lambda request: Response({"a": 1}),
}


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("name", ANSWERS)
def test_the_headers_drf_sets(name, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    answers = []
    for reused in (False, True):
        response = answering(ANSWERS[name], reused=reused)(factory.post("/x/", **headers))
        if hasattr(response, "render"):
            response.render()
        # The browsable API's page names the view and holds a CSRF token: its headers only.
        html = response.get("Content-Type", "").startswith("text/html")
        answers.append((response.status_code, list(response.items()), html or response.content))
    assert answers[0] == answers[1]


class Things(viewsets.ViewSet):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def list(self, request):
        return rendered(request, [])

    def create(self, request):
        return rendered(request, {}, status=201)

    def retrieve(self, request, pk=None):
        return rendered(request, {})

    def destroy(self, request, pk=None):
        return HttpResponse(status=204)


class ReusedThings(ReusedPolicies, Things):
    pass


@pytest.mark.parametrize(
    ("actions", "method"),
    [
        ({"get": "list", "post": "create"}, "get"),
        ({"get": "list", "post": "create"}, "post"),
        ({"get": "retrieve", "delete": "destroy"}, "get"),
        ({"get": "retrieve", "delete": "destroy"}, "delete"),
        ({"post": "create"}, "post"),
    ],
)
def test_each_route_of_a_viewset_allows_its_own_methods(actions, method):
    """The headers are kept per view class and per route's methods: each route keeps its
    own Allow, as DRF works it out, the first time and after."""
    for _ in range(2):
        answers = [
            viewset.as_view(dict(actions))(getattr(factory, method)("/x/"), pk=1)
            for viewset in (Things, ReusedThings)
        ]
        assert list(answers[0].items()) == list(answers[1].items())
        assert answers[1]["Allow"] == ", ".join(
            [m.upper() for m in ("get", "post", "delete") if m in actions] + ["HEAD", "OPTIONS"]
            if "get" in actions
            else [m.upper() for m in ("post", "delete") if m in actions] + ["OPTIONS"]
        )


def test_a_view_changing_its_headers_changes_only_its_own():
    class Changing(ReusedPolicies, APIView):
        authentication_classes = []
        permission_classes = [AllowAny]
        throttle_classes = []

        def get(self, request):
            self.headers["X-Once"] = "1"
            self.headers["Allow"] = "GET"
            return HttpResponse()

    view = Changing.as_view()
    first, second = view(factory.get("/x/")), view(factory.get("/x/"))
    assert first["Allow"] == second["Allow"] == "GET"
    assert Changing().default_response_headers == {"Allow": "GET, HEAD, OPTIONS", "Vary": "Accept"}


def test_one_instance_of_each_parser_and_authenticator_serves_every_request():
    first, second = OutreachView(), OutreachView()
    assert first.get_parsers() is second.get_parsers()
    assert first.get_authenticators() is second.get_authenticators()
    assert [type(one) for one in first.get_authenticators()] == list(
        OutreachView.authentication_classes
    )
    assert shared_instances([LimitedJSONParser]) == shared_instances((LimitedJSONParser,))
    assert shared_instances([LimitedJSONParser]) != shared_instances([])


def _views_reusing_policies() -> set[type]:
    return {view_class for view_class, _, _ in _routed_views()}


def _assigns_to_self(cls: type) -> list[str]:
    """`self.<name> = ...` (or augmented) in any method `cls` itself defines."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return []
    assigned = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                assigned.append(f"{cls.__qualname__}.{target.attr}")
    return assigned


def test_the_shared_parsers_and_authenticators_keep_no_state():
    """One instance serves concurrent requests: no class of theirs (nor any class they
    inherit from) may set an attribute on the instance."""
    views = _views_reusing_policies()
    assert SupplierApiMixin in {base for view in views for base in view.__mro__}
    assert OutreachView in {base for view in views for base in view.__mro__}
    classes = {
        policy for view in views for policy in (*view.parser_classes, *view.authentication_classes)
    }
    assert len(classes) >= 5
    state = [
        assigned
        for policy in classes
        for cls in policy.__mro__
        if cls is not object
        for assigned in _assigns_to_self(cls)
    ]
    assert state == []


def test_the_state_check_sees_an_assignment():
    class Stateful:
        def parse(self, stream):
            self.stream = stream

    assert _assigns_to_self(Stateful) == [f"{Stateful.__qualname__}.stream"]


def _kept(reused: bool, make) -> tuple[weakref.ref, weakref.ref]:
    seen = {}

    def answer(request):
        seen["request"] = weakref.ref(request)
        return make(request)

    view = answering(answer, reused=reused)
    response = view(factory.post("/x/", {"a": 1}, format="json"))
    if hasattr(response, "render"):
        response.render()
    del response
    return seen["request"]


def test_a_json_answer_leaves_no_cycle_to_collect():
    gc.collect()
    gc.disable()
    try:
        assert _kept(True, lambda request: rendered(request, {"a": 1}))() is None
        # DRF's own dispatch leaves its request (and the view) to the collector ...
        drf_request = _kept(False, lambda request: rendered(request, {"a": 1}))
        assert drf_request() is not None
        # ... and a DRF Response keeps both, for its renderer.
        drf_request = _kept(True, lambda request: Response({"a": 1}))
        assert drf_request() is not None
    finally:
        gc.enable()
    gc.collect()
    assert drf_request() is None


def test_a_viewset_leaves_no_cycle_behind_a_json_answer():
    seen = []

    class Kept(Things):
        def create(self, request):
            seen.append((weakref.ref(self), weakref.ref(request)))
            return rendered(request, {}, status=201)

    class ReusedKept(ReusedPolicies, Kept):
        pass

    gc.collect()
    gc.disable()
    try:
        for viewset in (ReusedKept, Kept):
            response = viewset.as_view({"get": "list", "post": "create"})(factory.post("/x/"))
            assert response.status_code == 201
            del response
        (reused_view, reused_request), (drf_view, drf_request) = seen
        assert reused_view() is None and reused_request() is None
        assert drf_view() is not None and drf_request() is not None  # DRF's: the collector's
    finally:
        gc.enable()
    gc.collect()
    assert drf_view() is None


def test_an_authenticated_caller_is_asked_of_the_throttles_that_count_it():
    class Throttled(ReusedPolicies, APIView):
        throttle_classes = [AnonRateThrottle, UserRateThrottle]

    def throttles_for(user):
        view = Throttled()
        view.request = Request(factory.get("/x/"))
        view.request.user = user
        return [type(throttle) for throttle in view.get_throttles()]

    member = type("Member", (), {"is_authenticated": True, "pk": 1})()
    assert throttles_for(member) == [UserRateThrottle]
    assert throttles_for(AnonymousUser()) == [AnonRateThrottle, UserRateThrottle]
    assert AnonRateThrottle().get_cache_key(Request(factory.get("/x/")), None) is not None


def test_the_method_meta_and_headers_are_djangos(monkeypatch):
    seen = {}

    def answer(request):
        seen.update(method=request.method, META=request.META, django=request._request)
        seen.update(headers=request.headers)
        return rendered(request, None, status=204)

    asked = []
    drf_getattr = Request.__getattr__
    monkeypatch.setattr(
        Request, "__getattr__", lambda self, name: asked.append(name) or drf_getattr(self, name)
    )
    for method in ("get", "post"):
        answering(answer, reused=True)(getattr(factory, method)("/x/", HTTP_X_PROBE="1"))
        assert seen["method"] == seen["django"].method == method.upper()
        assert seen["META"] is seen["django"].META
        assert seen["META"]["HTTP_X_PROBE"] == "1"
        assert seen["headers"] is seen["django"].headers
        assert seen["headers"]["X-Probe"] == "1"
    assert asked == []  # none read through DRF's fallback to Django's request


def test_a_json_body_is_read_as_drf_reads_it():
    seen = {}

    def answer(request):
        seen["data"], seen["files"] = request.data, request.FILES
        return rendered(request, None, status=204)

    class View(ReusedPolicies, APIView):
        authentication_classes = []
        permission_classes = [AllowAny]
        throttle_classes = []
        parser_classes = [LimitedJSONParser]

        def post(self, request):
            return answer(request)

    response = View.as_view()(factory.post("/x/", {"a": [1, 2]}, format="json"))
    assert response.status_code == 204
    assert seen["data"] == {"a": [1, 2]}
    assert not seen["files"]


@pytest.mark.parametrize(
    ("media_type", "body", "expected"),
    [
        ("application/json", '{"a": "Café"}'.encode(), {"a": "Café"}),
        ("application/json; charset=utf-8", '{"a": "Café"}'.encode(), {"a": "Café"}),
        ("application/json; charset=UTF8", '{"a": "Café"}'.encode(), {"a": "Café"}),
        ("application/json; charset=ISO-8859-1", '{"a": "Café"}'.encode("latin-1"), {"a": "Café"}),
        ("application/json;charset=utf-16", '{"a": "Café"}'.encode("utf-16"), {"a": "Café"}),
        ("application/json; charset=no-such", '{"a": "Café"}'.encode(), {"a": "Café"}),
        ("application/json; charset=ascii", '{"a": "Café"}'.encode(), "not valid ascii"),
    ],
)
def test_a_json_body_is_read_in_its_declared_charset(media_type, body, expected):
    for _ in range(2):  # the Content-Type's reading is kept after the first
        if isinstance(expected, str):
            with pytest.raises(ParseError, match=expected):
                LimitedJSONParser().parse(io.BytesIO(body), media_type)
        else:
            parsed = LimitedJSONParser().parse(io.BytesIO(body), media_type)
            assert (parsed.data, dict(parsed.files)) == (expected, {})


def test_the_headers_read_from_meta_are_named_as_their_headers():
    assert HttpHeaders.parse_header_name(idempotency.HEADER_META) == idempotency.HEADER
    assert HttpHeaders.parse_header_name(conditional.IF_MATCH_META) == conditional.IF_MATCH


def _routed_views() -> list[tuple[type, dict | None, dict]]:
    """(view class, a viewset route's actions or None, initkwargs) for every route to a view
    of both APIs."""
    found = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            callback = pattern.callback
            view_class = getattr(callback, "cls", None)
            if view_class is not None and issubclass(view_class, ReusedPolicies):
                found.append((view_class, getattr(callback, "actions", None), callback.initkwargs))

    walk(urlpatterns)
    return found


ALL_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


def test_the_request_made_is_what_drfs_chain_makes_for_every_view_and_method():
    """ReusedPolicies writes APIView's initialize_request and the action a viewset names
    (ViewSetMixin's) again, to make an APIRequest: what it makes is compared with what DRF's
    chain makes (the classes after ReusedPolicies), and no other class in any view's chain may
    define its own step."""
    routes = _routed_views()
    assert any(actions for _, actions, _ in routes) and any(not a for _, a, _ in routes)
    for view_class, actions, initkwargs in routes:
        after = view_class.__mro__[view_class.__mro__.index(ReusedPolicies) + 1 :]
        steps = [cls for cls in after if "initialize_request" in vars(cls)]
        assert steps == ([viewsets.ViewSetMixin, APIView] if actions else [APIView]), view_class
        for method in ALL_METHODS:
            made = {}
            for ours in (True, False):
                view = view_class(**initkwargs)
                if actions:
                    view.action_map = actions
                view.args, view.kwargs = (), {"pk": "1"}
                django = getattr(factory, method)("/x/")
                if ours:
                    request = view.initialize_request(django, "a", pk="1")
                else:
                    request = super(ReusedPolicies, view).initialize_request(django, "a", pk="1")
                context = request.parser_context
                made[ours] = {
                    "action": view.__dict__.get("action", "none"),
                    "parsers": request.parsers,
                    "authenticators": request.authenticators,
                    "negotiator": type(request.negotiator),
                    "context": sorted(context),
                    "context's view, args, kwargs": (
                        context["view"] is view,
                        context["args"],
                        context["kwargs"],
                    ),
                    "encoding": context["encoding"],
                    "Django's request": request._request is django,
                    "method": request.method,
                }
                assert type(request) is (APIRequest if ours else Request)
            assert made[True] == made[False], (view_class, method)
