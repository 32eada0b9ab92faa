from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from connect_api.api.outputs import schema_serializer
from connect_api.api.pagination import StartLimitPagination
from connect_api.api.parsers import LimitedJSONParser
from connect_api.api.views import SupplierApiMixin
from connect_api.clientip import client_ip
from connect_api.errors import Conflict, NotFound
from connect_api.views import TokenObtainView
from organizations import selectors, services
from organizations.api import serializers as shapes
from organizations.choices import OrganizationType
from organizations.models import OrganizationMembership, Permission
from organizations.permissions import HoldsCatalogPermission


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
            200: schema_serializer(shapes.UserLoginOutput),
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
    serializer_class = schema_serializer(shapes.DiscoveryItemOutput)

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
            200: schema_serializer(shapes.SupplierDiscoveryOutput),
            400: OpenApiResponse(description="A filter, sort or paging value is invalid."),
            409: OpenApiResponse(description="Not a member of an active retailer."),
        },
    )
    def post(self, request):
        return super().post(request)


def _documented(summary: str, *, request=None, ok=None, status: int = 200, **errors):
    """The schema of one documented call: its answer and the errors it can give."""
    responses = {status: ok}
    for code, text in errors.items():
        responses[int(code.removeprefix("e"))] = OpenApiResponse(description=text)
    return extend_schema(summary=summary, request=request, responses=responses)


class OrganizationDetailView(SupplierApiMixin, generics.GenericAPIView):
    """`organizations/`: the caller's organization and its account manager."""

    serializer_class = schema_serializer(shapes.OrganizationOutput)

    @_documented(
        "Your organization: name, kind, status, dates and account manager",
        ok=schema_serializer(shapes.OrganizationOutput),
        e409="Staff users and users without an organization have none.",
    )
    def get(self, request):
        organization = selectors.organization_details_for(request.user)
        return Response(shapes.organization_data(organization))


class MembersApiMixin(SupplierApiMixin):
    queryset = OrganizationMembership.objects.none()  # the schema's model; views use selectors
    pagination_class = None  # the docs answer the users as one bare list
    permission_classes = [IsAuthenticated, HoldsCatalogPermission]
    serializer_class = schema_serializer(shapes.UserOutput)


class UserListView(MembersApiMixin, generics.GenericAPIView):
    """`organizations/users/all/`: every user of the caller's organization (needs
    view_org_users). Four queries for any number of users."""

    required_permissions = {"GET": "view_org_users"}

    @_documented(
        "All users of your organization with their permissions (needs view_org_users)",
        ok=schema_serializer(shapes.UserOutput)(many=True),
        e403="You do not hold view_org_users.",
    )
    def get(self, request):
        catalog = selectors.permission_catalog()
        members = selectors.members_for(request.user)
        return Response([shapes.user_data(member, catalog) for member in members])


class UserDetailView(MembersApiMixin, generics.GenericAPIView):
    required_permissions = {"GET": "view_org_users"}

    @_documented(
        "One user of your organization (needs view_org_users)",
        ok=schema_serializer(shapes.UserOutput),
        e403="You do not hold view_org_users.",
        e404="No such user in your organization.",
    )
    def get(self, request, user_uuid):
        member = selectors.member_get(request.user, uuid=user_uuid)
        return Response(shapes.user_data(member, selectors.permission_catalog()))


class UserPermissionsView(MembersApiMixin, generics.GenericAPIView):
    """`organizations/users/permissions/<user-uuid>/`: read (view_org_users), add (PATCH) and
    remove (DELETE) a user's permissions (edit_org_users). PATCH and DELETE answer the user's
    assignments after the change."""

    required_permissions = {
        "GET": "view_org_users",
        "PATCH": "edit_org_users",
        "DELETE": "edit_org_users",
    }
    serializer_class = schema_serializer(shapes.PermissionAssignmentsOutput)

    def _answer(self, user_uuid):
        member = selectors.member_get(self.request.user, uuid=user_uuid)
        return Response(shapes.permission_assignments_data(member, selectors.permission_catalog()))

    def _permission_uuids(self, request) -> list:
        body = shapes.PermissionUuidsInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["permission_uuids"]

    @_documented(
        "A user's permission assignments (needs view_org_users)",
        ok=schema_serializer(shapes.PermissionAssignmentsOutput),
        e403="You do not hold view_org_users.",
        e404="No such user in your organization.",
    )
    def get(self, request, user_uuid):
        return self._answer(user_uuid)

    @_documented(
        "Give a user permissions (needs edit_org_users)",
        request=shapes.PermissionUuidsInputSerializer,
        ok=schema_serializer(shapes.PermissionAssignmentsOutput),
        e400="A uuid is unknown or the permission is not for your kind of organization.",
        e403="You do not hold edit_org_users.",
        e404="No such user in your organization.",
    )
    def patch(self, request, user_uuid):
        member = selectors.member_get(request.user, uuid=user_uuid)
        services.membership_permissions_add(
            membership=member, permission_uuids=self._permission_uuids(request)
        )
        return self._answer(user_uuid)

    @_documented(
        "Take permissions from a user (needs edit_org_users)",
        request=shapes.PermissionUuidsInputSerializer,
        ok=schema_serializer(shapes.PermissionAssignmentsOutput),
        e400="A uuid is unknown or the permission is not for your kind of organization.",
        e403="You do not hold edit_org_users.",
        e404="No such user in your organization.",
        e409="It would leave the organization with nobody holding edit_org_users.",
    )
    def delete(self, request, user_uuid):
        member = selectors.member_get(request.user, uuid=user_uuid)
        services.membership_permissions_remove(
            membership=member, permission_uuids=self._permission_uuids(request)
        )
        return self._answer(user_uuid)


class UserInviteView(MembersApiMixin, generics.GenericAPIView):
    """`organizations/users/invite/`: invite a colleague by e-mail (needs edit_org_users);
    the worker mails them a one-time link valid for two hours."""

    required_permissions = {"POST": "edit_org_users"}

    @_documented(
        "Invite a colleague into your organization (needs edit_org_users)",
        request=shapes.InvitationInputSerializer,
        ok=schema_serializer(shapes.UserOutput),
        status=201,
        e400="A field is invalid or a permission is not for your kind of organization.",
        e403="You do not hold edit_org_users.",
        e409="The address already has an account, or you have no active organization.",
    )
    def post(self, request):
        organization = selectors.active_organization_for(request.user, to="invite users")
        body = shapes.InvitationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            organization=organization, invited_by=request.user, **body.validated_data
        )
        member = selectors.member_get(request.user, uuid=invitation.membership.uuid)
        return Response(shapes.user_data(member, selectors.permission_catalog()), status=201)


class PermissionCatalogView(SupplierApiMixin, generics.GenericAPIView):
    """`organizations/all_permissions/`: the permissions a member of the caller's kind of
    organization can hold (staff: the whole catalog). Needs view_org_users."""

    permission_classes = [IsAuthenticated, HoldsCatalogPermission]
    required_permissions = {"GET": "view_org_users"}
    serializer_class = schema_serializer(shapes.PermissionOutput)
    queryset = Permission.objects.none()  # the schema's model
    pagination_class = None  # the whole catalog, a bare list

    @_documented(
        "Every permission your kind of organization can assign (needs view_org_users)",
        ok=schema_serializer(shapes.PermissionOutput)(many=True),
        e403="You do not hold view_org_users.",
    )
    def get(self, request):
        organization = selectors.organization_for(request.user)
        catalog = selectors.applicable(
            selectors.permission_catalog(), organization.org_type if organization else None
        )
        return Response([shapes.permission_data(p) for p in catalog])


class PublicApiMixin:
    """Calls made before logging in (the docs send no or an empty Authorization): no
    authentication, JSON bodies, the anonymous throttle."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [LimitedJSONParser]


class ResetPasswordView(PublicApiMixin, generics.GenericAPIView):
    serializer_class = schema_serializer(shapes.ResetPasswordOutput)

    @_documented(
        "Ask for a password reset mail (the same answer whether the address is known or not)",
        request=shapes.ResetPasswordInputSerializer,
        ok=schema_serializer(shapes.ResetPasswordOutput),
        e400="email missing.",
        e429="Too many resets asked for this address or from this client; Retry-After.",
    )
    def post(self, request):
        body = shapes.ResetPasswordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.password_reset_request(
            email=body.validated_data["email"], address=client_ip(request)
        )
        return Response(shapes.reset_password_data())


class CompletePasswordView(PublicApiMixin, generics.GenericAPIView):
    serializer_class = shapes.CompletePasswordInputSerializer

    @extend_schema(
        summary="Check a password reset token (`?token=`)",
        parameters=[OpenApiParameter("token", str, required=True)],
        responses={
            204: OpenApiResponse(description="The token is valid."),
            400: OpenApiResponse(description="token missing."),
            404: OpenApiResponse(description="The token is invalid, used or expired."),
        },
    )
    def get(self, request):
        query = shapes.ResetTokenQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if services.reset_token_user(query.validated_data["token"]) is None:
            raise NotFound("This reset token is invalid, used or expired.", code="invalid_token")
        return Response(status=204)

    @extend_schema(
        summary="Set the new password with the mailed reset token",
        request=shapes.CompletePasswordInputSerializer,
        responses={
            204: OpenApiResponse(description="The password is set; every API token revoked."),
            400: OpenApiResponse(description="token or password missing, or password weak."),
            404: OpenApiResponse(description="The token is invalid, used or expired."),
        },
    )
    def post(self, request):
        body = shapes.CompletePasswordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.password_reset_complete(**body.validated_data)
        return Response(status=204)


class AcceptInviteView(PublicApiMixin, generics.GenericAPIView):
    serializer_class = schema_serializer(shapes.InvitationValidOutput)

    @extend_schema(
        summary="Check an invitation token (an expired one: 201, a new mail is sent)",
        responses={
            200: schema_serializer(shapes.InvitationValidOutput),
            201: schema_serializer(shapes.InvitationValidOutput),
            404: OpenApiResponse(description="The token is invalid or was used."),
        },
    )
    def get(self, request, token):
        invitation = services.invitation_by_token(token)
        if invitation.expires is None or invitation.expires <= timezone.now():
            services.invitation_renew(invitation=invitation)
            return Response(shapes.invitation_valid_data(invitation.email, None), status=201)
        return Response(shapes.invitation_valid_data(invitation.email, token))

    @extend_schema(
        summary="Accept an invitation: set the password, the account becomes active",
        request=shapes.PasswordInputSerializer,
        responses={
            204: OpenApiResponse(description="The invitation was completed."),
            400: OpenApiResponse(description="password missing or weak."),
            404: OpenApiResponse(description="The token is invalid, used or expired."),
        },
    )
    def post(self, request, token):
        body = shapes.PasswordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.invitation_accept(token=token, password=body.validated_data["password"])
        return Response(status=204)


class DiscoveryParticipationView(SupplierApiMixin, generics.GenericAPIView):
    """`discovery/participation/<org_uuid>/`: a supplier's place in the discovery catalog,
    read and set by platform staff (account managers) only."""

    permission_classes = [IsAdminUser]
    serializer_class = schema_serializer(shapes.ParticipationOutput)

    @_documented(
        "A supplier's discovery participation (staff only)",
        ok=schema_serializer(shapes.ParticipationOutput),
        e403="Not platform staff.",
        e404="No such organization.",
    )
    def get(self, request, org_uuid):
        return Response(
            shapes.participation_data(selectors.organization_get(request.user, uuid=org_uuid))
        )

    @extend_schema(
        summary="List a supplier in the discovery catalog or take it out (staff only)",
        request=shapes.ParticipationInputSerializer,
        responses={
            204: OpenApiResponse(description="Saved."),
            400: OpenApiResponse(description="A field is invalid."),
            403: OpenApiResponse(description="Not platform staff."),
            404: OpenApiResponse(description="No such organization."),
            409: OpenApiResponse(description="The organization is a retailer."),
        },
    )
    def post(self, request, org_uuid):
        organization = selectors.organization_get(request.user, uuid=org_uuid)
        body = shapes.ParticipationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.discovery_participation_set(
            organization=organization,
            is_participating=body.validated_data["is_participating"],
            catalog_uuid=body.validated_data.get("discovery_catalog_uuid"),
            approver=request.user,
        )
        return Response(status=204)
