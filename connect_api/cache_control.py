"""`Cache-Control: no-store` on every answer to a request that carried credentials.

Answers to an authenticated caller (a token, HTTP Basic, a session) hold that caller's data,
and so do the 401/403/429 answers to a credential: no shared or browser cache may keep them.
A response that already says how to cache itself is left alone; anonymous answers (the
schema, the docs, static files, health) are cacheable as their views decide.
"""

from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty


class NoStoreForCredentialsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if "HTTP_AUTHORIZATION" in request.META or _authenticated(request):
            patch_cache_control(response, no_store=True)
        return response


def _authenticated(request) -> bool:
    """Whether the request was answered for a signed-in user, without loading one that nothing
    asked for (that would read the session, a query, maybe during a database outage)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return False
    return bool(getattr(user, "is_authenticated", False))
