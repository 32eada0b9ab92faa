"""DRF's request, its JSON body and its user read more directly.

Every view of both APIs gets an `APIRequest` (connect_api.api.dispatch.ReusedPolicies): DRF's
`Request` with its own `data` and `user`.

**The body.** For a JSON body DRF 3.18 reads Django's `request.body` whole and
hands the parser a copy of it as a stream; on the way it opens a context manager, works out
the stream and the Content-Type through properties (the Content-Type three times), parses the
Content-Type again to see whether it names a form, wraps the body in a BytesIO for the parser
to read again, and unpacks the parser's answer: counted alone in a loop, half as much again
as the read below (docs/performance.md).

Here, when the parser chosen for the Content-Type is one of the API's JSON parsers
(`LimitedJSONParser` and those built on it), `data` hands Django's body to that parser's
`parse_body` (the step its `parse` ends with) and keeps what DRF keeps: the data, no files,
the stream DRF would name, and for a JSON body labelled as a form (the vendor app's), Django's
`POST` and `FILES` set as DRF sets them.

Anything else goes DRF's way: no body (DRF's empty data), another parser (a form, a multipart
upload), a stream already read. So does every refusal of the body (no parser for its
Content-Type, over the size limit, not JSON, too many values): DRF's own path meets it again,
and answers it as it always has. An error reading Django's body (too big by its
Content-Length, a broken stream) is raised as DRF raises it. tests/foundation/test_request_data.py
compares both for every parser list, Content-Type and kind of body.

**The headers** are Django's request's, read without DRF's failed lookup (see `headers`).

**The user.** DRF's `user` asks `hasattr(self, "_user")` on every read: the first time, before
authentication, that lookup fails on DRF's request, goes through its `__getattr__` to Django's
request and fails there too (three AttributeErrors, each with its message formatted), then
authenticates inside a generator-based context manager that turns an AttributeError into a
`WrappedAttributeError` (so that a bug in an authenticator is not taken for a missing
attribute). Here the user is read from the request's own attributes; the first time, Django's
request is asked for `_user` as DRF's lookup would, and the authentication runs in a plain
`try` that turns an AttributeError into the same `WrappedAttributeError`. Setting the user is
DRF's own. tests/foundation/test_request_data.py compares both for every way an authenticator
answers.
"""

import functools

from django.utils.datastructures import MultiValueDict
from rest_framework.request import Empty, Request, WrappedAttributeError, is_form_media_type

from connect_api.api.parsers import LimitedJSONParser, over_limit

_names_a_form = functools.lru_cache(maxsize=64)(is_form_media_type)


class APIRequest(Request):
    @property
    def data(self):
        if self._full_data is Empty and not self._json_body_read():
            return super().data
        return self._full_data

    def _json_body_read(self) -> bool:
        """Reads a JSON body as the module's docstring says; False for anything DRF's own
        path is to read, with nothing kept but what DRF keeps itself on its way there (the
        body Django has read, the stream DRF names)."""
        request = self._request
        if request._read_started:
            return False
        meta = request.META
        try:
            length = int(meta.get("CONTENT_LENGTH", meta.get("HTTP_CONTENT_LENGTH", 0)))
        except (ValueError, TypeError):
            return False
        if length <= 0:
            return False
        parser = self.negotiator.select_parser(self, self.parsers)
        if not isinstance(parser, LimitedJSONParser):
            return False
        if self._stream is Empty:
            self._stream = request  # what DRF names the stream of an unread body
        body = request.body
        if over_limit(body):
            return False
        media_type = self.content_type
        try:
            data = parser.parse_body(body, media_type)
        except Exception:
            return False
        self._data = self._full_data = data
        self._files = files = MultiValueDict()
        if _names_a_form(media_type):
            request._post = data
            request._files = files
        return True

    def _read_user(self):
        user = self.__dict__.get("_user", Empty)
        if user is not Empty:
            return user
        if not hasattr(self._request, "_user"):  # DRF's lookup also asks Django's request
            try:
                self._authenticate()
            except AttributeError as error:  # as DRF's wrap_attributeerrors
                raise WrappedAttributeError(str(error)).with_traceback(  # noqa: B904
                    error.__traceback__
                )
        return self._user

    user = property(_read_user, Request.user.fset, doc=Request.user.__doc__)

    @property
    def headers(self):
        """Django's request's headers. DRF's request has none of its own: every read (the
        authenticators' `get_authorization_header`, once a request) failed its lookup,
        formatting an AttributeError, before its `__getattr__` asked Django's request."""
        return self._request.headers
