"""Requests/s of the connection-request list (the supplier API's hot read path).

    DATABASE_URL=sqlite:////tmp/bench_connections.sqlite3 \
        .venv/bin/python benchmarks/connections_list.py

One page of 50 requests with 5 integrations each, served in-process (no network) by:
  1. the real endpoint (DRF: knox token, throttle counter, filters, pagination, hand-built dicts);
  2. the same endpoint the stock way: prefetched Integration instances, nested ModelSerializers;
  3. a plain Django view running the same selector queries and the same dict builder.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_connections.sqlite3")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from knox.models import AuthToken  # noqa: E402
from rest_framework import mixins, serializers  # noqa: E402

from connections.api import serializers as output  # noqa: E402
from connections.api.views import ConnectionRequestViewSet  # noqa: E402
from connections.choices import ConnectionRequestStatus  # noqa: E402
from connections.models import ConnectionRequest, Integration  # noqa: E402
from connections.selectors import connection_requests_for, with_child_rows  # noqa: E402
from organizations.choices import OrganizationType  # noqa: E402
from organizations.models import Organization, OrganizationMembership  # noqa: E402

ROWS = 50
ROUNDS = 5
CALLS_PER_ROUND = 40


class IntegrationModelSerializer(serializers.ModelSerializer):
    record_uuid = serializers.UUIDField(source="uuid")
    feed_source_file_locations = serializers.CharField(source="file_locations")

    class Meta:
        model = Integration
        fields = [
            "record_uuid",
            "integration_type",
            "update_frequency",
            "feed_source_file_locations",
            "file_specs",
            "rules",
            "date_created",
        ]


class ConnectionRequestModelSerializer(serializers.ModelSerializer):
    """What a stock nested ModelSerializer version of the same output looks like."""

    record_uuid = serializers.UUIDField(source="uuid")
    org_name = serializers.CharField(source="counterpart_name")
    org_contact_full_name = serializers.CharField(source="contact_name")
    primary_contact_phone = serializers.CharField(source="contact_phone")
    primary_contact_email = serializers.CharField(source="contact_email")
    retailer_account_number = serializers.CharField(source="account_number")
    is_approved = serializers.BooleanField()
    approved_by = serializers.SerializerMethodField()
    integrations = IntegrationModelSerializer(many=True)
    uploaded_files = serializers.SerializerMethodField()

    class Meta:
        model = ConnectionRequest
        fields = [
            "record_uuid",
            "org_name",
            "org_contact_full_name",
            "primary_contact_phone",
            "primary_contact_email",
            "retailer_account_number",
            "additional_information",
            "request_date",
            "status",
            "is_approved",
            "approved_by",
            "integrations",
            "uploaded_files",
        ]

    def get_approved_by(self, obj):
        return output.account_manager_data(obj.decided_by) if obj.is_approved else None

    def get_uploaded_files(self, obj):
        return [
            {"name": upload.name, "uuid": str(upload.uuid)} for upload in obj.uploaded_files.all()
        ]


class ModelSerializerViewSet(ConnectionRequestViewSet):
    """The stock way: prefetch Integration instances, nested ModelSerializers, stock list()."""

    serializer_class = ConnectionRequestModelSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("integrations")

    def list(self, request):
        return mixins.ListModelMixin.list(self, request)


def plain_list(request):
    """The same queries and dicts without DRF: the floor for this endpoint."""
    queryset = connection_requests_for(request.user).exclude(
        status=ConnectionRequestStatus.WITHDRAWN
    )
    total = queryset.count()
    rows = with_child_rows(list(queryset[:50]))
    page = [output.connection_request_data(row) for row in rows]
    return JsonResponse(
        {"requests": page, "pagination": {"total_count": total, "start": 0, "limit": 50}}
    )


def prepare():
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-retailer")
    organization, _ = Organization.objects.get_or_create(
        name="Bench Retail", defaults={"org_type": OrganizationType.RETAILER}
    )
    OrganizationMembership.objects.get_or_create(user=user, defaults={"organization": organization})
    ConnectionRequest.objects.filter(requester=organization).delete()
    for index in range(ROWS):
        connection_request = ConnectionRequest.objects.create(
            requester=organization,
            counterpart_name=f"Supplier {index}",
            contact_name="Pat Contact",
            contact_email="pat@example.com",
            account_number=f"A-{index}",
        )
        Integration.objects.bulk_create(
            Integration(
                request=connection_request,
                integration_type="item",
                update_frequency="0 2 * * *",
                file_specs="CSV, one row per item",
            )
            for _ in range(5)
        )
    _, token = AuthToken.objects.create(user=user)
    return user, token


def rate(call) -> float:
    """Median requests/s over ROUNDS rounds of CALLS_PER_ROUND calls."""
    call()  # warm up
    rates = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            call()
        rates.append(CALLS_PER_ROUND / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    user, token = prepare()
    factory = RequestFactory()
    url = "/organizations/connections/request/"
    api_view = ConnectionRequestViewSet.as_view({"get": "list"})
    model_serializer_view = ModelSerializerViewSet.as_view({"get": "list"})

    def through(view):
        def call():
            response = view(factory.get(url, HTTP_AUTHORIZATION=f"Token {token}"))
            response.render()
            assert response.status_code == 200, response.content
            return response

        return call

    def plain():
        request = factory.get(url)
        request.user = user
        response = plain_list(request)
        assert response.status_code == 200
        return response

    import json

    api_body = json.loads(through(api_view)().content)
    assert json.loads(plain().content) == api_body
    assert json.loads(through(model_serializer_view)().content) == api_body

    with_throttle = rate(through(api_view))
    ConnectionRequestViewSet.throttle_classes = []
    ModelSerializerViewSet.throttle_classes = []
    api = rate(through(api_view))
    stock = rate(through(model_serializer_view))
    floor = rate(plain)
    print(f"page of {ROWS} requests x 5 integrations, {django.db.connection.vendor}")
    print(f"  endpoint (hand-built dicts), with throttle: {with_throttle:7.1f} req/s")
    print(f"  endpoint (hand-built dicts), no throttle:   {api:7.1f} req/s")
    print(f"  endpoint with nested ModelSerializers:      {stock:7.1f} req/s")
    print(f"  plain Django view, same queries and dicts:  {floor:7.1f} req/s")


if __name__ == "__main__":
    main()
