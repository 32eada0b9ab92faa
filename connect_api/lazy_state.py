"""The session and the message storage, made on a request's first read of them.

Django's `SessionMiddleware` makes a session store for every request (importing the session
serializer each time), and `MessageMiddleware` a message storage (a cookie storage with its
signer, and a session storage), which a call authenticated by its `Authorization` header
never uses (`benchmarks/middleware_costs.py` measures what making them lazily saves).
Here `request.session` and `request._messages` are lazy objects that make Django's own store
on the first read and then put it in their place (`MadeOnRead`), so the admin, its login and
its messages, and a browser using its session get them as before.

On the way out, a store nobody read is passed over. For a message storage never made,
Django's `update(response)` would store nothing (nothing was added or read). For a session
never made, Django's step does nothing either: nothing was accessed or modified, and a
session key from a cookie makes the session non-empty, so the cookie is not deleted. The two
cases where it could act (a session cookie came with the request, or
SESSION_SAVE_EVERY_REQUEST is on) still go through Django's own step, which makes the store.
"""

import functools
import weakref

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.functional import SimpleLazyObject, empty


class MadeOnRead(SimpleLazyObject):
    """A `SimpleLazyObject` held as `request.<attribute>` which, once made, puts what it made
    in its place there, so later reads get Django's object itself rather than a proxy. It
    holds the request through a weak reference: the request holds it, and a reference back
    would leave both to the garbage collector."""

    def __init__(self, make, request, attribute: str):
        self.__dict__["_request"] = weakref.ref(request)
        self.__dict__["_attribute"] = attribute
        super().__init__(make)

    def _setup(self):
        super()._setup()
        request = self.__dict__["_request"]()
        attribute = self.__dict__["_attribute"]
        if request is not None and request.__dict__.get(attribute) is self:
            request.__dict__[attribute] = self._wrapped


def never_made(value) -> bool:
    """Whether `value` is one of this module's lazy stores, not made yet."""
    return isinstance(value, MadeOnRead) and value._wrapped is empty


class LazySessionMiddleware(SessionMiddleware):
    def process_request(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        make = functools.partial(self.SessionStore, session_key)
        request.session = MadeOnRead(make, request, "session")

    def process_response(self, request, response):
        if (
            never_made(request.__dict__.get("session"))
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not settings.SESSION_SAVE_EVERY_REQUEST
        ):
            return response
        return super().process_response(request, response)


def _storage_for(request_ref):
    return default_storage(request_ref())


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request):
        make = functools.partial(_storage_for, weakref.ref(request))
        request._messages = MadeOnRead(make, request, "_messages")

    def process_response(self, request, response):
        if never_made(request.__dict__.get("_messages")):
            return response
        return super().process_response(request, response)
