"""Requests/s of the outreach change-request endpoints, served in-process (no network).

    DATABASE_URL=sqlite:////tmp/bench_changerequests.sqlite3 \
        .venv/bin/python benchmarks/change_requests_list.py

  1. `GET <site>/changerequests?limit=100` (100 rows, hand-built dicts: the real view);
  2. the same page the stock way (nested ModelSerializers for the users and the connection);
     both views called directly (auth, permissions, throttle, pagination, JSON rendering);
  3. `POST <site>/connections` with seed 004's body (validation, checks, number issuance);
  4. `POST <site>/changerequests/<id>/apply` of a pending add (locks, new connection, history).
Basic credentials are cached after the first call, as for the mobile app.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_changerequests.sqlite3")
os.environ.setdefault("THROTTLE_USER", "100000/min")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from outreach.api.views import ChangeRequestViewSet  # noqa: E402
from outreach.choices import ChangeRequestKind, Right, SecurityRole  # noqa: E402
from outreach.models import (  # noqa: E402
    ChangeRequest,
    Connection,
    ConnectionType,
    ConnectionTypeRight,
    Individual,
    Site,
    SiteMembership,
    Team,
)
from outreach.payload import ChangeRequestPayload  # noqa: E402
from outreach.services import change_request_submit  # noqa: E402
from tests.conftest import basic_header  # noqa: E402
from tests.seeds import OUTREACH_SEED_BODY  # noqa: E402

SITE_NUMBER = 777
BASE = f"/api_accessacs_mobile/v2/{SITE_NUMBER}"
ROWS = 100
ROUNDS = 5
CALLS_PER_ROUND = 30


class UserNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["username"]


class ConnectionNumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connection
        fields = ["number", "version"]


class ChangeRequestModelSerializer(serializers.ModelSerializer):
    submitted_by = UserNameSerializer()
    reviewed_by = UserNameSerializer(allow_null=True)
    connection = ConnectionNumberSerializer(allow_null=True)
    request = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "number",
            "kind",
            "status",
            "connection",
            "base_version",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_message",
            "failure_reason",
            "request",
        ]

    def get_request(self, change_request):
        return ChangeRequestPayload.of(change_request).to_wire()


class StockChangeRequestViewSet(ChangeRequestViewSet):
    def list(self, request, site_number):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChangeRequestModelSerializer(page, many=True).data)


def setup() -> tuple[SiteMembership, SiteMembership]:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    site, _ = Site.objects.get_or_create(number=SITE_NUMBER, defaults={"name": "Bench"})
    ChangeRequest.objects.filter(site=site).delete()
    Connection.objects.filter(site=site).delete()
    connection_type, _ = ConnectionType.objects.get_or_create(
        site=site, number=1, defaults={"description": "Guest"}
    )
    contact, _ = Individual.objects.get_or_create(site=site, number=76)
    Team.objects.get_or_create(site=site, number=1, defaults={"name": "Care"})
    users = get_user_model().objects
    caller_user, _ = users.get_or_create(username="bench_caller")
    admin_user, _ = users.get_or_create(username="bench_admin")
    for user in (caller_user, admin_user):
        user.set_password("password")
        user.save()
    caller, _ = SiteMembership.objects.get_or_create(
        user=caller_user,
        site=site,
        defaults={
            "create_change_request": Right.GRANTED,
            "locate_person": Right.GRANTED,
            "view_add_comments": Right.GRANTED,
        },
    )
    ConnectionTypeRight.objects.get_or_create(
        membership=caller, connection_type=connection_type, defaults={"right": Right.GRANTED}
    )
    admin, _ = SiteMembership.objects.get_or_create(
        user=admin_user, site=site, defaults={"security_role": SecurityRole.ADMINISTRATOR}
    )
    connection = Connection.objects.create(
        site=site, number=1, connection_type=connection_type, contact=contact
    )
    for index in range(ROWS):
        payload = ChangeRequestPayload(
            connection_id=1,
            complete=False,
            reassign=False,
            connection_date=connection.created.date(),
            comment=f"call {index}",
            response_ids=(),
        )
        change_request_submit(membership=caller, payload=payload)
    return caller, admin


def client_for(membership: SiteMembership) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header(membership.user.username, "password"))
    return client


def rate(call) -> float:
    call()  # warm: credential cache, connection
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            call()
        rounds.append(CALLS_PER_ROUND / (time.perf_counter() - started))
    return statistics.median(rounds)


def main() -> None:
    caller, admin = setup()
    admin_client, caller_client = client_for(admin), client_for(caller)
    list_url = f"{BASE}/changerequests?limit={ROWS}"

    def list_through(view):
        def call():
            request = RequestFactory().get(
                list_url, HTTP_AUTHORIZATION=basic_header(admin.user.username, "password")
            )
            response = view(request, site_number=str(SITE_NUMBER))
            response.render()
            assert response.status_code == 200 and len(response.data["ChangeRequests"]) == ROWS

        return call

    real_list = list_through(ChangeRequestViewSet.as_view({"get": "list"}))
    stock_list = list_through(StockChangeRequestViewSet.as_view({"get": "list"}))

    def submit():
        response = caller_client.post(
            f"{BASE}/connections", json.dumps(OUTREACH_SEED_BODY), content_type="application/json"
        )
        assert response.status_code == 200

    print(f"list, {ROWS} rows, hand-built dicts: {rate(real_list):7.1f} req/s")
    print(f"list, {ROWS} rows, ModelSerializers: {rate(stock_list):7.1f} req/s")
    print(f"POST connections (seed body):       {rate(submit):7.1f} req/s")

    pending = iter(
        ChangeRequest.objects.filter(site=admin.site, kind=ChangeRequestKind.ADD)
        .order_by("number")
        .values_list("number", flat=True)
    )

    def apply():
        response = admin_client.post(f"{BASE}/changerequests/{next(pending)}/apply")
        assert response.status_code == 200, response.content

    print(f"POST changerequests/<id>/apply:     {rate(apply):7.1f} req/s")


if __name__ == "__main__":
    main()
