"""Mail preferences through the API (the supplier's Token API, the outreach app's Basic API)
and the one-click unsubscribe (no login: the signed link is the credential)."""

from django.core import signing
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.authentication import SUPPLIER_AUTHENTICATION
from connect_api.errors import NotFound
from connect_api.parsers import LimitedJSONParser
from notifications import selectors, services
from notifications.api import serializers as shapes
from notifications.choices import OUTREACH_KINDS, SUPPLIER_KINDS, MailKind
from notifications.mail import Unsubscribe
from outreach.api.views import OutreachView, outreach_schema
from outreach.parsers import OUTREACH_PARSERS


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
        responses={200: shapes.SupplierPreferencesSerializer},
    )
    def get(self, request):
        return Response(self._data(request))

    @extend_schema(
        tags=["notifications"],
        operation_id="notification_preferences_update",
        summary="Set the frequency of the kinds given (IMMEDIATELY, DAILY, WEEKLY or NEVER)",
        request=shapes.SupplierPreferencesSerializer,
        responses={200: shapes.SupplierPreferencesSerializer},
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
        responses={200: shapes.OutreachPreferencesSerializer},
    )
    def get(self, request, site_number):
        return Response(self._data(request))

    @outreach_schema(
        operation_id="outreach_notification_preferences_update",
        summary="Set the Frequency of the Kinds given",
        request=shapes.OutreachPreferencesSerializer,
        responses={200: shapes.OutreachPreferencesSerializer},
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
