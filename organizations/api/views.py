from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics

from connect_api.authentication import SUPPLIER_AUTHENTICATION
from connect_api.errors import Conflict
from connect_api.idempotency import IdempotentMixin
from connect_api.pagination import StartLimitPagination
from connect_api.parsers import LimitedJSONParser
from connect_api.views import TokenObtainView
from organizations import selectors
from organizations.api import serializers as shapes
from organizations.choices import OrganizationType

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class SupplierApiMixin(IdempotentMixin):
    """What every supplier-API view shares (organizations, connections and uploads): token
    authentication first, JSON bodies, uuid lookups, Idempotency-Key on POST and PATCH."""

    authentication_classes = SUPPLIER_AUTHENTICATION
    parser_classes = [LimitedJSONParser]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN


class UserLoginView(TokenObtainView):
    """The platform's documented login: username and password in, an ordinary token (the
    same as /api/token/ issues: expiring, revocable, counted by the lockout) and the
    caller's organization and permissions out.

    It reads no credentials from headers: the docs' snippets send `Authorization: Basic Og==`
    (an empty username and password) beside the body."""

    parser_classes = [LimitedJSONParser]

    @extend_schema(
        summary="Log in (the platform's documented login): a token and the organization",
        request=shapes.UserLoginInputSerializer,
        responses={
            200: shapes.UserLoginOutputSerializer,
            400: OpenApiResponse(description="username or password missing."),
            401: OpenApiResponse(description="Wrong username or password."),
            409: OpenApiResponse(description="Not a member of an active organization."),
            429: OpenApiResponse(description="Locked out (too many failures); Retry-After."),
        },
        auth=[],
    )
    def post(self, request, format=None):
        return super().post(request, format=format)

    def create_token(self):
        """Only for a member of an active organization (409 before any token exists)."""
        self.membership = selectors.login_membership_for(self.request.user)
        return super().create_token()

    def get_post_response_data(self, request, token, instance):
        return shapes.user_login_data(
            token=token,
            membership=self.membership,
            assignments=selectors.permission_assignments_for(self.membership),
        )


class DiscoveryView(SupplierApiMixin, generics.GenericAPIView):
    """Organizations of `kind` a member of the other kind can discover (POST, the filters
    and paging in the JSON body as the docs send them). Two queries: count and page."""

    kind: OrganizationType
    serializer_class = shapes.DiscoveryItemOutputSerializer

    def post(self, request):
        organization = selectors.active_organization_for(
            request.user, to=f"discover {self.kind.label.lower()}s"
        )
        if organization.org_type == self.kind:
            raise Conflict(
                f"A {organization.get_org_type_display().lower()} cannot discover "
                f"{self.kind.label.lower()}s.",
                code="wrong_organization_type",
            )
        body = shapes.DiscoveryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        query = body.validated_data
        sort = query.get("sort") or {"key": "name", "dir": "asc"}
        organizations = selectors.discoverable_organizations(
            kind=self.kind,
            initial_character=query.get("initial_character"),
            recent_days=query.get("recent"),
            sort_key=sort["key"],
            descending=sort["dir"] == "desc",
        )
        page = self.paginate_queryset(organizations)
        return self.get_paginated_response([shapes.discovery_item_data(row) for row in page])


class SupplierDiscoveryView(DiscoveryView):
    kind = OrganizationType.SUPPLIER
    pagination_class = StartLimitPagination.keyed("suppliers")

    @extend_schema(
        summary="Discover suppliers (a retailer's call; a supplier gets 409)",
        request=shapes.DiscoveryInputSerializer,
        responses={
            200: shapes.SupplierDiscoveryOutputSerializer,
            400: OpenApiResponse(description="A filter, sort or paging value is invalid."),
            409: OpenApiResponse(description="Not a member of an active retailer."),
        },
    )
    def post(self, request):
        return super().post(request)
