"""Per-address limit on failed logins: every username together, checked before any password hash.

A password check costs a full hash (~0.3 s of CPU). Changing the username on every attempt
escapes the per-(username, address) lockout, so each client address also has a budget of
FAILED_LOGINS_PER_ADDRESS failed password checks per FAILED_LOGINS_WINDOW_SECONDS (default
30 per 15 minutes, far above one user's typos). Once spent, every further password check from
that address is refused with 429 + Retry-After (the end of the window) without hashing.

The counters live in the shared cache (`CACHES["default"]`: the database cache by default,
Redis with CACHE_URL), so every worker and instance sees the same count. Windows are fixed
(aligned to the clock): at a window boundary an address may spend two budgets back to back.
`cache.add` creates a window's counter and `cache.incr` bumps it; both are atomic on Redis.
The database cache's incr is a read and a write, so concurrent failures can be undercounted
by the number that race (with 2 sync workers, at most one per race): the block then comes a
few failures later, never not at all.
"""

import time

from django.conf import settings
from django.core.cache import caches
from rest_framework import exceptions


class TooManyFailedLogins(exceptions.Throttled):
    default_detail = "Too many failed logins from this address."
    default_code = "too_many_failed_logins"


def _window() -> tuple[str, int]:
    """The current window's id and the whole seconds until it ends (at least 1)."""
    length = settings.FAILED_LOGINS_WINDOW_SECONDS
    now = time.time()
    index = int(now // length)
    return str(index), max(1, int((index + 1) * length - now + 0.999))


def _key(address: str, window: str) -> str:
    return f"failed-logins:{address}:{window}"


def failed_logins_check(*, address: str) -> None:
    """Raise TooManyFailedLogins (429) if `address` has spent its failed-login budget."""
    window, remaining = _window()
    failures = caches["default"].get(_key(address, window), 0)
    if failures >= settings.FAILED_LOGINS_PER_ADDRESS:
        raise TooManyFailedLogins(wait=remaining)


def failed_login_record(*, address: str) -> None:
    """Count one failed password check from `address` in the current window."""
    cache = caches["default"]
    window, remaining = _window()
    key = _key(address, window)
    if cache.add(key, 1, timeout=remaining + 60):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=remaining + 60)
