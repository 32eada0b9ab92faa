"""The *limit* twins benchmarks/speed.py measures the hot reads against: the same work as the
endpoint with none of the frameworks' per-request machinery.

- `limit`: a Django view (behind the same middleware): the same token check (the token, the
  user's flags and organization in one query, knox's digest compared), the same throttle
  counter, the same SQL text as the endpoint's queries (hand-written, same round trips) through
  a cursor, rows to dicts by position, `orjson` for the body;
- `wsgi`: the same function as a bare WSGI application (no Django handler, middleware, URL
  resolver or request object), for reference.

PostgreSQL only (`= ANY(%s)`). Both answer byte for byte what the endpoint answers (speed.py
checks it) for the benchmark's data: within LIST_EXACT_COUNT_CAP, no approval. Not a way to
write the API: the SQL, the tenant rule and the output shape are each written a second time
here.
"""

import hmac
from types import SimpleNamespace
from urllib.parse import parse_qs

import orjson
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

from connect_api.clientip import UserRateThrottle
from connections.api.serializers import iso_utc, schedule_data
from organizations.choices import OrganizationType

TOKEN_SQL = """
SELECT t.digest, t.expiry, u.id, u.is_active, u.is_staff, m.organization_id
FROM knox_authtoken t
JOIN auth_user u ON u.id = t.user_id
LEFT JOIN connections_organizationmembership m ON m.user_id = u.id
WHERE t.token_key = %s
"""

REQUEST_COLUMNS = """
SELECT r.id, r.uuid, r.counterpart_name, r.contact_name, r.contact_phone, r.contact_email,
       r.account_number, r.additional_information, r.request_date, r.status,
       r.rejection_reason, o.org_type, am.uuid, p.uuid, p.first_name, p.last_name, p.email,
       p.phone, p.job_title
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

UPLOADS_SQL = """
SELECT l.connectionrequest_id, u.name, u.uuid
FROM uploads_upload u
JOIN uploads_upload_connection_requests l ON u.id = l.upload_id
WHERE l.connectionrequest_id = ANY(%s)
ORDER BY u.created DESC, u.id DESC
"""

INTEGRATIONS_SQL = """
SELECT request_id, uuid, integration_type, update_frequency, file_locations, file_specs, rules,
       date_created
FROM connections_integration
WHERE request_id = ANY(%s)
ORDER BY date_created, id
"""


class Refused(Exception):
    def __init__(self, status: int, detail: str):
        self.status, self.detail = status, detail


def caller(authorization: str) -> tuple[int, bool, int | None]:
    """(user id, is_staff, organization id) for `Token <key>`, as TokenAuthentication checks
    it; then the throttle's hit, as the endpoint counts it."""
    keyword, _, key = authorization.partition(" ")
    if keyword != "Token" or not key:
        raise Refused(401, "Authentication credentials were not provided.")
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [key[: CONSTANTS.TOKEN_KEY_LENGTH]])
        rows = cursor.fetchall()
    for digest, expiry, user_id, is_active, is_staff, organization_id in rows:
        if expiry is not None and expiry < timezone.now():
            continue
        if hmac.compare_digest(hash_token(key), digest) and is_active:
            throttle = UserRateThrottle()
            shim = SimpleNamespace(user=SimpleNamespace(pk=user_id, is_authenticated=True))
            if not throttle.allow_request(shim, None):
                raise Refused(429, "Request was throttled.")
            return user_id, is_staff, organization_id
    raise Refused(401, "Invalid token.")


def _or_null(value):
    return value or None


def _request_data(row, integrations: list, uploads: list) -> dict:
    (_, uuid, counterpart, contact, phone, email, account, info, requested, status, reason) = row[
        :11
    ]
    org_type, manager_uuid, person_uuid = row[11:14]
    approved = status == "APPROVED"
    approved_by = None
    if approved and manager_uuid is not None:
        person = None
        if person_uuid is not None:
            first, last, person_email, person_phone, job_title = row[14:19]
            person = {
                "uuid": str(person_uuid),
                "first_name": first,
                "last_name": last,
                "email": _or_null(person_email),
                "phone": _or_null(person_phone),
                "job_title": _or_null(job_title),
            }
        approved_by = {"uuid": str(manager_uuid), "person": person}
    account_key = (
        "supplier_account_number"
        if org_type == OrganizationType.SUPPLIER
        else "retailer_account_number"
    )
    return {
        "record_uuid": str(uuid),
        "org_name": counterpart,
        "org_contact_full_name": contact,
        "primary_contact_phone": _or_null(phone),
        "primary_contact_email": _or_null(email),
        account_key: _or_null(account),
        "additional_information": _or_null(info),
        "request_date": iso_utc(requested),
        "status": status,
        "is_approved": approved,
        "approved_by": approved_by,
        "rejection_reason": reason if status == "REJECTED" else None,
        "integrations": [
            {
                "record_uuid": str(item[1]),
                "integration_type": item[2],
                "update_frequency": _or_null(item[3]),
                **schedule_data(item[3]),
                "feed_source_file_locations": _or_null(item[4]),
                "file_specs": _or_null(item[5]),
                "rules": _or_null(item[6]),
                "date_created": iso_utc(item[7]),
            }
            for item in integrations
        ],
        "uploaded_files": [{"name": name, "uuid": str(uuid)} for _, name, uuid in uploads],
    }


def _with_children(cursor, rows: list) -> list[dict]:
    """The rows' dicts, their uploads and integrations in one query each (as the endpoint)."""
    ids = [row[0] for row in rows]
    uploads: dict[int, list] = {pk: [] for pk in ids}
    integrations: dict[int, list] = {pk: [] for pk in ids}
    if ids:
        cursor.execute(UPLOADS_SQL, [ids])
        for upload in cursor.fetchall():
            uploads[upload[0]].append(upload)
        cursor.execute(INTEGRATIONS_SQL, [ids])
        for integration in cursor.fetchall():
            integrations[integration[0]].append(integration)
    return [_request_data(row, integrations[row[0]], uploads[row[0]]) for row in rows]


def request_detail_body(authorization: str, uuid: str) -> tuple[int, bytes]:
    try:
        _, is_staff, organization_id = caller(authorization)
    except Refused as refused:
        return refused.status, orjson.dumps({"detail": refused.detail})
    sql, params = REQUEST_COLUMNS + " WHERE r.uuid = %s", [uuid]
    if not is_staff:
        sql, params = sql + " AND r.requester_id = %s", [uuid, organization_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if not rows:
            return 404, orjson.dumps({"detail": "Not found."})
        (data,) = _with_children(cursor, rows)
    return 200, orjson.dumps(data)


def request_list_body(authorization: str, start: int = 0, limit: int = 50) -> tuple[int, bytes]:
    try:
        _, is_staff, organization_id = caller(authorization)
    except Refused as refused:
        return refused.status, orjson.dumps({"detail": refused.detail})
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
    return 200, orjson.dumps({"requests": requests, "pagination": pagination})


# --- as Django views ---------------------------------------------------------------------------


def _response(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json")


def limit_request_detail(request, uuid):
    return _response(*request_detail_body(request.headers.get("Authorization", ""), uuid))


def limit_request_list(request):
    return _response(*request_list_body(request.headers.get("Authorization", "")))


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
        status, body = request_list_body(authorization, start=start)
    elif path.startswith(DETAIL_PREFIX):
        status, body = request_detail_body(authorization, path[len(DETAIL_PREFIX) :].strip("/"))
    else:
        status, body = 404, b'{"detail":"Not found."}'
    start_response(
        REASONS[status],
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
