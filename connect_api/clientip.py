"""The client's address: one function for the throttles, the lockout and the failed-login limit.

`X-Forwarded-For` is believed only as far as configured proxies vouch for it. Walking the chain
from the connection's own address leftwards, each hop that is a trusted proxy hands over to the
address it forwarded for; the first address that is not a trusted proxy is the client. A hop is
a trusted proxy when its address is in `TRUSTED_PROXIES` (CIDRs) or when it is one of the last
`TRUSTED_PROXY_COUNT` hops (the connection's own address being the last), for deployments whose
proxies' addresses are not known in advance (containers). Without either setting the header is
ignored entirely, so a client cannot pick its own identity by sending one.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from rest_framework import throttling

from connect_api.throttling import FixedWindowThrottleMixin

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The address of whoever made `request` (a Django HttpRequest or a DRF Request)."""
    meta = request.META
    address = meta.get("REMOTE_ADDR") or ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    proxy_count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not networks and not proxy_count:
        return address
    forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    hops = 0  # proxies walked through so far
    while forwarded and (hops < proxy_count or _trusted(address, networks)):
        hop = forwarded.pop()
        if not _valid(hop):
            break
        address = hop
        hops += 1
    return address


class ClientIpMixin:
    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(ClientIpMixin, FixedWindowThrottleMixin, throttling.AnonRateThrottle):
    """Anonymous callers (THROTTLE_ANON), keyed by client_ip() instead of the raw
    X-Forwarded-For; one shared counter per address (connect_api/throttling.py)."""

    anonymous_only = True  # an authenticated caller is never counted here


class UserRateThrottle(FixedWindowThrottleMixin, throttling.UserRateThrottle):
    """Authenticated users (THROTTLE_USER), one shared counter per user. Anonymous callers are
    AnonRateThrottle's alone, so no request pays for two counters."""

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
