"""The base view of each API: what every supplier view and every outreach view shares."""

from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from connect_api.api.converters import UUID_PATTERN
from connect_api.api.dispatch import ReusedPolicies
from connect_api.api.parsers import LimitedJSONParser
from connect_api.authentication import OUTREACH_AUTHENTICATION, SUPPLIER_AUTHENTICATION
from connect_api.idempotency import IdempotentMixin
from outreach import permissions as outreach_permissions


class SupplierApiMixin(IdempotentMixin, ReusedPolicies):
    """What every supplier-API view shares (organizations, connections and uploads): token
    authentication first, JSON bodies, uuid lookups, Idempotency-Key on POST and PATCH."""

    authentication_classes = SUPPLIER_AUTHENTICATION
    parser_classes = [LimitedJSONParser]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN


class OutreachApiMixin(IdempotentMixin, ReusedPolicies):
    """What every outreach view shares (the app's calls and the review viewsets): Basic first,
    site membership resolved (404 without), Idempotency-Key on POST."""

    authentication_classes = OUTREACH_AUTHENTICATION
    permission_classes = [IsAuthenticated, *outreach_permissions.OUTREACH_PERMISSIONS]


class OutreachView(OutreachApiMixin, APIView):
    """Base of the outreach views that are no viewset."""
