"""The twins benchmarks/speed.py measures the endpoints against, mounted beside the real routes
(this module is the benchmark's ROOT_URLCONF, so every call crosses the same middleware).

- plain Django views: the same Token auth (one query), the same selectors and SQL, the same
  dict builders, `JsonResponse`; a hand-written check of the create body applying the same
  rules (required names, lengths, email, integration type, cron);
- django-ninja (detail and list): the same auth, SQL and dicts behind a NinjaAPI.
"""

import json

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.security import APIKeyHeader

from connect_api.authentication import TokenAuthentication
from connect_api.urls import urlpatterns as real_urlpatterns
from connections import selectors, services
from connections.api import serializers as shapes
from connections.choices import ConnectionRequestStatus, IntegrationType
from connections.cron import is_valid_cron
from organizations.selectors import active_organization_for


def token_user(request):
    """What the endpoints' TokenAuthentication does: `Token <key>` -> user, one query."""
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    if keyword != "Token" or not key:
        return None
    user, _ = TokenAuthentication().authenticate_credentials(key.encode())
    return user


def unauthorized():
    return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)


def request_list_page(user, *, start: int = 0, limit: int = 50) -> dict:
    queryset = selectors.connection_requests_for(user).exclude(
        status=ConnectionRequestStatus.WITHDRAWN
    )
    total = queryset.count()
    rows = selectors.with_integration_rows(list(queryset[start : start + limit]))
    return {
        "requests": [shapes.connection_request_data(row) for row in rows],
        "pagination": {"total_count": total, "start": start, "limit": limit},
    }


def request_detail(user, uuid) -> dict | None:
    found = list(selectors.connection_requests_for(user).filter(uuid=uuid))
    if not found:
        return None
    (connection_request,) = selectors.with_integration_rows(found)
    return shapes.connection_request_data(connection_request)


def plain_request_list(request):
    user = token_user(request)
    if user is None:
        return unauthorized()
    return JsonResponse(request_list_page(user))


def plain_request_detail(request, uuid):
    user = token_user(request)
    if user is None:
        return unauthorized()
    body = request_detail(user, uuid)
    if body is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    return JsonResponse(body)


def plain_connection_list(request):
    user = token_user(request)
    if user is None:
        return unauthorized()
    rows = selectors.connections_for(user)
    return JsonResponse([shapes.connection_data(row) for row in rows], safe=False)


REQUIRED = {"organization_name": "counterpart_name", "primary_contact_name": "contact_name"}
OPTIONAL = {
    "primary_contact_phone": "contact_phone",
    "primary_contact_email": "contact_email",
    "organization_account_number": "account_number",
    "additional_information": "additional_information",
}


@csrf_exempt
def plain_request_create(request):
    """The create body checked by hand (types, required fields, integration types)."""
    user = token_user(request)
    if user is None:
        return unauthorized()
    organization = active_organization_for(user, to="request connections")
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "Malformed JSON."}, status=400)
    errors, data = {}, {}
    for name, field in {**REQUIRED, **OPTIONAL}.items():
        value = body.get(name)
        if value is None:
            if name in REQUIRED:
                errors[name] = ["This field is required."]
            continue
        if not isinstance(value, str) or len(value) > 200:
            errors[name] = ["Not a valid string."]
            continue
        data[field] = value
    if data.get("contact_email"):
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors["primary_contact_email"] = ["Enter a valid email address."]
    integrations = []
    for item in body.get("integrations", []):
        kind = IntegrationType.from_spelling(item.get("type"))
        frequency = str(item.get("update_frequency", ""))
        if kind is None or (frequency and not is_valid_cron(frequency)):
            errors["integrations"] = ["Unknown type or not a cron expression."]
            break
        integrations.append(
            {
                "integration_type": kind,
                "update_frequency": frequency.strip(),
                "file_specs": str(item.get("file_specs", "")),
            }
        )
    if errors:
        return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=400)
    data["integrations"] = integrations
    with transaction.atomic():
        created = services.connection_request_create(
            organization=organization, user=user, data=data
        )
    return JsonResponse(
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
        return JsonResponse({"detail": "Not found."}, status=404)
    organization = active_organization_for(user, to="change connection requests")
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "Malformed JSON."}, status=400)
    data, errors = {}, {}
    for name, value in body.items():
        field = {**REQUIRED, **OPTIONAL}.get(name)
        if field is None or not isinstance(value, str) or len(value) > 200:
            errors[name] = ["Not a valid field or value."]
        else:
            data[field] = value
    if errors:
        return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=400)
    with transaction.atomic():
        services.connection_request_update(
            connection_request=connection_request, organization=organization, data=data
        )
    return HttpResponse(status=204)


@csrf_exempt
def plain_request(request, uuid):
    return (
        plain_request_patch(request, uuid)
        if request.method == "PATCH"
        else (plain_request_detail(request, uuid))
    )


class KnoxToken(APIKeyHeader):
    param_name = "Authorization"

    def authenticate(self, request, key):
        return token_user(request)


ninja_api = NinjaAPI(urls_namespace="bench-ninja", auth=KnoxToken(), docs_url=None)


@ninja_api.get("/requests/")
def ninja_request_list(request):
    return request_list_page(request.auth)


@ninja_api.get("/requests/{uuid}/")
def ninja_request_detail(request, uuid: str):
    body = request_detail(request.auth, uuid)
    if body is None:
        return ninja_api.create_response(request, {"detail": "Not found."}, status=404)
    return body


urlpatterns = [
    path("bench/plain/requests/", plain_request_list),
    path("bench/plain/requests/create/", plain_request_create),
    path("bench/plain/requests/<uuid>/", plain_request),
    path("bench/plain/connections/", plain_connection_list),
    path("bench/ninja/", ninja_api.urls),
    *real_urlpatterns,
]
