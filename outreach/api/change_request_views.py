"""The mobile app's change-request POST and the Administrators' review endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from connect_api.pagination import StartLimitPagination
from outreach import selectors, services
from outreach.api import change_request_serializers as s
from outreach.api.views import OutreachView, outreach_schema
from outreach.parsers import OUTREACH_PARSERS

SEED_BODY = {
    "ConnectionId": -1,
    "Complete": False,
    "ConnectionDate": "06/05/2015",
    "ConnectionTypeId": 1,
    "FamilyConnection": False,
    "ContactIndvId": 76,
    "OpenCategoryId": 1,
    "Reassign": False,
    "NewCallerIndvId": -1,
    "NewTeamId": 1,
    "Comment": "Test",
    "ResponseIdList": [-1],
}

CHANGE_REQUEST_ID = OpenApiParameter("ConnectionCRId", OpenApiTypes.INT, OpenApiParameter.PATH)


class ChangeRequestGate(BasePermission):
    """The rights to submit any change request, checked before the body is read (403 names
    each missing right)."""

    def has_permission(self, request, view):
        services.change_request_gate_check(membership=request.membership)
        return True


class SiteAdministrator(BasePermission):
    """The review endpoints: the site's Administrators only."""

    def has_permission(self, request, view):
        services.change_request_review_check(membership=request.membership)
        return True


class ConnectionChangeRequestView(OutreachView):
    permission_classes = [*OutreachView.permission_classes, ChangeRequestGate]
    parser_classes = OUTREACH_PARSERS

    @outreach_schema(
        operation_id="outreach_connection_change_request",
        summary="Post a connection change request (add, complete, modify or reassign)",
        description=(
            "Seed 004. Checks in this order: membership (404), the rights gate (403), the "
            "body (400), ConnectionId in the site (404), rights on the type and "
            "ReassignConnection for a reassign (403), the other ids in the site (400). The "
            "vendor app's `Content-Type: application/x-www-form-urlencoded` with a JSON body "
            "is accepted. Answers the new ConnectionCRId as a bare JSON integer."
        ),
        request=s.ChangeRequestInputSerializer,
        responses={
            200: OpenApiResponse(OpenApiTypes.INT, description="The new ConnectionCRId."),
        },
        examples=[OpenApiExample("Seed 004: add", value=SEED_BODY, request_only=True)],
    )
    def post(self, request, site_number):
        serializer = s.ChangeRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change_request = services.change_request_submit(
            membership=request.membership, data=serializer.validated_data
        )
        return Response(change_request.number)


class ChangeRequestPagination(StartLimitPagination):
    """`?start=&limit=` answering `{"ChangeRequests": [...], "Pagination": {...}}`."""

    def get_paginated_response(self, data):
        return Response(
            {
                "ChangeRequests": data,
                "Pagination": {"TotalCount": self.count, "Start": self.offset, "Limit": self.limit},
            }
        )

    def get_paginated_response_schema(self, schema):
        counts = {"type": "integer"}
        return {
            "type": "object",
            "required": ["ChangeRequests", "Pagination"],
            "properties": {
                "ChangeRequests": schema,
                "Pagination": {
                    "type": "object",
                    "required": ["TotalCount", "Start", "Limit"],
                    "properties": {"TotalCount": counts, "Start": counts, "Limit": counts},
                },
            },
        }


@extend_schema_view(
    list=outreach_schema(
        operation_id="outreach_change_requests",
        summary="List the site's change requests, newest first (Administrators)",
        parameters=[s.ChangeRequestListQuerySerializer],
    ),
    retrieve=outreach_schema(
        operation_id="outreach_change_request",
        summary="One change request (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
    ),
)
class ChangeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    authentication_classes = OutreachView.authentication_classes
    permission_classes = [*OutreachView.permission_classes, SiteAdministrator]
    parser_classes = OUTREACH_PARSERS
    serializer_class = s.ChangeRequestOutputSerializer
    pagination_class = ChangeRequestPagination
    filter_backends = []
    lookup_url_kwarg = "ConnectionCRId"

    def get_queryset(self):
        if self.action != "list":
            return selectors.change_requests_for(site=self.request.site)
        query = s.ChangeRequestListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.change_requests_for(site=self.request.site, **query.validated_data)

    def get_object(self):
        return selectors.change_request_get(
            site=self.request.site, number=int(self.kwargs[self.lookup_url_kwarg])
        )

    def list(self, request, site_number):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([s.change_request_data(row) for row in page])

    def retrieve(self, request, site_number, ConnectionCRId):
        return Response(s.change_request_data(self.get_object()))

    @outreach_schema(
        operation_id="outreach_change_request_apply",
        summary="Apply a PENDING change request to its connection (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
        request=None,
        responses={200: s.ChangeRequestOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, site_number, ConnectionCRId):
        applied = services.change_request_apply(
            change_request=self.get_object(), reviewer=request.user
        )
        return Response(s.change_request_data(self._reloaded(applied)))

    @outreach_schema(
        operation_id="outreach_change_request_reject",
        summary="Reject a PENDING change request, optionally with a Message (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
        request=s.ChangeRequestRejectInputSerializer,
        responses={200: s.ChangeRequestOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, site_number, ConnectionCRId):
        change_request = self.get_object()
        body = s.ChangeRequestRejectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = services.change_request_reject(
            change_request=change_request,
            reviewer=request.user,
            message=body.validated_data["message"],
        )
        return Response(s.change_request_data(self._reloaded(rejected)))

    @outreach_schema(
        operation_id="outreach_change_requests_apply_all",
        summary="Apply every PENDING change request, each in its own transaction",
        request=None,
        responses={200: s.ApplyAllOutputSerializer},
    )
    @action(detail=False, methods=["post"], url_path="apply", pagination_class=None)
    def apply_all(self, request, site_number):
        result = services.change_requests_apply_pending(site=request.site, reviewer=request.user)
        return Response(
            {
                "Applied": result.applied,
                "Failed": [
                    {"ConnectionCRId": number, "Reason": reason} for number, reason in result.failed
                ],
            }
        )

    def _reloaded(self, change_request):
        return selectors.change_request_get(site=self.request.site, number=change_request.number)
