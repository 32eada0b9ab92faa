"""The *limit* twins benchmarks/speed.py measures the endpoints against: the same work as the
endpoint with none of the frameworks' per-request machinery.

- `limit`: a Django view (behind the same middleware): the same authentication (the token,
  the user's flags and organization in one query, knox's digest compared and its renewal; or
  a remembered HTTP Basic credential), the same throttle counter, the same SQL as the
  endpoint's queries (hand-written, the same round trips in the same order) through a cursor,
  rows to dicts by position, `orjson` for the body. For the request list, detail (with its
  ETag and Last-Modified), the caller's connections, the outreach individual search, and the
  writes create, PATCH and the outreach seed POST: the input rules written plainly (no
  serializer), the service's statements in one transaction (for create the request, its
  integrations in one INSERT, the outbox event and its dispatch queued on commit; for PATCH
  the row lock, the UPDATE and a resubmission's history line; for the outreach POST the site
  lock numbering the row, the duplicate check, the change request and its event);
- `wsgi`: the list and detail function as a bare WSGI application (no Django handler,
  middleware, URL resolver or request object), for reference.

PostgreSQL only (`= ANY(%s)`, `UNNEST`, `FOR UPDATE OF`, `::jsonb`). Each answers byte for
byte what the endpoint answers, in as many queries (speed.py checks both; for the writes, the
answer but its new uuid and time, and the rows written). What they do not cover, because the
benchmark never sends it: a list beyond LIST_EXACT_COUNT_CAP (asserted), `uploaded_files` in
a create, `integrations`, `uploaded_files` or If-Match in a PATCH, an outreach change of an
existing connection (each refused with a 400 naming it).

Not a way to write the API: the SQL, the tenant rule, the input rules and the output shapes
are each written a second time here. They reuse the app's pure helpers where the work is the
same whoever does it: iso_utc and schedule_data (schedules), specs_for and specs_key (which
check applies), etag_for, json_loads (the body's value budget), the cron and time zone
validators, us_date_parse, basic_credentials and the credential cache's keys,
enqueue_or_defer, and outreach's ChangeRequestPayload (the payload's cross-field rules and its
stored form) over CHANGE_REQUEST_FIELDS (the wire names and types).
"""

import hmac
import math
import typing
from datetime import date
from types import SimpleNamespace
from urllib.parse import parse_qs
from uuid import uuid4

import orjson
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.exceptions import ValidationError as DRFValidationError

from connect_api.api.pagination import MAX_ID
from connect_api.api.parsers import (
    OUTREACH_PARSERS,
    LimitedJSONParser,
    body_text,
    declared_json,
    json_loads,
)
from connect_api.authentication import (
    TOKEN_PATTERN,
    CachedBasicAuthentication,
    _keyed_hash,
    _refused_key,
    basic_credentials,
)
from connect_api.clientip import UserRateThrottle, client_ip
from connect_api.conditional import etag_for
from connect_api.errors import shown
from connect_api.events import EventName, event_dispatch
from connect_api.idempotency import HEADER_META as IDEMPOTENCY_HEADER_META
from connect_api.queue import enqueue_or_defer
from connections.api.serializers import iso_utc, schedule_data
from connections.choices import ConnectionRequestStatus, IntegrationType, specs_for
from connections.cron import DEFAULT_TIME_ZONE, VALID_CRON_FORMS
from connections.validators import validate_time_zone, validate_update_frequency
from organizations.choices import OrganizationStatus, OrganizationType
from outreach.api.outputs import SEARCH_EXACT_COUNT_UP_TO
from outreach.choices import ChangeRequestKind, Right, SecurityRole
from outreach.dates import us_date_parse
from outreach.fields import CHANGE_REQUEST_FIELDS
from outreach.fields import FIELD as CHANGE_REQUEST_FIELD
from outreach.payload import ChangeRequestPayload, PayloadError
from uploads.selectors import NO_SPEC_REASON
from uploads.services import specs_key

CHANGES_REQUESTED = ConnectionRequestStatus.CHANGES_REQUESTED.value

TOKEN_SQL = """
SELECT t.digest, t.expiry, t.created, u.id, u.is_active, u.is_staff, m.organization_id, o.name,
       o.org_type, o.status, o.uuid
FROM knox_authtoken t
JOIN auth_user u ON u.id = t.user_id
LEFT JOIN connections_organizationmembership m ON m.user_id = u.id
LEFT JOIN connections_organization o ON o.id = m.organization_id
WHERE t.token_key = %s
"""

RENEW_SQL = 'UPDATE "knox_authtoken" SET "expiry" = %s WHERE "digest" = %s'

REQUEST_COLUMNS = """
SELECT r.id, r.uuid, r.counterpart_name, r.contact_name, r.contact_phone, r.contact_email,
       r.account_number, r.additional_information, r.request_date, r.status,
       r.rejection_reason, o.org_type, am.uuid, p.uuid, p.first_name, p.last_name, p.email,
       p.phone, p.job_title, r.version, r.updated_at
FROM connections_connectionrequest r
JOIN connections_organization o ON o.id = r.requester_id
LEFT JOIN connections_accountmanager am ON am.id = r.decided_by_id
LEFT JOIN connections_person p ON p.id = am.person_id
"""

COUNT_SQL = """
SELECT count(*) FROM (
    SELECT r.id FROM connections_connectionrequest r
    WHERE r.requester_id = %s AND NOT r.status = 'WITHDRAWN' LIMIT %s
) capped
"""

HISTORY_SQL = """
SELECT e.request_id, e.uuid, e.action, e.message, e.integrations, e.uploaded_files,
       e.created_at, am.uuid, p.uuid, p.first_name, p.last_name, p.email, p.phone, p.job_title,
       u.username, u.first_name, u.last_name
FROM connections_reviewentry e
LEFT JOIN connections_accountmanager am ON am.id = e.account_manager_id
LEFT JOIN connections_person p ON p.id = am.person_id
LEFT JOIN auth_user u ON u.id = e.user_id
WHERE e.request_id = ANY(%s)
ORDER BY e.created_at, e.id
"""

INTEGRATIONS_SQL = """
SELECT request_id, uuid, integration_type, update_frequency, time_zone, file_locations,
       file_specs, rules, date_created
FROM connections_integration
WHERE request_id = ANY(%s)
ORDER BY date_created, id
"""

UPLOADS_SQL = """
SELECT l.connectionrequest_id, l.upload_id, u.name, u.uuid
FROM uploads_upload_connection_requests l
JOIN uploads_upload u ON u.id = l.upload_id
WHERE l.connectionrequest_id = ANY(%s)
ORDER BY u.created DESC, l.upload_id DESC
"""

CHECKS_SQL = """
SELECT upload_id, specs, status, spec, rows_checked, error_count, errors, reason, finished
FROM uploads_uploadcheck
WHERE upload_id = ANY(%s)
ORDER BY id
"""

NOT_APPLICABLE = {
    "specs": [],
    "spec": None,
    "status": "not_applicable",
    "rows_checked": None,
    "error_count": None,
    "errors": [],
    "reason": NO_SPEC_REASON,
    "checked_at": None,
}


class Refused(Exception):
    def __init__(self, status: int, detail: str):
        self.status, self.detail = status, detail


class Invalid(Exception):
    """A body that breaks the input rules: 400 naming each field (`_invalid`); `detail`: a
    domain rule's own message rather than "Invalid input. ..."."""

    def __init__(self, errors: dict, detail: str | None = None):
        self.errors, self.detail = errors, detail


def caller(authorization: str, *, scheme: str = "Token") -> tuple:
    """(user id, is_staff, organization id, organization name, type, status) for
    `Token <key>`, as TokenAuthentication checks it (knox's renewal at most once a
    MIN_REFRESH_INTERVAL); then the throttle's hit, as the endpoint counts it."""
    keyword, _, key = authorization.partition(" ")
    if keyword != scheme or not key or not TOKEN_PATTERN.fullmatch(key):
        raise Refused(401, "Authentication credentials were not provided.")
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [key[: CONSTANTS.TOKEN_KEY_LENGTH]])
        rows = cursor.fetchall()
        for digest, expiry, created, user_id, is_active, is_staff, *organization in rows:
            now = timezone.now()
            if expiry is not None and expiry < now:
                continue  # the endpoint deletes it; the benchmark's token never expires
            if hmac.compare_digest(hash_token(key), digest):
                if not is_active:
                    raise Refused(401, "User inactive or deleted.")
                if expiry is not None:
                    renewed = now + knox_settings.TOKEN_TTL
                    if knox_settings.AUTO_REFRESH_MAX_TTL is not None:
                        renewed = min(renewed, created + knox_settings.AUTO_REFRESH_MAX_TTL)
                    if (renewed - expiry).total_seconds() > knox_settings.MIN_REFRESH_INTERVAL:
                        cursor.execute(RENEW_SQL, [renewed, digest])
                throttled(user_id)
                return user_id, is_staff, *organization
    raise Refused(401, "Invalid token.")


def throttled(user_id: int) -> None:
    """The user throttle's hit (a shared counter round trip once per leased block)."""
    shim = SimpleNamespace(user=SimpleNamespace(pk=user_id, is_authenticated=True))
    if not UserRateThrottle().allow_request(shim, None):
        raise Refused(429, "Request was throttled.")


def _or_null(value):
    return value or None


def _person(row, at: int) -> dict | None:
    """The person whose (uuid, first, last, email, phone, job title) start at row[at]."""
    if row[at] is None:
        return None
    first, last, email, phone, job_title = row[at + 1 : at + 6]
    return {
        "uuid": str(row[at]),
        "first_name": first,
        "last_name": last,
        "email": email or None,
        "phone": phone or None,
        "job_title": job_title or None,
    }


def _manager(row, at: int) -> dict | None:
    """The account manager whose uuid is row[at], its person's columns after it."""
    if row[at] is None:
        return None
    return {"uuid": str(row[at]), "person": _person(row, at + 1)}


def _history_line(row) -> dict:
    (_, uuid, action, message, integrations, files, at, manager_uuid) = row[:8]
    if manager_uuid is not None:
        by = f"{row[9]} {row[10]}".strip()
    elif row[14] is not None:
        by = f"{row[15]} {row[16]}".strip() or row[14]
    else:
        by = None
    return {
        "uuid": str(uuid),
        "action": action,
        "at": iso_utc(at),
        "by": by,
        "account_manager": _manager(row, 7),
        "message": message or None,
        "integrations": orjson.loads(integrations),
        "uploaded_files": orjson.loads(files),
    }


def _check(checks: list, key: str) -> dict | None:
    """The upload's check against the request's specs (upload_check_for over rows)."""
    if not key:
        return NOT_APPLICABLE
    for _, specs, status, spec, rows, error_count, errors, reason, finished in checks:
        if specs == key:
            return {
                "specs": specs.split(),
                "spec": spec or None,
                "status": status,
                "rows_checked": rows,
                "error_count": error_count,
                "errors": orjson.loads(errors),
                "reason": reason or None,
                "checked_at": finished.isoformat().replace("+00:00", "Z") if finished else None,
            }
    return None


def _request_data(row, integrations: list, uploads: list, history: list, checks: dict) -> dict:
    (_, uuid, counterpart, contact, phone, email, account, info, requested, status, reason) = row[
        :11
    ]
    approved = status == "APPROVED"
    account_key = (
        "supplier_account_number"
        if row[11] == OrganizationType.SUPPLIER
        else "retailer_account_number"
    )
    key = specs_key(specs_for(item[2] for item in integrations))
    lines = [_history_line(line) for line in history]
    changes_requested = None
    if status == CHANGES_REQUESTED:
        asked = [line for line in lines if line["action"] == CHANGES_REQUESTED]
        changes_requested = asked[-1] if asked else None
    return {
        "record_uuid": str(uuid),
        "org_name": counterpart,
        "org_contact_full_name": contact,
        "primary_contact_phone": phone or None,
        "primary_contact_email": email or None,
        account_key: account or None,
        "additional_information": info or None,
        "request_date": iso_utc(requested),
        "status": status,
        "is_approved": approved,
        "approved_by": _manager(row, 12) if approved else None,
        "rejection_reason": reason if status == "REJECTED" else None,
        "integrations": [
            {
                "record_uuid": str(item[1]),
                "integration_type": item[2],
                "update_frequency": item[3] or None,
                **schedule_data(item[3], item[4]),
                "feed_source_file_locations": item[5] or None,
                "file_specs": item[6] or None,
                "rules": item[7] or None,
                "date_created": iso_utc(item[8]),
            }
            for item in integrations
        ],
        "uploaded_files": [
            {"name": name, "uuid": str(uuid), "checks": _check(checks[upload_id], key)}
            for _, upload_id, name, uuid in uploads
        ],
        "changes_requested": changes_requested,
        "history": lines,
    }


def _grouped(cursor, sql: str, ids: list, key: int = 0) -> dict[int, list]:
    groups: dict[int, list] = {pk: [] for pk in ids}
    cursor.execute(sql, [ids])
    for row in cursor.fetchall():
        groups[row[key]].append(row)
    return groups


def _with_children(cursor, rows: list) -> list[dict]:
    """The rows' dicts: their history, integrations, uploads and the uploads' checks in one
    query each, in the endpoint's order (the checks' only when there are uploads)."""
    ids = [row[0] for row in rows]
    history = _grouped(cursor, HISTORY_SQL, ids)
    integrations = _grouped(cursor, INTEGRATIONS_SQL, ids)
    uploads = _grouped(cursor, UPLOADS_SQL, ids)
    upload_ids = list({upload[1]: None for files in uploads.values() for upload in files})
    checks = _grouped(cursor, CHECKS_SQL, upload_ids) if upload_ids else {}
    return [
        _request_data(row, integrations[row[0]], uploads[row[0]], history[row[0]], checks)
        for row in rows
    ]


def _refused(refused: Refused) -> tuple[int, bytes, dict]:
    return refused.status, orjson.dumps({"detail": refused.detail}), {}


def request_detail_body(authorization: str, uuid: str) -> tuple[int, bytes, dict]:
    """(status, body, headers): the detail with its ETag and Last-Modified, as the endpoint."""
    try:
        _, is_staff, organization_id, *_ = caller(authorization)
    except Refused as refused:
        return _refused(refused)
    sql, params = REQUEST_COLUMNS + " WHERE r.uuid = %s", [uuid]
    if not is_staff:
        sql, params = sql + " AND r.requester_id = %s", [uuid, organization_id]
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 21", params)
        rows = cursor.fetchall()
        if not rows:
            return 404, orjson.dumps({"detail": "Not found."}), {}
        (data,) = _with_children(cursor, rows)
    version, updated_at = rows[0][19:21]
    headers = {
        "ETag": etag_for(version=version, data=data),
        "Last-Modified": http_date(int(updated_at.timestamp())),
    }
    return 200, orjson.dumps(data), headers


def request_list_body(
    authorization: str, start: int = 0, limit: int = 50
) -> tuple[int, bytes, dict]:
    try:
        _, is_staff, organization_id, *_ = caller(authorization)
    except Refused as refused:
        return _refused(refused)
    assert not is_staff, "the twin lists one organization's requests"
    cap = settings.LIST_EXACT_COUNT_CAP
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, [organization_id, cap + 1])
        (total,) = cursor.fetchone()
        assert total <= cap, "the twin answers the exact count only"
        cursor.execute(
            REQUEST_COLUMNS + " WHERE r.requester_id = %s AND NOT r.status = 'WITHDRAWN'"
            " ORDER BY r.request_date DESC, r.id DESC LIMIT %s OFFSET %s",
            [organization_id, limit, start],
        )
        requests = _with_children(cursor, cursor.fetchall())
    pagination = {"total_count": total, "start": start, "limit": limit, "total_count_exact": True}
    return 200, orjson.dumps({"requests": requests, "pagination": pagination}), {}


# --- the caller's connections ---------------------------------------------------------------

_PERSON = "{p}.uuid, {p}.first_name, {p}.last_name, {p}.email, {p}.phone, {p}.job_title"
_PARTY = (
    "{o}.uuid, {o}.name, {o}.website, {o}.org_type, {o}.status, {o}.created_date, "
    "{o}.active_date, {m}.uuid, " + _PERSON.format(p="{mp}") + ", " + _PERSON.format(p="{c}")
)
CONNECTIONS_SQL = f"""
SELECT c.uuid, c.status, c.allocation_type, c.suppliers_retailer_account_number,
       c.retailers_supplier_account_number, c.deactivated_date,
       {_PARTY.format(o="r", m="rm", mp="rmp", c="rc")},
       {_PARTY.format(o="s", m="sm", mp="smp", c="sc")},
       cm.uuid, {_PERSON.format(p="cmp")}
FROM connections_connection c
JOIN connections_organization r ON r.id = c.retailer_id
JOIN connections_organization s ON s.id = c.supplier_id
LEFT JOIN connections_accountmanager rm ON rm.id = r.account_manager_id
LEFT JOIN connections_person rmp ON rmp.id = rm.person_id
LEFT JOIN connections_person rc ON rc.id = r.contact_id
LEFT JOIN connections_accountmanager sm ON sm.id = s.account_manager_id
LEFT JOIN connections_person smp ON smp.id = sm.person_id
LEFT JOIN connections_person sc ON sc.id = s.contact_id
LEFT JOIN connections_accountmanager cm ON cm.id = c.account_manager_id
LEFT JOIN connections_person cmp ON cmp.id = cm.person_id
"""
PARTY_WIDTH = 20  # an organization's 7 columns, its manager's 1 + 6, its contact's 6


def _party(row, at: int) -> dict:
    """One side of a connection, its columns starting at row[at]."""
    uuid, name, website, org_type, status, created, active = row[at : at + 7]
    party = str(uuid)
    is_retailer = org_type == OrganizationType.RETAILER
    return {
        "uuid": party,
        "organization": {
            "uuid": party,
            "name": name,
            "website": website or None,
            "org_type": org_type,
            "status": status,
            "created_date": iso_utc(created),
            "active_date": iso_utc(active),
            "account_manager": _manager(row, at + 7),
            "retailer_uuid": party if is_retailer else "",
            "supplier_uuid": "" if is_retailer else party,
        },
        "contact": _person(row, at + 14),
    }


def connections_body(authorization: str) -> tuple[int, bytes, dict]:
    """The caller's connections (staff: all), every party joined, in one query."""
    try:
        _, is_staff, organization_id, *_ = caller(authorization)
    except Refused as refused:
        return _refused(refused)
    sql, params = CONNECTIONS_SQL, []
    if not is_staff:
        sql, params = (
            sql + " WHERE (c.retailer_id = %s OR c.supplier_id = %s)",
            [
                organization_id,
                organization_id,
            ],
        )
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY c.created_date DESC, c.id DESC", params)
        rows = cursor.fetchall()
    supplier_at = 6 + PARTY_WIDTH
    manager_at = supplier_at + PARTY_WIDTH
    return (
        200,
        orjson.dumps(
            [
                {
                    "uuid": str(row[0]),
                    "retailer": _party(row, 6),
                    "supplier": _party(row, supplier_at),
                    "status": row[1],
                    "account_manager": _manager(row, manager_at),
                    "allocation_type": row[2] or None,
                    "suppliers_retailer_account_number": row[3] or None,
                    "retailers_supplier_account_number": row[4] or None,
                    "deactivated_date": iso_utc(row[5]),
                }
                for row in rows
            ]
        ),
        {},
    )


# --- outreach: the individual search ------------------------------------------------------------

BASIC_USER_SQL = """
SELECT u.id, u.password
FROM auth_user u
LEFT JOIN connections_organizationmembership m ON m.user_id = u.id
LEFT JOIN connections_organization o ON o.id = m.organization_id
WHERE u.is_active AND u.id = %s
ORDER BY u.id
LIMIT 1
"""

SITE_MEMBERSHIP_SQL = """
SELECT sm.site_id, sm.security_role, sm.locate_person, sm.member_search
FROM outreach_sitemembership sm
JOIN outreach_site s ON s.id = sm.site_id
LEFT JOIN outreach_individual i ON i.id = sm.individual_id
WHERE sm.site_id IN (SELECT id FROM outreach_site WHERE number = %s) AND sm.user_id = %s
LIMIT 21
"""

PEOPLE_COLUMNS = """
SELECT i.id, i.number, i.family_id, f.number, i.family_position, i.title, i.first_name,
       i.middle_name, i.last_name, i.goes_by_name, i.suffix, i.picture
FROM outreach_individual i
LEFT JOIN outreach_family f ON f.id = i.family_id
"""

EMAILS_SQL = """
SELECT individual_id, email, listed, preferred FROM outreach_individualemail
WHERE individual_id = ANY(%s) ORDER BY preferred DESC, number
"""

PHONES_SQL = """
SELECT p.{owner}_id, p.phone_number, p.listed, p.preferred
FROM outreach_phone p
LEFT JOIN outreach_address a ON a.id = p.address_id
WHERE p.{owner}_id = ANY(%s) ORDER BY p.preferred DESC, p.number
"""

ADDRESSES_SQL = """
SELECT {owner}_id, active, mailing, company, street, street2, city, state, zipcode, country
FROM outreach_address WHERE {owner}_id = ANY(%s) ORDER BY number
"""


def basic_user_id(request) -> int:
    """The caller of a Basic header as CachedBasicAuthentication finds a remembered one (the
    user's row, its password hash's keyed hash compared); a credential not remembered goes
    through the app's own login (the password hash), as the endpoint's first call does."""
    keyword, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if keyword.lower() != "basic" or not encoded:
        raise Refused(401, "Authentication credentials were not provided.")
    try:
        username, password = basic_credentials(encoded.encode())
    except AuthenticationFailed as failed:
        raise Refused(401, str(failed.detail)) from None
    address = client_ip(request)
    cache = caches["credentials"]
    key = "basic:" + _keyed_hash(f"{username}\0{password}\0{address}")
    remembered = cache.get(key)
    if remembered is not None and cache.get(_refused_key(username, address)) is None:
        user_id, fingerprint = remembered
        with connection.cursor() as cursor:
            cursor.execute(BASIC_USER_SQL, [user_id])
            row = cursor.fetchone()
        if row is not None and hmac.compare_digest(fingerprint, _keyed_hash(row[1])):
            return row[0]
        cache.delete(key)
    try:
        user, _ = CachedBasicAuthentication().authenticate_credentials(username, password, request)
    except AuthenticationFailed as failed:
        raise Refused(401, str(failed.detail)) from None
    return user.pk


def _page_number(value: str, default: int, low: int) -> int:
    if value == "":
        return default
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= MAX_ID:
        raise Refused(400, "pageIndex and pageSize are whole numbers in range.")
    return int(text)


def _by_owner(cursor, sql: str, owner: str, ids: list) -> dict[int, list]:
    return _grouped(cursor, sql.format(owner=owner), ids)


def _preferred(rows: list):
    return next((row for row in rows if row[3]), None) or next(iter(rows), None)


def _contact(person, emails, phones, addresses, base: str) -> dict:
    """outreach's contact_data over rows: (owner, email, listed, preferred) emails and
    phones, (owner, active, mailing, company, street, street2, city, state, zipcode, country)
    addresses, the person's own before the family's."""
    active = [address for address in addresses if address[1]]
    address = next((address for address in active if address[2]), None) or next(iter(active), None)
    email = _preferred(emails)
    phone = _preferred(phones)
    phone_number = phone[1] if phone else ""
    if address is None:
        company = street = street2 = city = state = zipcode = country = where = ""
    else:
        company, street, street2, city, state, zipcode, country = address[3:10]
        region = " ".join(part for part in (state, zipcode) if part)
        where = ", ".join(part for part in (city, region) if part)
    return {
        "IndvId": person[1],
        "FamId": person[3] or 0,
        "FamilyPosition": person[4],
        "Title": person[5],
        "FirstName": person[6],
        "MiddleName": person[7],
        "LastName": person[8],
        "GoesByName": person[9],
        "Suffix": person[10],
        "PictureUrl": f"{base}/individuals/{person[1]}/picture" if person[11] else "",
        "Company": company,
        "Address": street,
        "Address2": street2,
        "City": city,
        "State": state,
        "Zipcode": zipcode,
        "Country": country,
        "CityStateZip": where,
        "Email": email[1] if email else "",
        "EmailListed": email[2] if email else False,
        "PhoneNumber": phone_number,
        "PhoneListed": phone[2] if phone else False,
        "Phone": phone_number,
    }


def individual_search_body(request, site_number: int) -> tuple[int, bytes, dict]:
    """The outreach individual search: Basic (a remembered credential), the throttle, the
    membership and its LocatePerson/MemberSearch check, the matches counted up to
    SEARCH_EXACT_COUNT_UP_TO, the page read from those bounded matches (or, beyond, in name
    order), then its emails, phones and addresses, own and the family's, one query each."""
    try:
        user_id = basic_user_id(request)
        with connection.cursor() as cursor:
            cursor.execute(SITE_MEMBERSHIP_SQL, [site_number, user_id])
            found = cursor.fetchall()
        if len(found) != 1:
            raise Refused(404, f"Site {site_number} not found.")
        ((site_id, role, locate_person, member_search),) = found
        if role != "ADMINISTRATOR" and "A" not in (locate_person, member_search):
            raise Refused(403, "Locating people needs the LocatePerson or MemberSearch right (A).")
        throttled(user_id)  # after the permissions, as DRF checks them
        query = request.GET.get("q", "")
        index = _page_number(request.GET.get("pageIndex", ""), 0, 0)
        size = min(_page_number(request.GET.get("pageSize", ""), 25, 1), 100)
        if len(query) > 200:
            raise Refused(400, "q: at most 200 characters.")
    except Refused as refused:
        return _refused(refused)
    matching, params = "{t}.site_id = %s", [site_id]
    for word in query.split():  # Django's `contains`: the word's LIKE wildcards escaped
        escaped = word.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matching += " AND {t}.search_text::text LIKE %s"
        params.append(f"%{escaped}%")
    cap = SEARCH_EXACT_COUNT_UP_TO
    start = index * size
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT u.id FROM outreach_individual u WHERE "
            + matching.format(t="u")
            + " LIMIT %s) capped",
            [*params, cap + 1],
        )
        (matched,) = cursor.fetchone()
        order = " ORDER BY i.last_name, i.first_name, i.number"
        people = []
        if matched <= cap:
            page_count = math.ceil(matched / size)
            if start < matched:
                cursor.execute(
                    PEOPLE_COLUMNS
                    + " WHERE "
                    + matching.format(t="i")
                    + " AND i.id IN (SELECT u.id FROM outreach_individual u WHERE "
                    + matching.format(t="u")
                    + " LIMIT %s)"
                    + order
                    + " LIMIT %s OFFSET %s",
                    [*params, *params, cap + 1, size, start],
                )
                people = cursor.fetchall()
        else:
            cursor.execute(
                PEOPLE_COLUMNS + " WHERE " + matching.format(t="i") + order + " LIMIT %s OFFSET %s",
                [*params, size + 1, start],
            )
            people = cursor.fetchall()
            seen = start + len(people) if people else 0
            people, page_count = people[:size], math.ceil(max(cap + 1, seen) / size)
        items = []
        if people:
            ids = [person[0] for person in people]
            families = list({person[2]: None for person in people if person[2] is not None})
            emails = _grouped(cursor, EMAILS_SQL, ids)
            phones = _by_owner(cursor, PHONES_SQL, "individual", ids)
            addresses = _by_owner(cursor, ADDRESSES_SQL, "individual", ids)
            family_addresses = family_phones = {}
            if families:
                family_addresses = _by_owner(cursor, ADDRESSES_SQL, "family", families)
                family_phones = _by_owner(cursor, PHONES_SQL, "family", families)
            base = ""
            if any(person[11] for person in people):
                base = request.build_absolute_uri(f"/api_accessacs_mobile/v2/{site_number}")
            for person in people:
                pk, family = person[0], person[2]
                items.append(
                    _contact(
                        person,
                        emails[pk],
                        phones[pk] + family_phones.get(family, []),
                        addresses[pk] + family_addresses.get(family, []),
                        base,
                    )
                )
    page = {"Page": items, "PageIndex": index, "PageCount": page_count, "PageSize": size}
    return 200, orjson.dumps(page), {}


# --- writes: create and PATCH a connection request ---------------------------------------------

CREATE_REQUEST_SQL = """
INSERT INTO connections_connectionrequest (uuid, requester_id, counterpart_id, counterpart_name,
    contact_name, contact_phone, contact_email, account_number, additional_information,
    request_date, status, decided_by_id, decided_at, rejection_reason, version, updated_at,
    created_by_id)
VALUES (%s, %s, NULL, %s, %s, %s, %s, %s, %s, %s, 'PENDING', NULL, NULL, '', 1, %s, %s)
RETURNING id
"""

CREATE_INTEGRATIONS_SQL = """
INSERT INTO connections_integration (uuid, request_id, integration_type, update_frequency,
    time_zone, file_locations, file_specs, rules, date_created)
SELECT * FROM UNNEST(%s::uuid[], %s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[],
    %s::text[], %s::text[], %s::text[], %s::timestamptz[])
RETURNING id
"""

EVENT_SQL = """
INSERT INTO connect_api_event (uuid, name, data, refs, created, dispatched)
VALUES (%s, %s, %s::jsonb, %s::jsonb, %s, NULL)
RETURNING id
"""

LOCK_SQL = """
SELECT r.id, r.status, r.version
FROM connections_connectionrequest r
JOIN connections_organization o ON o.id = r.requester_id
WHERE r.id = %s
LIMIT 21
FOR UPDATE OF r
"""

RESUBMITTED_SQL = """
INSERT INTO connections_reviewentry (uuid, request_id, action, account_manager_id, user_id,
    message, integrations, uploaded_files, created_at)
VALUES (%s, %s, 'RESUBMITTED', NULL, %s, '', '[]'::jsonb, '[]'::jsonb, %s)
RETURNING id
"""

# The create and PATCH bodies checked by hand (both twins read them so), by the rules of the
# API's input serializer: aliases (two spellings of one field refused before anything else),
# strings trimmed as DRF's CharField trims them (a number read as one), lengths, blank and
# null, NUL and surrogates, the email, the integration type's spellings, the cron and the
# time zone. Errors are named as the serializer names them. Pinned to the serializer by
# tests/benchmarks/test_twin_input.py: the same bodies taken, into the same data.

# The request's text fields: (spellings, column, max length, may be blank). The email is
# checked as an email too.
REQUEST_TEXT = (
    (("organization_name", "org_name"), "counterpart_name", 200, False),
    (("primary_contact_name", "org_contact_full_name"), "contact_name", 200, False),
    (("primary_contact_phone",), "contact_phone", 20, True),
    (("primary_contact_email",), "contact_email", None, True),
    (
        ("organization_account_number", "retailer_account_number", "supplier_account_number"),
        "account_number",
        100,
        True,
    ),
    (("additional_information",), "additional_information", None, True),
)
INTEGRATIONS = ("integrations", "requested_integrations")
TYPE = ("type", "integration_type")
# An integration's schedule: (name, max length, its check, what null reads as).
SCHEDULE = (
    ("update_frequency", 100, validate_update_frequency, ""),
    ("time_zone", 64, validate_time_zone, DEFAULT_TIME_ZONE),
)
INTEGRATION_TEXT = (  # (spellings, column): text that may be blank, of any length
    (("file_locations", "feed_source_file_locations"), "file_locations"),
    (("file_specs",), "file_specs"),
    (("rules",), "rules"),
)
REQUEST_ALIASED = (
    *(spellings for spellings, *_ in REQUEST_TEXT if len(spellings) > 1),
    INTEGRATIONS,
)
INTEGRATION_ALIASED = (TYPE, INTEGRATION_TEXT[0][0])


def _text(value, max_length: int | None, blank: bool) -> str:
    """A CharField's value: a string (a number is read as one), trimmed; ValueError else."""
    if type(value) is not str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("Not a valid string.")
        value = str(value)
    value = value.strip()
    if not value:
        if blank:
            return value
        raise ValueError("This field may not be blank.")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"Ensure this field has no more than {max_length} characters.")
    if "\x00" in value:  # PostgreSQL cannot store one
        raise ValueError("Null characters are not allowed.")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise ValueError("Surrogate characters are not allowed.") from None
    return value


def _spelling(body: dict, spellings: tuple[str, ...]) -> str | None:
    """The spelling of a field the body uses (its conflicts already refused), or None."""
    for spelling in spellings:
        if spelling in body:
            return spelling
    return None


def _conflicts(body: dict, aliased: tuple, at: str | None = None) -> dict:
    """Two spellings of one field, each reported at the second, alone (as the serializer);
    `at`: where the object is in the body."""
    errors: dict = {}
    for spellings in aliased:
        present = [spelling for spelling in spellings if spelling in body]
        if len(present) > 1:
            name = present[1] if at is None else f"{at}.{present[1]}"
            errors[name] = [f"Give only one of {', '.join(present)}: they name the same field."]
    return errors


def _request_fields(body: dict, errors: dict, *, partial: bool) -> dict:
    """The request's columns the body sets (all required ones unless `partial`)."""
    data = {}
    for spellings, column, max_length, blank in REQUEST_TEXT:
        spelling = _spelling(body, spellings)
        if spelling is None:
            if not blank and not partial:
                errors[spellings[0]] = ["This field is required."]
            continue
        value = body[spelling]
        if value is None:
            errors[spelling] = ["This field may not be null."]
            continue
        try:
            data[column] = _text(value, max_length, blank)
            if column == "contact_email" and data[column]:
                validate_email(data[column])
        except ValueError as error:
            errors[spelling] = [str(error)]
        except DjangoValidationError:
            errors[spelling] = ["Enter a valid email address."]
    return data


def _integration(item, at: str, errors: dict) -> dict | None:
    """One new integration's columns (its record_uuid and delete ignored, as on create)."""
    if type(item) is not dict:
        errors[at] = [f"Invalid data. Expected a dictionary, but got {type(item).__name__}."]
        return None
    conflicts = _conflicts(item, INTEGRATION_ALIASED, at)
    if conflicts:
        errors.update(conflicts)
        return None
    before = len(errors)
    columns = {}
    spelling = _spelling(item, TYPE)
    if spelling is None:
        errors[at + ".type"] = ["This field is required."]
    else:
        kind = item[spelling]
        columns["integration_type"] = IntegrationType.from_spelling(kind)
        if columns["integration_type"] is None:
            errors[f"{at}.{spelling}"] = [
                f'"{shown(kind)}" is not a valid integration type: use item, order, '
                "allocation, tracking or other (plural spellings such as items are accepted)."
            ]
    for name, max_length, check, null in SCHEDULE:
        if name not in item:
            continue
        value = item[name]
        if value is None:
            columns[name] = null
            continue
        try:
            columns[name] = check(_text(value, max_length, False))
        except ValueError as error:
            message = str(error)
            if name == "update_frequency" and message == "This field may not be blank.":
                message = "Give an update frequency or null: " + VALID_CRON_FORMS
            errors[f"{at}.{name}"] = [message]
        except DRFValidationError as error:
            errors[f"{at}.{name}"] = [str(detail) for detail in error.detail]
    for spellings, column in INTEGRATION_TEXT:
        spelling = _spelling(item, spellings)
        if spelling is None:
            continue
        try:
            value = item[spelling]
            if value is None:
                raise ValueError("This field may not be null.")
            columns[column] = _text(value, None, True)
        except ValueError as error:
            errors[f"{at}.{spelling}"] = [str(error)]
    return columns if len(errors) == before else None


def _invalid(errors: dict, detail: str | None = None) -> tuple[int, bytes, dict]:
    """400 in the API's error shape."""
    if detail is None:
        field, messages = next(iter(errors.items()))
        more = sum(len(value) for value in errors.values()) - 1
        named = "" if field == "non_field_errors" else f"{field}: "
        detail = f"Invalid input. {named}{messages[0]}" + (f" (and {more} more)" if more else "")
    return 400, orjson.dumps({"detail": detail, "code": "invalid", "errors": errors}), {}


SUPPLIER_MEDIA_TYPES = frozenset({LimitedJSONParser.media_type})
OUTREACH_MEDIA_TYPES = frozenset(parser.media_type for parser in OUTREACH_PARSERS)


def parsed_body(request, *, outreach: bool = False):
    """The request's JSON as the API's parsers read it (connect_api.api.parsers): a
    Content-Type they take (415 else), in the charset it names (the outreach API's: else
    UTF-8, else ISO-8859-1, as the vendor's app sends it), strict JSON within the value
    budget; Refused (400, 415) if it is none. A request with an Idempotency-Key is refused
    (400): the twins do not keep keys, and a twin answering a retry by writing again would
    ignore part of the request (the benchmark sends no key)."""
    if IDEMPOTENCY_HEADER_META in request.META:
        raise Refused(400, "The twins take no Idempotency-Key.")
    if request.content_type not in (OUTREACH_MEDIA_TYPES if outreach else SUPPLIER_MEDIA_TYPES):
        raise Refused(415, f'Unsupported media type "{request.content_type}" in request.')
    content_type = request.META.get("CONTENT_TYPE", "")
    try:
        if outreach:
            return json_loads(body_text(request.body, content_type))
        return declared_json(request.body, content_type)
    except (ParseError, DRFValidationError) as error:
        raise Refused(400, str(error.detail)) from None


def _object_errors(body, untaken: tuple[str, ...]) -> dict:
    """What refuses a body before its fields are read: not an object, two spellings of one
    field, or a field the twins do not take (the benchmark's bodies never send them)."""
    if not isinstance(body, dict):
        message = f"Invalid data. Expected a dictionary, but got {type(body).__name__}."
        return {"non_field_errors": [message]}
    conflicts = _conflicts(body, REQUEST_ALIASED)
    if conflicts:
        return conflicts
    return {name: ["Not taken by the twins."] for name in untaken if name in body}


def patch_fields(body) -> tuple[dict, dict]:
    """A PATCH body checked by hand (the rules above): the request's own fields only (the
    benchmark's PATCH sends neither integrations nor files, and the twins take neither)."""
    errors = _object_errors(body, (*INTEGRATIONS, "uploaded_files"))
    if errors:
        return {}, errors
    data = _request_fields(body, errors, partial=True)
    return data, errors


def create_fields(body) -> tuple[dict, dict]:
    """A create body checked by hand (the rules above): the service's data
    (`connections.services.connection_request_create`) and the errors by field (none:
    taken). A body with `uploaded_files` is refused: the benchmark's bodies send none."""
    errors = _object_errors(body, ("uploaded_files",))
    if errors:
        return {}, errors
    data = _request_fields(body, errors, partial=False)
    integrations = []
    spelling = _spelling(body, INTEGRATIONS)
    if spelling is not None:
        items = body[spelling]
        if type(items) is not list:
            errors[spelling] = [f'Expected a list of items but got type "{type(items).__name__}".']
        elif len(items) > 50:
            errors[spelling] = ["Ensure this field has no more than 50 elements."]
        else:
            for index, item in enumerate(items):
                columns = _integration(item, f"{spelling}.{index}", errors)
                if columns is not None:
                    integrations.append(columns)
    data["integrations"] = integrations
    return data, errors


def _active_organization(organization: list, to: str) -> None:
    """active_organization_for over the token's row: (id, name, type, status, uuid)."""
    organization_id, name, _, status, _ = organization
    if organization_id is None:
        raise Refused(409, f"Users without an organization cannot {to}.")
    if status != OrganizationStatus.ACTIVE:
        raise Refused(409, f"Organization {name!r} is not active: it cannot {to}.")


def request_create_body(request) -> tuple[int, bytes, dict]:
    """POST a connection request: the token, the throttle, the organization ACTIVE, the body
    checked by the input serializer's rules, then the service's transaction (the request, its
    integrations in one INSERT, the `connection_request.created` outbox row), the event's
    dispatch queued once it commits; 201 with the request's uuid and date."""
    try:
        user_id, _, *organization = caller(request.headers.get("Authorization", ""))
        _active_organization(organization, "request connections")
        body = parsed_body(request)
    except Refused as refused:
        return _refused(refused)
    data, errors = create_fields(body)
    if errors:
        return _invalid(errors)
    integrations = data["integrations"]
    organization_id, name, org_type, _, organization_uuid = organization
    request_uuid, now = uuid4(), timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            CREATE_REQUEST_SQL,
            [
                request_uuid,
                organization_id,
                data["counterpart_name"],
                data["contact_name"],
                data.get("contact_phone", ""),
                data.get("contact_email", ""),
                data.get("account_number", ""),
                data.get("additional_information", ""),
                now,
                now,
                user_id,
            ],
        )
        (request_id,) = cursor.fetchone()
        if integrations:
            cursor.execute(
                CREATE_INTEGRATIONS_SQL,
                [
                    [uuid4() for _ in integrations],
                    [request_id] * len(integrations),
                    *(
                        [item.get(column, default) for item in integrations]
                        for column, default in (
                            ("integration_type", ""),
                            ("update_frequency", ""),
                            ("time_zone", DEFAULT_TIME_ZONE),
                            ("file_locations", ""),
                            ("file_specs", ""),
                            ("rules", ""),
                        )
                    ),
                    [timezone.now() for _ in integrations],
                ],
            )
        event = {
            "request_uuid": str(request_uuid),
            "status": "PENDING",
            "requester": {"uuid": str(organization_uuid), "name": name, "org_type": org_type},
            "counterpart": {"uuid": None, "name": data["counterpart_name"], "org_type": None},
            "rejection_reason": None,
            "connection_uuid": None,
        }
        refs = {
            "organizations": [organization_id],
            "requester": organization_id,
            "counterpart": None,
            "connection_request": request_id,
            "connection": None,
        }
        _event(cursor, EventName.REQUEST_CREATED, event, refs)
    body = {"request_uuid": str(request_uuid), "request_date": iso_utc(now)}
    return 201, orjson.dumps(body), {}


def _event(cursor, name: str, data: dict, refs: dict) -> None:
    """The outbox row, and its dispatch queued once the transaction commits (event_publish)."""
    cursor.execute(
        EVENT_SQL,
        [uuid4(), name, orjson.dumps(data).decode(), orjson.dumps(refs).decode(), timezone.now()],
    )
    (event_id,) = cursor.fetchone()
    transaction.on_commit(
        lambda: enqueue_or_defer(
            event_dispatch, event_id, deferred="events wait for events_sweep once it is back"
        )
    )


def request_patch_body(request, uuid: str) -> tuple[int, bytes, dict]:
    """PATCH a request's own fields: the token, the throttle, the request found, the
    organization ACTIVE, the
    body checked, then the row locked and re-read, its status checked, the fields, version
    and updated_at written (a CHANGES REQUESTED request resubmitted: PENDING and a history
    line); 204. Integrations and files are not taken (the benchmark's PATCH sends neither),
    nor If-Match."""
    try:
        user_id, is_staff, *organization = caller(request.headers.get("Authorization", ""))
        if "If-Match" in request.headers:
            raise Refused(400, "Not taken by the limit twin: If-Match")
        sql, params = REQUEST_COLUMNS + " WHERE r.uuid = %s", [uuid]
        if not is_staff:
            sql, params = sql + " AND r.requester_id = %s", [uuid, organization[0]]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
            if not found:
                raise Refused(404, "Not found.")
        _active_organization(organization, "change connection requests")
        if not request.body:
            raise Refused(400, "The PATCH has no body: send the fields to change as a JSON object.")
        body = parsed_body(request)
    except Refused as refused:
        return _refused(refused)
    data, errors = patch_fields(body)
    if errors:
        return _invalid(errors)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, [found[0][0]])
        request_id, status, version = cursor.fetchone()
        if status not in ConnectionRequestStatus.open():
            return (
                422,
                orjson.dumps(
                    {
                        "detail": f"Only PENDING requests can be changed; this one is {status}.",
                        "code": "not_pending",
                    }
                ),
                {},
            )
        columns = dict(data)
        if status == CHANGES_REQUESTED:
            columns["status"] = ConnectionRequestStatus.PENDING.value
            cursor.execute(RESUBMITTED_SQL, [uuid4(), request_id, user_id, timezone.now()])
        columns["version"] = version + 1
        columns["updated_at"] = timezone.now()
        assignments = ", ".join(f'"{column}" = %s' for column in columns)
        cursor.execute(
            f'UPDATE "connections_connectionrequest" SET {assignments} WHERE "id" = %s',
            [*columns.values(), request_id],
        )
    return 204, b"", {}


# --- outreach: the seed change request POST ------------------------------------------------------

GATE_MEMBERSHIP_SQL = """
SELECT sm.id, sm.site_id, s.number, sm.security_role, sm.create_change_request,
       sm.locate_person, sm.member_search, sm.view_add_comments
FROM outreach_sitemembership sm
JOIN outreach_site s ON s.id = sm.site_id
LEFT JOIN outreach_individual i ON i.id = sm.individual_id
WHERE sm.site_id IN (SELECT id FROM outreach_site WHERE number = %s) AND sm.user_id = %s
LIMIT 21
"""

TYPE_RIGHTS_SQL = """
SELECT r.connection_type_id, r.right
FROM outreach_connectiontyperight r
JOIN outreach_connectiontype t ON t.id = r.connection_type_id
WHERE r.membership_id = %s
ORDER BY t.number
"""

CONNECTION_TYPE_SQL = """
SELECT t.id, t.number, t.active
FROM outreach_connectiontype t
JOIN outreach_site s ON s.id = t.site_id
WHERE t.site_id = %s AND t.number = %s
ORDER BY s.number, t.number
LIMIT 1
"""

SITE_LOCK_SQL = "SELECT id FROM outreach_site WHERE id = %s FOR UPDATE"
NEXT_NUMBER_SQL = """
SELECT number FROM outreach_changerequest WHERE site_id = %s AND number IS NOT NULL
ORDER BY number DESC LIMIT 1
"""
RECENT_SQL = """
SELECT number, payload FROM outreach_changerequest
WHERE site_id = %s AND kind = %s AND submitted_at >= %s AND submitted_by_id = %s
    AND payload = %s::jsonb
ORDER BY submitted_at DESC, number DESC LIMIT 1
"""

CHANGE_REQUEST_SQL = """
INSERT INTO outreach_changerequest (status, submitted_at, reviewed_at, review_message, site_id,
    number, kind, payload, connection_id, base_version, submitted_by_id, reviewed_by_id,
    failure_reason)
VALUES ('PENDING', %s, NULL, '', %s, %s, %s, %s::jsonb, NULL, NULL, %s, NULL, '')
RETURNING id
"""


def change_request_values(body: dict) -> tuple[dict, dict]:
    """The outreach POST body's values checked by hand (both twins read them so), key by key
    as the endpoint's strict fields check them: ({stored name: value}, errors by key). The
    payload's own rules are `ChangeRequestPayload.from_fields`'. Pinned to the endpoint by
    tests/benchmarks/test_twin_input.py."""
    values, errors = {}, {}
    for spec in CHANGE_REQUEST_FIELDS:
        if spec.wire in body:
            try:
                values[spec.stored] = wire_value(spec, body[spec.wire])
            except (ValueError, TypeError) as error:
                errors[spec.wire] = [str(error)]
    return values, errors


def wire_value(spec, value):
    """One body value checked as the endpoint's strict fields check it (a JSON boolean,
    integer, string, MM/DD/YYYY date or list of integers; strings trimmed); ValueError with
    the endpoint's message if not."""
    value_type = typing.get_origin(spec.type) or spec.type
    if value is None:
        raise ValueError("This field may not be null.")
    if value_type is bool:
        if not isinstance(value, bool):
            raise ValueError("Must be a JSON boolean (true or false).")
    elif value_type is int:
        return _json_integer(value, spec.min_value)
    elif value_type is str:
        if not isinstance(value, str):
            raise ValueError("Must be a JSON string.")
        value = _text(value, spec.max_length, blank=True)
    elif value_type is date:
        try:
            parsed = us_date_parse(value) if isinstance(value, str) else None
        except ValueError:
            raise ValueError(f"{value} is not a date that exists.") from None
        if parsed is None:
            raise ValueError("Use the MM/DD/YYYY format (for example 06/05/2015).")
        return parsed
    else:
        if not isinstance(value, list):
            raise ValueError(f'Expected a list of items but got type "{type(value).__name__}".')
        if spec.max_length is not None and len(value) > spec.max_length:
            raise ValueError(f"Ensure this field has no more than {spec.max_length} elements.")
        return [_json_integer(item, spec.min_value) for item in value]
    return value


def _json_integer(value, min_value: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("Must be a JSON integer (not a string or a boolean).")
    if min_value is not None and value < min_value:
        raise ValueError(f"Ensure this value is greater than or equal to {min_value}.")
    if value > MAX_ID:
        raise ValueError(f"Ensure this value is less than or equal to {MAX_ID}.")
    return value


def _granted(role: str, value: str) -> bool:
    return role == SecurityRole.ADMINISTRATOR or value == Right.GRANTED


def change_request_body(request, site_number: int) -> tuple[int, bytes, dict]:
    """Seed 004's POST (an add): Basic, the membership and its change-request gate (with the
    per-type rights), the throttle, the body checked key by key and by the payload's rules,
    the type found and its right, every id named found in the site; then, in one
    transaction, the site locked to number the new row, the same user's identical add of
    the last minutes answered instead (the duplicate check), else the change request and its
    outbox event (dispatch queued on commit). Changes of an existing connection are not
    taken (the benchmark sends an add)."""
    try:
        user_id = basic_user_id(request)
        with connection.cursor() as cursor:
            cursor.execute(GATE_MEMBERSHIP_SQL, [site_number, user_id])
            found = cursor.fetchall()
            if len(found) != 1:
                raise Refused(404, f"Site {site_number} not found.")
            ((membership_id, site_id, site_no, role, create, locate, search, comments),) = found
            type_rights: dict[int, str] = {}
            if role != SecurityRole.ADMINISTRATOR:
                cursor.execute(TYPE_RIGHTS_SQL, [membership_id])
                type_rights = dict(cursor.fetchall())
        missing = []
        if role != SecurityRole.ADMINISTRATOR:
            if not _granted(role, create):
                missing.append("CreateChangeRequest")
            if Right.GRANTED not in type_rights.values():
                missing.append("ConnectionType")
            if not (_granted(role, locate) or _granted(role, search)):
                missing.append("LocatePerson or MemberSearch")
            if not _granted(role, comments):
                missing.append("ViewAddComments")
        if missing:
            raise Refused(403, "Missing rights: " + ", ".join(missing))
        throttled(user_id)
        body = parsed_body(request, outreach=True)
        if not isinstance(body, dict):
            message = f"Invalid data. Expected a dictionary, but got {type(body).__name__}."
            raise Invalid({"non_field_errors": [message]})
        values, errors = change_request_values(body)
        if errors:
            raise Invalid(errors)
        try:
            payload = ChangeRequestPayload.from_fields(values)
        except PayloadError as error:
            raise Invalid(error.errors) from None
        if payload.kind != ChangeRequestKind.ADD:
            raise Refused(400, "Not taken by the limit twin: a change of an existing connection")
        type_wire = CHANGE_REQUEST_FIELD["connection_type_id"].wire
        with connection.cursor() as cursor:
            cursor.execute(CONNECTION_TYPE_SQL, [site_id, payload.connection_type_id])
            connection_type = cursor.fetchone()
            if connection_type is None:
                raise Invalid(
                    {type_wire: [f"No connection type {payload.connection_type_id} in this site."]},
                    "Unknown connection type.",
                )
            type_id, type_number, type_active = connection_type
            right = (
                Right.GRANTED if role == SecurityRole.ADMINISTRATOR else type_rights.get(type_id)
            )
            if right != Right.GRANTED:
                raise Refused(
                    403, f"Full rights (A) on connection type {type_number} are required."
                )
            if not type_active:
                errors[type_wire] = [f"Connection type {type_number} is no longer active."]
            for spec in CHANGE_REQUEST_FIELDS:
                if spec.row is None or spec.type is not int or spec.stored == "connection_type_id":
                    continue
                number = getattr(payload, spec.stored)
                if number is None:
                    continue
                table = spec.row.model._meta.db_table
                cursor.execute(
                    f"SELECT number FROM {table} WHERE site_id = %s AND number = %s LIMIT 1",
                    [site_id, number],
                )
                if cursor.fetchone() is None:
                    errors[spec.wire] = [f"No {spec.row.noun} {number} in this site."]
            wanted = set(payload.response_ids)
            if wanted:
                cursor.execute(
                    "SELECT number FROM outreach_response"
                    " WHERE connection_type_id = %s AND number = ANY(%s)",
                    [type_id, list(wanted)],
                )
                unknown = wanted - {number for (number,) in cursor.fetchall()}
                if unknown:
                    errors[CHANGE_REQUEST_FIELD["response_ids"].wire] = [
                        f"Not responses of connection type {type_number}: "
                        + ", ".join(str(number) for number in sorted(unknown))
                        + "."
                    ]
        if errors:
            raise Invalid(errors, "Ids not usable in this site: " + ", ".join(errors))
    except Refused as refused:
        return _refused(refused)
    except Invalid as invalid:
        return _invalid(invalid.errors, invalid.detail)
    stored = payload.to_stored()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        with transaction.atomic():  # the service's numbering: a savepoint around the lock
            cursor.execute(SITE_LOCK_SQL, [site_id])
            cursor.execute(NEXT_NUMBER_SQL, [site_id])
            highest = cursor.fetchone()
            number = (highest[0] if highest else 0) + 1
        since = now - settings.OUTREACH_DUPLICATE_WINDOW
        stored_json = orjson.dumps(stored).decode()
        cursor.execute(
            RECENT_SQL, [site_id, ChangeRequestKind.ADD.value, since, user_id, stored_json]
        )
        for earlier, earlier_payload in cursor.fetchall():
            if orjson.loads(earlier_payload) == stored:
                return 200, orjson.dumps(earlier), {}
        cursor.execute(
            CHANGE_REQUEST_SQL,
            [
                now,
                site_id,
                number,
                ChangeRequestKind.ADD.value,
                orjson.dumps(stored).decode(),
                user_id,
            ],
        )
        (change_request_id,) = cursor.fetchone()
        data = {
            "site": site_no,
            "change_request_id": number,
            "kind": ChangeRequestKind.ADD.value,
            "status": "PENDING",
            "connection_id": None,
            "message": None,
            "reason": None,
        }
        refs = {
            "site": site_id,
            "change_request": change_request_id,
            "submitter": user_id,
            "reviewer": None,
        }
        _event(cursor, EventName.CHANGE_REQUEST_SUBMITTED, data, refs)
    return 200, orjson.dumps(number), {}


# --- as Django views ---------------------------------------------------------------------------


def _response(status: int, body: bytes, headers: dict | None = None) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json", headers=headers)


def limit_request_detail(request, uuid):
    return _response(*request_detail_body(request.headers.get("Authorization", ""), uuid))


def limit_request_list(request):
    return _response(*request_list_body(request.headers.get("Authorization", "")))


@csrf_exempt
def limit_request_create(request):
    return _response(*request_create_body(request))


@csrf_exempt
def limit_request(request, uuid):
    """The detail (GET) and the PATCH of one request, at one URL as the endpoint's."""
    if request.method == "PATCH":
        status, body, headers = request_patch_body(request, uuid)
        if status == 204:
            return HttpResponse(status=204)
        return _response(status, body, headers)
    return _response(*request_detail_body(request.headers.get("Authorization", ""), uuid))


@csrf_exempt
def limit_change_request(request, site_number):
    return _response(*change_request_body(request, site_number))


def limit_connection_list(request):
    return _response(*connections_body(request.headers.get("Authorization", "")))


def limit_individual_search(request, site_number):
    return _response(*individual_search_body(request, site_number))


# --- as a bare WSGI application ----------------------------------------------------------------

DETAIL_PREFIX = "/bench/wsgi/requests/"
REASONS = {200: "200 OK", 401: "401 Unauthorized", 404: "404 Not Found", 429: "429 Too Many"}


def wsgi_application(environ, start_response):
    """GET /bench/wsgi/requests/ (the list) and /bench/wsgi/requests/<uuid>/ (the detail)."""
    path = environ["PATH_INFO"]
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if path == DETAIL_PREFIX:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        start = int(query.get("start", ["0"])[0])
        status, body, headers = request_list_body(authorization, start=start)
    elif path.startswith(DETAIL_PREFIX):
        uuid = path[len(DETAIL_PREFIX) :].strip("/")
        status, body, headers = request_detail_body(authorization, uuid)
    else:
        status, body, headers = 404, b'{"detail":"Not found."}', {}
    start_response(
        REASONS[status],
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *headers.items(),
        ],
    )
    return [body]
