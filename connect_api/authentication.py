"""Authentication shared by both APIs: cached HTTP Basic, lockout, knox token login/logout."""

import hashlib
import hmac
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import caches
from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication, SessionAuthentication


class LockedOut(exceptions.Throttled):
    default_detail = "Too many failed login attempts for this username from this address."
    default_code = "locked_out"


def _http_request(request):
    return getattr(request, "_request", request)


def _seconds_until_unlocked(http_request, username: str) -> int:
    last_failure: datetime | None = (
        AccessAttempt.objects.filter(username=username, ip_address=http_request.axes_ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last_failure is None:
        return int(settings.AXES_COOLOFF_TIME.total_seconds())
    remaining = last_failure + settings.AXES_COOLOFF_TIME - timezone.now()
    return max(1, int(remaining.total_seconds()))


def authenticate_with_lockout(request, *, username: str, password: str):
    """Check a password unless this (username, IP) pair is locked out; failures are counted.

    Returns the user, or None for wrong credentials; raises LockedOut (429) during a lockout.
    """
    http_request = _http_request(request)
    credentials = {"username": username}
    if AxesProxyHandler.is_locked(http_request, credentials):
        raise LockedOut(wait=_seconds_until_unlocked(http_request, username))
    user = authenticate(request=http_request, username=username, password=password)
    # The failure that reaches the limit is still answered 401 (by us, in the API's error
    # shape); AxesMiddleware would otherwise swap the response for its own lockout page.
    http_request.axes_locked_out = False
    return user


class CachedBasicAuthentication(BasicAuthentication):
    """HTTP Basic that remembers a verified credential for a few minutes.

    The mobile client sends Basic on every call and a password hash costs ~0.4 s of CPU.
    The cache key is a keyed hash of username and password (neither is stored); the entry
    also holds a keyed hash of the user's password hash, so a password change drops it.
    """

    www_authenticate_realm = "connect-api"

    def authenticate_credentials(self, userid, password, request=None):
        cache = caches["credentials"]
        key = "basic:" + _keyed_hash(f"{userid}\0{password}")
        remembered = cache.get(key)
        if remembered is not None:
            user_pk, password_fingerprint = remembered
            user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
            if user is not None and hmac.compare_digest(
                password_fingerprint, _keyed_hash(user.password)
            ):
                return (user, None)
            cache.delete(key)

        user = authenticate_with_lockout(request, username=userid, password=password)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        cache.set(key, (user.pk, _keyed_hash(user.password)))
        return (user, None)


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


SUPPLIER_AUTHENTICATION = [TokenAuthentication, CachedBasicAuthentication, SessionAuthentication]
"""Token first, so a 401 on the supplier API says `WWW-Authenticate: Token`."""

OUTREACH_AUTHENTICATION = [CachedBasicAuthentication, TokenAuthentication, SessionAuthentication]
"""Basic first, so a 401 on the outreach API says `WWW-Authenticate: Basic realm=...`."""
