"""Where a webhook may be sent: SSRF guard and the one HTTP POST that sends a delivery.

A URL is accepted (at registration) and used (at every attempt) only if it is http(s), has a
host, and every address its host resolves to is a public one: private, loopback, link-local,
multicast, reserved, unspecified and other non-global addresses (an IPv6 address that carries
an IPv4 one, IPv4-mapped, 6to4 or Teredo, by that IPv4 address too) are refused unless
`WEBHOOKS_ALLOW_PRIVATE_TARGETS` is on (the tests deliver to a receiver on loopback).

The POST connects to the address that was checked, never resolving the name again (no DNS
rebinding between the check and the connection): urllib3 opens the connection to that IP,
sends the URL's host in `Host`, and for https gives it as SNI and checks the certificate
against it. Redirects are not followed (a 3xx is a failed attempt), time-outs are short, and
only a capped excerpt of the response body is read.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from connect_api.errors import DomainError

EXCERPT_LIMIT = 500
"""Characters of a response body kept on the delivery (the rest is never read)."""


class TargetRefused(DomainError):
    code = "webhook_target_refused"


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to `address`, speak to `host`."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(_not_public(each) for each in (ip, *_embedded_ipv4(ip)))


def _embedded_ipv4(ip) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and reaches: IPv4-mapped, 6to4 (2002::/16)
    and Teredo (2001::/32: its server and client). `2002:7f00:1::` is 127.0.0.1 by 6to4, and
    the 6to4 prefix itself counts as global. (NAT64's 64:ff9b::/96 lies in the reserved
    ::/8, refused as such.)"""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    return [address for address in embedded if address is not None]


def _not_public(ip) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _refuse(message: str, field: str) -> TargetRefused:
    return TargetRefused(message, errors={field: [message]})


def target_resolve(url: str, *, field: str = "url") -> Target:
    """The checked target of `url`, or TargetRefused naming `field`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _refuse("Only http and https URLs can receive webhooks.", field)
    if parts.username or parts.password:
        raise _refuse("A webhook URL cannot carry credentials.", field)
    host = parts.hostname
    if not host:
        raise _refuse("The URL has no host.", field)
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise _refuse("The URL's port is not a number from 0 to 65535.", field) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(f"The host {host!r} does not resolve.", field) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise _refuse(f"The host {host!r} does not resolve.", field)
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        refused = [address for address in addresses if _forbidden(address)]
        if refused:
            raise _refuse(
                f"The host {host!r} resolves to a private, loopback, link-local or otherwise "
                f"non-public address ({refused[0]}): webhooks go to public addresses only.",
                field,
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code (None when no response came), how long it took,
    the start of the body, and an error (empty on a 2xx)."""

    code: int | None
    milliseconds: int
    excerpt: str = ""
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def target_post(target: Target, *, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to the checked target's address; never raises for a network failure."""
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOKS_CONNECT_TIMEOUT, read=settings.WEBHOOKS_READ_TIMEOUT
    )
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1
        )
    started = time.monotonic()
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                excerpt = response.read(EXCERPT_LIMIT, decode_content=False)
            finally:
                response.close()
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return Outcome(
            code=None, milliseconds=_since(started), error=f"{type(error).__name__}: {error}"[:500]
        )
    code = response.status
    text = excerpt.decode("utf-8", errors="replace")[:EXCERPT_LIMIT]
    error = ""
    if 300 <= code < 400:
        error = f"Answered {code} (redirects are not followed)."
    elif not 200 <= code < 300:
        error = f"Answered {code}."
    return Outcome(code=code, milliseconds=_since(started), excerpt=text, error=error)


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
