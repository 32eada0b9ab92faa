"""The session and the message storage are made on a request's first read of them
(connect_api.lazy_state): a call authenticated by its Authorization header makes neither, the
admin's login, session and messages work as before, and the way out answers what Django's own
middleware answers for every kind of request."""

import gc
import weakref

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage.base import BaseStorage
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from connect_api.lazy_state import LazyMessageMiddleware, LazySessionMiddleware, never_made
from organizations.models import Person
from tests.conftest import basic_header
from tests.factories import OrganizationMembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(monkeypatch):
    """The session stores and message storages made from here on (their class names)."""
    names = []
    for cls in (SessionBase, BaseStorage):
        init = cls.__init__

        def counted(self, *args, _init=init, **kwargs):
            names.append(type(self).__name__)
            _init(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    return names


def test_a_token_call_makes_no_session_and_no_message_storage(made, token_client):
    client = token_client(OrganizationMembershipFactory().user)

    response = client.get("/organizations/connections/")

    assert response.status_code == 200
    assert made == []
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_a_basic_call_makes_no_session_and_no_message_storage(made, api_client):
    user = OrganizationMembershipFactory().user
    api_client.credentials(HTTP_AUTHORIZATION=basic_header(user.username, "password"))

    response = api_client.get("/organizations/connections/")

    assert response.status_code == 200
    assert made == []


def test_the_admin_logs_in_keeps_its_session_and_shows_its_messages(client, made):
    StaffUserFactory(username="staffer", is_superuser=True)

    login = client.post(
        "/admin/login/?next=/admin/", {"username": "staffer", "password": "password"}
    )
    assert login.status_code == 302, login.content[:300]
    assert client.cookies["sessionid"].value
    assert client.get("/admin/").status_code == 200  # signed in by that session alone

    added = client.post(
        reverse("admin:organizations_person_add"), {"first_name": "Ada"}, follow=True
    )

    assert Person.objects.filter(first_name="Ada").exists()
    shown = [str(message) for message in added.context["messages"]]
    assert any("was added successfully" in message for message in shown), shown
    assert "SessionStore" in made


# --- the way out, against Django's own middleware ---------------------------------------------

SESSION_COOKIE = "sessionid"


def _session_view(reads: str):
    def view(request):
        if reads == "reads":
            request.session.get("anything")
        elif reads == "writes":
            request.session["seen"] = True
        return HttpResponse("ok")

    return view


def _stored_session_key() -> str:
    store = SessionStore()
    store["kept"] = 1
    store.save()
    return store.session_key


@pytest.mark.parametrize("reads", ["never", "reads", "writes"])
@pytest.mark.parametrize("cookie", ["none", "stored", "unknown", "empty"])
@pytest.mark.parametrize("save_every_request", [False, True])
def test_the_session_answers_as_djangos_middleware(settings, reads, cookie, save_every_request):
    settings.SESSION_SAVE_EVERY_REQUEST = save_every_request
    cookies = {
        "none": None,
        "stored": _stored_session_key(),
        "unknown": "x" * 32,
        "empty": "",
    }[cookie]

    def answer(middleware_class):
        request = RequestFactory().get("/")
        if cookies is not None:
            request.COOKIES[SESSION_COOKIE] = cookies
        response = middleware_class(_session_view(reads))(request)
        set_cookie = response.cookies.get(SESSION_COOKIE)
        return (
            response.headers.get("Vary"),
            None if set_cookie is None else (bool(set_cookie.value), set_cookie["max-age"]),
        )

    assert answer(LazySessionMiddleware) == answer(SessionMiddleware)


def _message_view(does: str):
    def view(request):
        if does == "adds":
            messages.info(request, "Saved.")
        elif does == "reads":
            list(messages.get_messages(request))
        return HttpResponse("ok")

    return view


@pytest.mark.parametrize("does", ["nothing", "adds", "reads"])
@pytest.mark.parametrize("waiting", [False, True])
def test_the_messages_answer_as_djangos_middleware(does, waiting):
    waiting_cookie = None
    if waiting:  # a message stored by an earlier response, in the messages cookie
        earlier = RequestFactory().get("/")
        earlier.session = SessionStore()
        earlier_response = MessageMiddleware(_message_view("adds"))(earlier)
        waiting_cookie = earlier_response.cookies["messages"].value

    def answer(middleware_class):
        request = RequestFactory().get("/")
        request.session = SessionStore()
        if waiting_cookie is not None:
            request.COOKIES["messages"] = waiting_cookie
        response = middleware_class(_message_view(does))(request)
        stored = response.cookies.get("messages")
        return None if stored is None else (stored.value != "", stored["max-age"])

    assert answer(LazyMessageMiddleware) == answer(MessageMiddleware)


def test_the_lazy_stores_do_not_hold_the_request():
    """No reference cycle: the request is freed as soon as it is dropped, collector off."""
    request = RequestFactory().get("/")
    LazySessionMiddleware(LazyMessageMiddleware(lambda request: HttpResponse("ok")))(request)
    freed = weakref.ref(request)

    gc.disable()
    try:
        del request
        assert freed() is None
    finally:
        gc.enable()


def test_once_read_the_request_holds_djangos_objects_themselves():
    request = RequestFactory().get("/")
    LazySessionMiddleware(lambda request: HttpResponse("ok")).process_request(request)
    LazyMessageMiddleware(lambda request: HttpResponse("ok")).process_request(request)

    assert never_made(request.__dict__["session"])
    assert never_made(request.__dict__["_messages"])

    assert request.session.session_key is None  # the first read makes Django's store
    messages.info(request, "Saved.")

    assert type(request.session) is SessionStore
    assert type(request._messages).__name__ == "FallbackStorage"
