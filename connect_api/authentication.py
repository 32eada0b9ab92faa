"""Authentication shared by both APIs: cached HTTP Basic, lockout, knox token login/logout."""

import base64
import binascii
import hashlib
import hmac
import re
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    get_authorization_header,
)

from connect_api.clientip import client_ip
from connect_api.errors import shown
from connect_api.failed_logins import (
    TooManyFailedLogins,
    failed_login_record,
    failed_logins_check,
)
from connect_api.prepared import PreparedModels

TOKEN_PATTERN = re.compile(r"[0-9A-Za-z]{1,128}")
"""What a knox key may be (hex digits, at most a few times knox's 64): anything else cannot
match a stored token and is refused before any query."""


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
    """The one password check of every login endpoint (HTTP Basic, /api/token/, and any other
    that takes a username and password): returns the user, or None for wrong credentials.

    In order, before any password hash runs:
    1. the (username, address) pair locked by axes (AXES_FAILURE_LIMIT failures within
       AXES_COOLOFF_TIME) -> LockedOut, 429; the right password too, at that address only;
    2. the very same wrong password again from the same address (a phone still holding an old
       password) -> None, answered from the shared cache: no hash and the address's budget is
       not spent, but the failure still counts for the (username, address) pair, as the
       contract's lockout says ("10 failed logins for the same username from the same IP");
    3. the address's failed-login budget (connect_api.failed_logins, every username together)
       spent -> TooManyFailedLogins, 429.
    Only then is the password hashed; a failure is counted for the pair (axes) and the address.
    """
    http_request = _http_request(request)
    if not usable_credentials(username, password):
        return None
    address = client_ip(http_request)
    if AxesProxyHandler.is_locked(http_request, {"username": username}):
        _refuse(username, address, LockedOut(wait=_seconds_until_unlocked(http_request, username)))
    known_wrong = _known_wrong_key(address, username, password)
    shared = caches["default"]
    if shared.get(known_wrong):
        _pair_failure_record(http_request, username)
        return None
    try:
        failed_logins_check(address=address)
    except TooManyFailedLogins as refused:
        _refuse(username, address, refused)
    user = authenticate(request=http_request, username=username, password=password)
    # The failure that reaches the limit is still answered 401 (by us, in the API's error
    # shape); AxesMiddleware would otherwise swap the response for its own lockout page.
    http_request.axes_locked_out = False
    if user is None:
        failed_login_record(address=address)
        shared.set(known_wrong, True, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return user


def _pair_failure_record(http_request, username: str) -> None:
    """Count a failure for the (username, address) pair without a password hash: the signal
    `authenticate()` sends on a failure, which axes records."""
    user_login_failed.send(
        sender=__name__, credentials={"username": username}, request=http_request
    )
    http_request.axes_locked_out = False  # answered 401 by us, not by AxesMiddleware


def _known_wrong_key(address: str, username: str, password: str) -> str:
    """Names one failed (address, username, password) while the user's password stays what it
    was (its current hash is part of the key, so a password change forgets every entry)."""
    current = (
        get_user_model()
        ._default_manager.filter(**{get_user_model().USERNAME_FIELD: username})
        .values_list("password", flat=True)
        .first()
    )
    return "known-wrong:" + _keyed_hash(f"{address}\0{username}\0{password}\0{current or ''}")


def _refused_key(username: str, address: str) -> str:
    return "refused:" + _keyed_hash(f"{username}\0{address}")


def _refuse(username: str, address: str, refusal: exceptions.Throttled):
    """Raise `refusal`; until it ends, this worker also stops honouring remembered Basic
    credentials of `username` at `address` (see CachedBasicAuthentication)."""
    caches["credentials"].set(_refused_key(username, address), True, timeout=refusal.wait)
    raise refusal


def basic_credentials(encoded: bytes) -> tuple[str, str]:
    """(username, password) of a Basic credential in either Base64 alphabet, padded or not.

    The vendor's mobile app encodes with Android's `Base64.URL_SAFE` (`-` and `_` for `+` and
    `/`); other clients use the standard alphabet. The text is UTF-8, else ISO-8859-1.
    Raises AuthenticationFailed for anything else.
    """
    standard = encoded.rstrip(b"=").replace(b"-", b"+").replace(b"_", b"/")
    try:
        raw = base64.b64decode(standard + b"=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise exceptions.AuthenticationFailed(
            "Invalid basic header. Credentials not correctly base64 encoded."
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    userid, colon, password = text.partition(":")
    if not colon:
        raise exceptions.AuthenticationFailed("Invalid basic header. No ':' in the credentials.")
    if not usable_credentials(userid, password):
        raise exceptions.AuthenticationFailed(
            "Invalid basic header. Control characters in the credentials."
        )
    return userid, password


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def usable_credentials(username: str, password: str) -> bool:
    """False for a username with a control character (no account has one) or a password with
    a NUL: such a value cannot be stored or looked up (PostgreSQL refuses NUL in text), so it
    is a wrong credential, refused before any query."""
    return not _CONTROL.search(username) and "\x00" not in password


class CachedBasicAuthentication(BasicAuthentication):
    """HTTP Basic (both Base64 alphabets) that remembers a verified credential for a few
    minutes.

    The mobile client sends Basic on every call and a password hash costs ~0.4 s of CPU.
    The cache key is a keyed hash of username, password and client address (none is stored);
    the entry also holds a keyed hash of the user's password hash, so a password change drops
    it. A remembered credential is honoured only at the address it was verified from, and not
    for a (username, address) this worker has refused during the current lockout or
    failed-login block: otherwise a caller at a blocked address could test guesses against
    remembered credentials without limit. So while an address is over its failed-login limit,
    users at it who were verified there in the last BASIC_AUTH_CACHE_SECONDS keep working,
    except the usernames someone at that address keeps guessing.
    """

    www_authenticate_realm = "connect-api"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if len(auth) != 2 or auth[0].lower() != b"basic":
            return super().authenticate(request)  # not Basic, or DRF's malformed-header 401s
        userid, password = basic_credentials(auth[1])
        return self.authenticate_credentials(userid, password, request)

    def authenticate_credentials(self, userid, password, request=None):
        cache = caches["credentials"]
        address = client_ip(_http_request(request))
        key = "basic:" + _keyed_hash(f"{userid}\0{password}\0{address}")
        remembered = cache.get(key)
        if remembered is not None and cache.get(_refused_key(userid, address)) is None:
            user_pk, password_fingerprint = remembered
            user = next(iter(_active_users(user_pk)), None)
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


def _active_user(pk: int):
    return get_user_model().objects.select_related(*_user_relations()).filter(pk=pk, is_active=True)


_active_users = PreparedModels(_active_user, lambda: get_user_model()._meta.pk)
"""The remembered Basic caller (active) with AUTH_USER_SELECT_RELATED: the query of
`_active_user`, compiled once (every outreach call a phone repeats runs it)."""


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's `Token <key>` check in one query, without scanning the user's other tokens.

    knox 5.1 loads the token and then, on every request, every other token of the user to
    delete the expired ones (a user with 1,000 tokens made each request ~17 ms slower); expired
    tokens are purged by the periodic job instead (connect_api.tasks). The user, and the
    relations AUTH_USER_SELECT_RELATED names (the supplier membership, so the request log can
    name the organization without a query), come in the token's one query, reading only the
    columns of TOKEN_LOOKUP_FIELDS.
    """

    def authenticate(self, request):
        """`Authorization: Token <key>`; a Basic header is CachedBasicAuthentication's. Any
        other header is refused saying what was expected (knox would let it pass as "not
        mine", and the caller would read "credentials were not provided" beside the header it
        did send): a half-filled `Token`, a `Bearer <key>` (what generated clients send by
        default), a key with spaces. The 401's WWW-Authenticate stays the view's first
        scheme's."""
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() == b"basic":
            return None
        if auth[0].lower() != self.authenticate_header(request).lower().encode():
            scheme = shown(auth[0].decode("latin-1"), limit=20)
            raise exceptions.AuthenticationFailed(
                f"Unsupported Authorization scheme `{scheme}`: expected `Token <key>` "
                "(or HTTP Basic)."
            )
        if len(auth) == 1:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: no key after `Token`; expected `Token <key>`."
            )
        if len(auth) > 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: the key contains spaces; expected `Token <key>`."
            )
        user, auth_token = self.authenticate_credentials(auth[1])
        return (user, auth_token)

    def authenticate_credentials(self, token):
        key = token.decode("latin-1")
        if not TOKEN_PATTERN.fullmatch(key):  # e.g. a NUL, which PostgreSQL cannot compare
            raise exceptions.AuthenticationFailed("Invalid token.")
        for auth_token in _token_candidates(key[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(key)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed("Invalid token.") from None
            if hmac.compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed("Invalid token.")

    def _cleanup_token(self, auth_token) -> bool:
        """Only this token's own expiry (True: expired, deleted, not a match)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


TOKEN_LOOKUP_FIELDS = (
    "token_key",
    "expiry",
    "created",  # knox's renewal caps the expiry from it
    "user__username",
    "user__is_active",
    "user__is_staff",
    "user__is_superuser",
    "user__organization_membership__organization__uuid",
    "user__organization_membership__organization__name",
    "user__organization_membership__organization__org_type",
    "user__organization_membership__organization__status",
)
"""What the token's one query reads: the token's own check, the user's flags and the
organization's identity and state (the request log, tenant scoping, `active_organization_for`).
Never the password hash; any other field still loads, by a query of its own."""


def _tokens_by_key(token_key: str):
    return (
        get_token_model()
        .objects.filter(token_key=token_key)
        .select_related("user", *_user_relations("user__"))
        .only(*TOKEN_LOOKUP_FIELDS)
    )


_token_candidates = PreparedModels(
    _tokens_by_key, lambda: get_token_model()._meta.get_field("token_key")
)
"""The tokens whose key starts so, each with its user, membership and organization: the
query of `_tokens_by_key`, compiled once (every authenticated request runs it)."""


def _user_relations(prefix: str = "") -> list[str]:
    """What AUTH_USER_SELECT_RELATED names, for a select_related reaching the user by `prefix`."""
    return [prefix + relation for relation in settings.AUTH_USER_SELECT_RELATED]


SUPPLIER_AUTHENTICATION = [TokenAuthentication, CachedBasicAuthentication, SessionAuthentication]
"""Token first, so a 401 on the supplier API says `WWW-Authenticate: Token`."""

OUTREACH_AUTHENTICATION = [CachedBasicAuthentication, TokenAuthentication, SessionAuthentication]
"""Basic first, so a 401 on the outreach API says `WWW-Authenticate: Basic realm=...`."""
