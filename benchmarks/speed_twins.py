"""The twins benchmarks/speed.py measures the endpoints against, mounted beside the real routes
(this module is the benchmark's ROOT_URLCONF, so every call crosses the same middleware).

- plain Django views: the same Token auth (one query), the same selectors and SQL, the same
  dict builders, the same JSON bytes as the endpoints (compact, UTF-8); the writes call the
  same services (each one transaction, as the endpoints: no extra `atomic` around them);
- the limit twins of the request list and detail (benchmarks/speed_limit.py): a cursor, the
  same SQL text, `orjson`;
- every write twin reads its body as the API's parsers do (the Content-Type they take, its
  charset, strict JSON: `speed_limit.parsed_body`) and checks it by hand by the input
  serializer's rules (`speed_limit.create_fields`, `patch_fields`), so it takes the bodies
  the endpoint takes, into the same rows, and refuses the others (tests/benchmarks);
- django-ninja (detail and list), two twins over the same auth and SQL:
  `ninja` is what a django-ninja user writes over these models: `Schema` classes declared with
  `response=` (nested integrations, uploaded files, approved_by with its person), fed the
  prefetched ORM rows, renamed fields read through `Field(alias=...)`, computed ones through
  `resolve_<field>` resolvers, datetimes and "" -> null through annotated types;
  `ninja-dict` returns the plain twin's dicts (ninja's router and renderer cost only);
- outreach (HTTP Basic, PascalCase): the individual search (the remembered Basic credential,
  the membership and its LocatePerson check, the same selector, page and dict builders) and
  the seed change-request POST (the same gate, the body read in the charset the vendor's app
  sends, each key checked by hand by its type, then `ChangeRequestPayload.from_fields` and
  the same service).
"""

import json
from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema, Status
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader
from pydantic import BeforeValidator, PlainSerializer, model_serializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from benchmarks import speed_limit
from connect_api.api.outputs import or_null
from connect_api.api.pagination import PageIndexPagination, matches_up_to
from connect_api.api.responses import rendered
from connect_api.api.views import SupplierApiMixin
from connect_api.authentication import CachedBasicAuthentication, TokenAuthentication
from connect_api.errors import DomainError
from connect_api.urlindex import by_leading_segments
from connect_api.urls import urlpatterns as real_urlpatterns
from connections import selectors, services
from connections.api import serializers as shapes
from connections.choices import (
    ConnectionRequestStatus,
    ReviewAction,
    specs_for,
)
from connections.cron import describe_cron, next_runs, schedule_warnings
from organizations.choices import OrganizationType
from organizations.selectors import active_organization_for
from outreach import permissions as outreach_permissions
from outreach import selectors as outreach_selectors
from outreach import services as outreach_services
from outreach.api import outputs as outreach_outputs
from outreach.payload import ChangeRequestPayload
from uploads.models import UploadCheck, UploadCheckStatus
from uploads.selectors import NO_SPEC_REASON
from uploads.services import specs_key


def json_response(data, status: int = 200, safe: bool = True) -> HttpResponse:
    """Django's JsonResponse with the endpoints' bytes (DRF's JSONRenderer: compact, UTF-8),
    so endpoint and twin send the same body."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return HttpResponse(body.encode(), status=status, content_type="application/json")


def token_user(request):
    """What the endpoints' TokenAuthentication does: `Token <key>` -> user, one query; then
    the user throttle's hit as the endpoints count it (a round trip per leased block; the
    benchmark's rate is never reached, so a refusal would be an error here)."""
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    if keyword != "Token" or not key:
        return None
    user, _ = TokenAuthentication().authenticate_credentials(key.encode())
    speed_limit.throttled(user.pk)
    request.user = user  # as DRF sets it: the request log names the user and organization
    return user


def unauthorized():
    return json_response({"detail": "Authentication credentials were not provided."}, status=401)


def request_page(user, *, start: int = 0, limit: int = 50) -> tuple[list, dict]:
    """The list's page of rows (with `integration_rows` and `uploaded_file_rows`) and its
    pagination, as the endpoint reads them."""
    queryset = selectors.connection_requests_for(user).exclude(
        status=ConnectionRequestStatus.WITHDRAWN
    )
    # The endpoint's count: exact up to LIST_EXACT_COUNT_CAP (the benchmark's 50 rows are).
    cap = settings.LIST_EXACT_COUNT_CAP
    total = matches_up_to(queryset, cap).count()
    assert total <= cap, "the twin answers the exact count only"
    rows = selectors.with_child_rows(list(queryset[start : start + limit]))
    pagination = {"total_count": total, "start": start, "limit": limit, "total_count_exact": True}
    return rows, pagination


def request_row(user, uuid):
    """The detail's row (with `integration_rows` and `uploaded_file_rows`), or None."""
    found = list(selectors.connection_requests_for(user).filter(uuid=uuid))
    if not found:
        return None
    (connection_request,) = selectors.with_child_rows(found)
    return connection_request


def request_list_page(user, *, start: int = 0, limit: int = 50) -> dict:
    rows, pagination = request_page(user, start=start, limit=limit)
    return {
        "requests": [shapes.connection_request_data(row) for row in rows],
        "pagination": pagination,
    }


def request_detail(user, uuid) -> dict | None:
    row = request_row(user, uuid)
    return None if row is None else shapes.connection_request_data(row)


def plain_request_list(request):
    user = token_user(request)
    if user is None:
        return unauthorized()
    return json_response(request_list_page(user))


def plain_request_detail(request, uuid):
    user = token_user(request)
    if user is None:
        return unauthorized()
    body = request_detail(user, uuid)
    if body is None:
        return json_response({"detail": "Not found."}, status=404)
    return json_response(body)


def plain_connection_list(request):
    user = token_user(request)
    if user is None:
        return unauthorized()
    rows = selectors.connections_for(user)
    return json_response([shapes.connection_data(row) for row in rows], safe=False)


def refusal_response(refused: speed_limit.Refused) -> HttpResponse:
    """A body the API's parsers would refuse (400, 415), answered in the API's shape."""
    return json_response({"detail": refused.detail}, status=refused.status)


def checked_body(request, fields):
    """(the service's data, None), or (None, the 400): the body as the API's parsers read it,
    then checked by hand by `fields` (speed_limit.create_fields or patch_fields)."""
    try:
        body = speed_limit.parsed_body(request)
    except speed_limit.Refused as refused:
        return None, refusal_response(refused)
    data, errors = fields(body)
    if errors:
        return None, json_response({"detail": "Invalid input.", "errors": errors}, status=400)
    return data, None


@csrf_exempt
def plain_request_create(request):
    """The create body checked by hand, by the input serializer's rules."""
    user = token_user(request)
    if user is None:
        return unauthorized()
    organization = active_organization_for(user, to="request connections")
    data, refusal = checked_body(request, speed_limit.create_fields)
    if refusal is not None:
        return refusal
    created = services.connection_request_create(organization=organization, user=user, data=data)
    return json_response(
        {"request_uuid": str(created.uuid), "request_date": shapes.iso_utc(created.request_date)},
        status=201,
    )


def plain_request_patch(request, uuid):
    """PATCH of a request's contact fields (the seeds' kind of change), checked by hand."""
    user = token_user(request)
    if user is None:
        return unauthorized()
    connection_request = selectors.connection_requests_for(user).filter(uuid=uuid).first()
    if connection_request is None:
        return json_response({"detail": "Not found."}, status=404)
    organization = active_organization_for(user, to="change connection requests")
    data, refusal = checked_body(request, speed_limit.patch_fields)
    if refusal is not None:
        return refusal
    services.connection_request_update(
        connection_request=connection_request, organization=organization, data=data, user=user
    )
    return HttpResponse(status=204)


@csrf_exempt
def plain_request(request, uuid):
    return (
        plain_request_patch(request, uuid)
        if request.method == "PATCH"
        else (plain_request_detail(request, uuid))
    )


# --- outreach -------------------------------------------------------------------------------


def basic_user(request):
    """What the outreach endpoints' Basic does (a remembered credential is one query), then
    the throttle's hit."""
    found = CachedBasicAuthentication().authenticate(request)
    if not found:
        return None
    speed_limit.throttled(found[0].pk)
    request.user = found[0]
    return found[0]


def _domain_error(error: DomainError) -> HttpResponse:
    return json_response({"detail": str(error)}, status=error.status)


def _outreach_links(request, site_number) -> outreach_outputs.Links:
    return outreach_outputs.Links(
        request.build_absolute_uri(f"/api_accessacs_mobile/v2/{site_number}")
    )


def plain_individual_search(request, site_number):
    user = basic_user(request)
    if user is None:
        return unauthorized()
    try:
        membership = outreach_permissions.membership_for(user, site_number)
    except DomainError as error:
        return _domain_error(error)
    if not outreach_permissions.can_locate_people(membership):
        return json_response({"detail": "LocatePerson or MemberSearch (A) required."}, status=403)
    query = request.GET.get("q", "")
    try:
        index = int(request.GET.get("pageIndex", 0))
        size = min(int(request.GET.get("pageSize", 25)), 100)
    except ValueError:
        return json_response({"detail": "pageIndex and pageSize are integers."}, status=400)
    if len(query) > 200 or index < 0 or size < 1:
        return json_response({"detail": "Invalid query."}, status=400)
    page = PageIndexPagination(index, size)
    individuals = outreach_selectors.individuals_search(membership, query).select_related("family")
    rows, page_count = page.rows_counted_up_to(
        individuals,
        outreach_outputs.SEARCH_EXACT_COUNT_UP_TO,
        outreach_selectors.contact_prefetches(),
    )
    links = _outreach_links(request, site_number)
    items = [outreach_outputs.contact_data(person, links) for person in rows]
    return json_response(page.data(items, page_count))


def change_request_input(body: dict) -> tuple[ChangeRequestPayload | None, dict]:
    """Each body key checked by hand by its type, then the payload's rules: (the payload,
    errors by field). The payload's own refusals raise DomainError, as the endpoint's do."""
    values, errors = speed_limit.change_request_values(body)
    if errors:
        return None, errors
    return ChangeRequestPayload.from_fields(values), {}


@csrf_exempt
def plain_change_request(request, site_number):
    """Seed 004's POST: the gate, the body checked key by key, the payload rules, the service."""
    user = basic_user(request)
    if user is None:
        return unauthorized()
    try:
        membership = outreach_permissions.membership_for(user, site_number)
    except DomainError as error:
        return _domain_error(error)
    missing = outreach_permissions.change_request_gate_missing(membership)
    if missing:
        return json_response({"detail": "Missing rights: " + ", ".join(missing)}, status=403)
    try:
        body = speed_limit.parsed_body(request, outreach=True)
    except speed_limit.Refused as refused:
        return refusal_response(refused)
    if not isinstance(body, dict):
        return json_response({"detail": "A JSON object is expected."}, status=400)
    try:
        payload, errors = change_request_input(body)
        if errors:
            return json_response({"detail": "Invalid input.", "errors": errors}, status=400)
        change_request = outreach_services.change_request_submit(
            membership=membership, payload=payload
        )
    except DomainError as error:
        return _domain_error(error)
    return json_response(change_request.number, safe=False)


class KnoxToken(APIKeyHeader):
    param_name = "Authorization"

    def authenticate(self, request, key):
        return token_user(request)


class CompactJSONRenderer(JSONRenderer):
    """ninja's renderer with the endpoints' bytes (compact, UTF-8)."""

    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


ninja_api = NinjaAPI(
    urls_namespace="bench-ninja", auth=KnoxToken(), docs_url=None, renderer=CompactJSONRenderer()
)

# --- django-ninja over the models: Schemas fed ORM rows ---------------------------------------

# The endpoint's formats: datetimes in ISO 8601 UTC with microseconds and "Z" (ninja's
# encoder would cut them to milliseconds), unset text ("") as null.
UtcDatetime = Annotated[datetime, PlainSerializer(shapes.iso_utc)]
LocalDatetime = Annotated[datetime, PlainSerializer(shapes.iso_local)]
OptionalText = Annotated[str | None, BeforeValidator(or_null)]


class PersonOut(Schema):
    uuid: UUID
    first_name: str
    last_name: str
    email: OptionalText
    phone: OptionalText
    job_title: OptionalText


class AccountManagerOut(Schema):
    uuid: UUID
    person: PersonOut | None


class IntegrationOut(Schema):
    """One of `integration_rows` (the selector's named rows)."""

    record_uuid: UUID = Field(alias="uuid")
    integration_type: str
    update_frequency: OptionalText
    time_zone: str
    next_runs: list[LocalDatetime] | None
    next_runs_utc: list[UtcDatetime] | None
    schedule_description: str | None
    schedule_warnings: list[str]
    feed_source_file_locations: OptionalText = Field(alias="file_locations")
    file_specs: OptionalText
    rules: OptionalText
    date_created: UtcDatetime

    @staticmethod
    def resolve_next_runs(row):
        return next_runs(row.update_frequency, time_zone=row.time_zone)

    @staticmethod
    def resolve_next_runs_utc(row):
        return next_runs(row.update_frequency, time_zone=row.time_zone)

    @staticmethod
    def resolve_schedule_description(row):
        return describe_cron(row.update_frequency, row.time_zone)

    @staticmethod
    def resolve_schedule_warnings(row):
        return schedule_warnings(row.update_frequency)


class UploadCheckErrorOut(Schema):
    row: int | None
    field: str | None
    message: str


class UploadCheckOut(Schema):
    """An UploadCheck row (an unsaved one for "no specs to check against")."""

    specs: list[str]
    spec: OptionalText
    status: str
    rows_checked: int | None
    error_count: int | None
    errors: list[UploadCheckErrorOut]
    reason: OptionalText
    checked_at: UtcDatetime | None = Field(alias="finished")

    @staticmethod
    def resolve_specs(check):
        return check.specs.split()


class UploadedFileOut(Schema):
    name: str
    uuid: UUID
    checks: UploadCheckOut | None


class ReviewEntryOut(Schema):
    uuid: UUID
    action: str
    at: UtcDatetime = Field(alias="created_at")
    by: str | None
    account_manager: AccountManagerOut | None
    message: OptionalText
    integrations: list[str]
    uploaded_files: list[str]

    @staticmethod
    def resolve_by(entry):
        if entry.account_manager is not None:
            person = entry.account_manager.person
            return f"{person.first_name} {person.last_name}".strip()
        if entry.user is not None:
            user = entry.user
            return f"{user.first_name} {user.last_name}".strip() or user.username
        return None


NOT_APPLICABLE = UploadCheck(
    specs="", status=UploadCheckStatus.NOT_APPLICABLE, reason=NO_SPEC_REASON
)


class ConnectionRequestOut(Schema):
    record_uuid: UUID = Field(alias="uuid")
    org_name: str = Field(alias="counterpart_name")
    org_contact_full_name: str = Field(alias="contact_name")
    primary_contact_phone: OptionalText = Field(alias="contact_phone")
    primary_contact_email: OptionalText = Field(alias="contact_email")
    # The requester's account number, named after the requester's side; the other key is
    # dropped from the output (serialize_account_key).
    retailer_account_number: OptionalText = Field(alias="account_number")
    supplier_account_number: OptionalText = Field(alias="account_number")
    requester_type: str = Field(exclude=True)
    additional_information: OptionalText
    request_date: UtcDatetime
    status: str
    is_approved: bool
    approved_by: AccountManagerOut | None
    rejection_reason: str | None
    integrations: list[IntegrationOut] = Field(alias="integration_rows")
    uploaded_files: list[UploadedFileOut]
    changes_requested: ReviewEntryOut | None
    history: list[ReviewEntryOut]

    @staticmethod
    def resolve_requester_type(connection_request):
        return connection_request.requester.org_type

    @staticmethod
    def resolve_approved_by(connection_request):
        return connection_request.decided_by if connection_request.is_approved else None

    @staticmethod
    def resolve_rejection_reason(connection_request):
        if connection_request.status != ConnectionRequestStatus.REJECTED:
            return None
        return connection_request.rejection_reason

    @staticmethod
    def resolve_uploaded_files(connection_request):
        """Each file with its check against the specs the request's integrations imply."""
        key = specs_key(
            specs_for(row.integration_type for row in connection_request.integration_rows)
        )
        return [
            {
                "name": upload.name,
                "uuid": upload.uuid,
                "checks": (
                    next((check for check in upload.checks if check.specs == key), None)
                    if key
                    else NOT_APPLICABLE
                ),
            }
            for upload in connection_request.uploaded_file_rows
        ]

    @staticmethod
    def resolve_changes_requested(connection_request):
        if connection_request.status != ConnectionRequestStatus.CHANGES_REQUESTED:
            return None
        asked = [
            entry
            for entry in connection_request.history_rows
            if entry.action == ReviewAction.CHANGES_REQUESTED
        ]
        return asked[-1] if asked else None

    @staticmethod
    def resolve_history(connection_request):
        return connection_request.history_rows

    @model_serializer(mode="wrap")
    def serialize_account_key(self, handler):
        data = handler(self)
        supplier = self.requester_type == OrganizationType.SUPPLIER
        del data["retailer_account_number" if supplier else "supplier_account_number"]
        return data


class PaginationOut(Schema):
    total_count: int
    start: int
    limit: int
    total_count_exact: bool


class ConnectionRequestPageOut(Schema):
    requests: list[ConnectionRequestOut]
    pagination: PaginationOut


class DetailOut(Schema):
    detail: str


@ninja_api.get("/requests/", response=ConnectionRequestPageOut)
def ninja_request_list(request):
    rows, pagination = request_page(request.auth)
    return {"requests": rows, "pagination": pagination}


@ninja_api.get("/requests/{uuid}/", response={200: ConnectionRequestOut, 404: DetailOut})
def ninja_request_detail(request, uuid: str):
    row = request_row(request.auth, uuid)
    if row is None:
        return Status(404, {"detail": "Not found."})
    return row


# --- django-ninja returning the plain twin's dicts (its router and renderer only) -----------


@ninja_api.get("/dict/requests/")
def ninja_dict_request_list(request):
    return request_list_page(request.auth)


@ninja_api.get("/dict/requests/{uuid}/")
def ninja_dict_request_detail(request, uuid: str):
    body = request_detail(request.auth, uuid)
    if body is None:
        return ninja_api.create_response(request, {"detail": "Not found."}, status=404)
    return body


# --- DRF's own cost --------------------------------------------------------------------------


class DispatchProbe(SupplierApiMixin, APIView):
    """The least a supplier POST does through DRF: the supplier API's base view (token
    authentication, the throttles, the JSON parser, negotiation, Allow and Vary, the
    Idempotency-Key check), the body read, a small answer rendered as the endpoints render
    theirs. Beside `plain_dispatch_probe`, which does the same in a plain view, it measures
    what DRF's dispatch costs a request: the part of a write's cost the plain twins skip."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        return rendered(request, {"keys": len(request.data)}, status=201)


@csrf_exempt
def plain_dispatch_probe(request):
    """`DispatchProbe` as the plain write twins do it: the token and throttle, the body."""
    user = token_user(request)
    if user is None:
        return unauthorized()
    try:
        body = speed_limit.parsed_body(request)
    except speed_limit.Refused as refused:
        return refusal_response(refused)
    return json_response({"keys": len(body)}, status=201)


# The twins' routes beside the real ones, the whole list tried by its first two segments as
# the real root list is (connect_api.urlindex): with the twins' routes tried first, one by one,
# every endpoint call would also try their 15 patterns, which the real list never holds.
(real_root,) = real_urlpatterns
urlpatterns = by_leading_segments(
    [
        path("bench/limit/requests/", speed_limit.limit_request_list),
        path("bench/limit/requests/create/", speed_limit.limit_request_create),
        path("bench/limit/requests/<uuid>/", speed_limit.limit_request),
        path("bench/limit/connections/", speed_limit.limit_connection_list),
        path(
            "bench/limit/outreach/<int:site_number>/connections", speed_limit.limit_change_request
        ),
        path(
            "bench/limit/outreach/<int:site_number>/individuals",
            speed_limit.limit_individual_search,
        ),
        path("bench/plain/requests/", plain_request_list),
        path("bench/dispatch/drf/", DispatchProbe.as_view()),
        path("bench/dispatch/plain/", plain_dispatch_probe),
        path("bench/plain/requests/create/", plain_request_create),
        path("bench/plain/requests/<uuid>/", plain_request),
        path("bench/plain/connections/", plain_connection_list),
        path("bench/ninja/", ninja_api.urls),
        path("bench/plain/outreach/<int:site_number>/individuals", plain_individual_search),
        path("bench/plain/outreach/<int:site_number>/connections", plain_change_request),
        *real_root.url_patterns,
    ]
)
