"""Mail preferences through the API (the supplier's Token API, the outreach app's Basic API)
and the one-click unsubscribe (no login: the signed link is the credential)."""

import uuid

from django.core import signing
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.api.outputs import schema_serializer
from connect_api.api.pagination import BareListPagination
from connect_api.api.parsers import OUTREACH_PARSERS, LimitedJSONParser
from connect_api.api.schema import outreach_schema
from connect_api.api.views import OutreachView
from connect_api.authentication import SUPPLIER_AUTHENTICATION
from connect_api.errors import NotFound, PermissionDenied
from connect_api.models import Event
from notifications import selectors, services
from notifications.api import serializers as shapes
from notifications.choices import OUTREACH_KINDS, SUPPLIER_KINDS, MailKind
from notifications.mail import Unsubscribe
from organizations.models import OrganizationMembership
from organizations.permissions import HoldsCatalogPermission, holds
from organizations.selectors import member_get


class SupplierPreferencesView(APIView):
    """`/organizations/notifications/preferences`: the caller's supplier mail preferences."""

    authentication_classes = SUPPLIER_AUTHENTICATION
    parser_classes = [LimitedJSONParser]

    def _data(self, request):
        return shapes.supplier_preferences_data(
            selectors.preferences_for(request.user, kinds=SUPPLIER_KINDS)
        )

    @extend_schema(
        tags=["notifications"],
        operation_id="notification_preferences",
        summary="Your mail preferences: how often you hear about each kind of notice",
        responses={200: schema_serializer(shapes.SupplierPreferences)},
    )
    def get(self, request):
        return Response(self._data(request))

    @extend_schema(
        tags=["notifications"],
        operation_id="notification_preferences_update",
        summary="Set the frequency of the kinds given (IMMEDIATELY, DAILY, WEEKLY or NEVER)",
        request=shapes.SupplierPreferencesSerializer,
        responses={200: schema_serializer(shapes.SupplierPreferences)},
    )
    def put(self, request):
        body = shapes.SupplierPreferencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.preferences_set(
            user=request.user, site=None, frequencies=body.validated_data["preferences"]
        )
        return Response(self._data(request))


class OutreachPreferencesView(OutreachView):
    """`<site>/account/notifications`: the caller's mail preferences at the site."""

    parser_classes = OUTREACH_PARSERS

    def _data(self, request):
        return shapes.outreach_preferences_data(
            selectors.preferences_for(request.user, kinds=OUTREACH_KINDS, site=request.site)
        )

    @outreach_schema(
        operation_id="outreach_notification_preferences",
        summary="Your mail preferences at the site (Immediately, Daily, Weekly or Never)",
        responses={200: schema_serializer(shapes.OutreachPreferences)},
    )
    def get(self, request, site_number):
        return Response(self._data(request))

    @outreach_schema(
        operation_id="outreach_notification_preferences_update",
        summary="Set the Frequency of the Kinds given",
        request=shapes.OutreachPreferencesSerializer,
        responses={200: schema_serializer(shapes.OutreachPreferences)},
    )
    def put(self, request, site_number):
        body = shapes.OutreachPreferencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.preferences_set(
            user=request.user, site=request.site, frequencies=body.validated_data["Notifications"]
        )
        return Response(self._data(request))


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The link in every mail: GET shows a one-button page (link scanners do not unsubscribe
    anyone), POST unsubscribes: the page's button and RFC 8058's one-click POST
    (`List-Unsubscribe=One-Click`) from the mail client. No login, no CSRF token: the signed
    link is the credential."""

    template = "notifications/unsubscribe.html"

    def get(self, request, token):
        try:
            unsubscribe = Unsubscribe.from_token(token)
        except signing.BadSignature:
            return self._page(request, status=404, invalid=True)
        return self._page(request, kind=unsubscribe.kind)

    def post(self, request, token):
        try:
            unsubscribe = services.unsubscribe_apply(token=token)
        except NotFound:
            return self._page(request, status=404, invalid=True)
        return self._page(request, kind=unsubscribe.kind, done=True)

    def _page(self, request, *, status=200, **context):
        if "kind" in context:
            context["kind_label"] = MailKind(context["kind"]).label
        html = render_to_string(self.template, context, request=request)
        return HttpResponse(html, status=status)


class DashboardNotificationsView(generics.GenericAPIView):
    """`notifications/`: the caller's dashboard notifications, newest first (the events their
    organization's users are told about since they joined), paged by `start`/`limit`. The
    docs' clients send `{"user_uuid": ...}`: another member's feed needs view_org_users."""

    authentication_classes = SUPPLIER_AUTHENTICATION
    parser_classes = [LimitedJSONParser]
    pagination_class = BareListPagination
    queryset = Event.objects.none()  # the schema's model; the view uses a selector
    serializer_class = schema_serializer(shapes.DashboardNotification)

    @extend_schema(
        tags=["notifications"],
        operation_id="dashboard_notifications",
        summary="Your dashboard notifications, newest first (the total in X-Total-Count)",
        parameters=[
            OpenApiParameter("start", int, required=False),
            OpenApiParameter("limit", int, required=False),
        ],
        responses={200: schema_serializer(shapes.DashboardNotification)(many=True)},
    )
    def get(self, request):
        membership = self._membership(request)
        events = selectors.dashboard_events_for(
            membership.organization_id if membership else None,
            since=membership.created_date if membership else None,
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response([shapes.dashboard_notification_data(e) for e in page])

    def _membership(self, request):
        body = request.data if request.stream is not None else {}
        wanted = body.get("user_uuid") if isinstance(body, dict) else None
        own = OrganizationMembership.objects.filter(user_id=request.user.pk).first()
        if wanted in (None, "") or (own and str(own.uuid) == str(wanted)):
            return own
        if not holds(request.user, "view_org_users"):
            raise PermissionDenied(
                "You need the 'view_org_users' permission to read another user's notifications.",
                code="missing_permission",
                errors={"user_uuid": ["Not your own user."]},
            )
        try:
            return member_get(request.user, uuid=uuid.UUID(str(wanted)))
        except ValueError:
            raise ValidationError({"user_uuid": ["Must be a valid UUID."]}) from None


class NotificationSettingsView(APIView):
    """`notifications/notification-settings/`: the caller's settings of each kind of notice,
    in the docs' spelling of the one preference store (`organizations/notifications/
    preferences` is the other spelling). Reading needs view_notifications_settings, changing
    edit_email_notifications_preferences."""

    authentication_classes = SUPPLIER_AUTHENTICATION
    parser_classes = [LimitedJSONParser]
    permission_classes = [IsAuthenticated, HoldsCatalogPermission]
    required_permissions = {
        "GET": "view_notifications_settings",
        "PUT": "edit_email_notifications_preferences",
    }

    @staticmethod
    def _org_user_uuid(request):
        return (
            OrganizationMembership.objects.filter(user_id=request.user.pk)
            .values_list("uuid", flat=True)
            .first()
        )

    @extend_schema(
        tags=["notifications"],
        operation_id="notification_settings",
        summary="Your notification settings (needs view_notifications_settings)",
        responses={200: schema_serializer(shapes.NotificationSetting)(many=True)},
    )
    def get(self, request):
        org_user = self._org_user_uuid(request)
        frequencies = selectors.preferences_for(request.user, kinds=SUPPLIER_KINDS)
        return Response(
            [
                shapes.notification_setting_data(kind, frequency, org_user)
                for kind, frequency in frequencies.items()
            ]
        )

    @extend_schema(
        tags=["notifications"],
        operation_id="notification_settings_update",
        summary="Change one notification setting (needs edit_email_notifications_preferences)",
        request=shapes.NotificationSettingInputSerializer,
        responses={200: schema_serializer(shapes.NotificationSetting)},
    )
    def put(self, request):
        body = shapes.NotificationSettingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind, frequency = body.validated_data["kind"], body.validated_data["frequency"]
        services.preferences_set(user=request.user, site=None, frequencies={kind: frequency})
        return Response(
            shapes.notification_setting_data(kind, frequency, self._org_user_uuid(request))
        )
