"""Per-address limits on failed logins: every username together, checked before any password hash.

A password check costs a full hash (~0.35 s of CPU, more on a busy machine). Changing the
username on every attempt escapes the per-(username, address) lockout, so each client address
also has budgets of failed password checks (settings, defaults):
- FAILED_LOGINS_BURST (12) per FAILED_LOGINS_BURST_SECONDS (60): what one address may make
  the workers hash in a burst. Above AXES_FAILURE_LIMIT (10), so one user's own lockout is
  reached first and other users at the same address are not refused for one user's typos.
- FAILED_LOGINS_PER_ADDRESS (30) per FAILED_LOGINS_WINDOW_SECONDS (900): the sustained rate.
Once a budget is spent, every further password check from that address is refused with 429 +
Retry-After (until that budget's window ends) without hashing. A window starts at the
address's first failure and lasts its length (not aligned to the clock, so no boundary lets
two budgets through back to back).

The counters live in the shared cache (`CACHES["default"]`: the database cache by default,
Redis with CACHE_URL), so every worker and instance sees the same count: `cache.add` starts a
window, `cache.incr` counts (atomic on Redis; on the database cache a read and a write, so
failures that race can be undercounted by the number racing: the block comes a few failures
later, never not at all).
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from rest_framework import exceptions

from connect_api.clientip import client_ip
from connect_api.exceptions import error_body


class TooManyFailedLogins(exceptions.Throttled):
    default_detail = "Too many failed logins from this address."
    default_code = "too_many_failed_logins"


def _budgets() -> list[tuple[int, int]]:
    """(failures allowed, window seconds) of each budget."""
    return [
        (settings.FAILED_LOGINS_BURST, settings.FAILED_LOGINS_BURST_SECONDS),
        (settings.FAILED_LOGINS_PER_ADDRESS, settings.FAILED_LOGINS_WINDOW_SECONDS),
    ]


def _keys(address: str, seconds: int) -> tuple[str, str]:
    return f"failed-logins:{seconds}:{address}", f"failed-logins:{seconds}:{address}:since"


def failed_logins_check(*, address: str) -> None:
    """Raise TooManyFailedLogins (429) if `address` has spent one of its budgets."""
    cache = caches["default"]
    now = time.time()
    waits = []
    for allowed, seconds in _budgets():
        count_key, since_key = _keys(address, seconds)
        found = cache.get_many([count_key, since_key])
        if found.get(count_key, 0) >= allowed and since_key in found:
            waits.append(found[since_key] + seconds - now)
    if waits:
        raise TooManyFailedLogins(wait=max(1, int(max(waits) + 0.999)))


def failed_login_record(*, address: str) -> None:
    """Count one failed password check from `address` in each budget's current window."""
    cache = caches["default"]
    now = time.time()
    for _, seconds in _budgets():
        count_key, since_key = _keys(address, seconds)
        cache.add(since_key, now, timeout=seconds)  # the address's first failure starts it
        remaining = max(1, int(cache.get(since_key, now) + seconds - now + 0.999))
        cache.add(count_key, 0, timeout=remaining)
        try:
            cache.incr(count_key)
        except ValueError:  # expired meanwhile
            cache.add(count_key, 1, timeout=remaining)
        else:
            cache.touch(count_key, timeout=remaining)  # the database cache's incr resets it


def failed_logins_guarded(view):
    """For a login view that checks passwords itself (the admin's login form): a POST from an
    address over its budget is answered 429 + Retry-After before the view runs, and a POST that
    leaves the caller signed out counts as a failure. Views that call
    connect_api.authentication.authenticate_with_lockout need nothing more."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        address = client_ip(request)
        try:
            failed_logins_check(address=address)
        except TooManyFailedLogins as refused:
            return JsonResponse(
                error_body(str(refused.detail), refused.default_code),
                status=429,
                headers={"Retry-After": str(int(refused.wait))},
            )
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            failed_login_record(address=address)
        return response

    return guarded
