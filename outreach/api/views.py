"""The outreach mobile API, as the vendor's app calls it: the lookups (GET), the
change-request POST and the Administrators' review of change requests.

Every view authenticates HTTP Basic first (a 401 says `Basic`), resolves the URL's site to
the caller's membership (404 without one) and asks `outreach.permissions` for anything else.
"""

import math

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.authentication import OUTREACH_AUTHENTICATION
from connect_api.pagination import StartLimitPagination
from outreach import permissions, selectors, services
from outreach.api import serializers as shapes
from outreach.dates import us_date
from outreach.filters import AssignmentFilterSet
from outreach.models import Connection
from outreach.parsers import OUTREACH_PARSERS

TAGS = ["outreach"]
APPLICATION_ID = OpenApiParameter(
    "ApplicationId",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Sent by the vendor's mobile app; accepted and not needed.",
)


SITE_NUMBER = OpenApiParameter("site_number", OpenApiTypes.INT, OpenApiParameter.PATH)


def outreach_schema(*, parameters=(), **kwargs):
    """extend_schema with what every outreach operation shares (tag, site, ApplicationId)."""
    return extend_schema(tags=TAGS, parameters=[SITE_NUMBER, APPLICATION_ID, *parameters], **kwargs)


def _id_parameter(name: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH)


class OutreachView(APIView):
    """Base of every outreach view: Basic first, site membership resolved (404 without)."""

    authentication_classes = OUTREACH_AUTHENTICATION
    permission_classes = [IsAuthenticated, *permissions.OUTREACH_PERMISSIONS]


class AccountView(OutreachView):
    """`<site>/account`: who the caller is at the site and the rights the server applies."""

    @outreach_schema(
        operation_id="outreach_account",
        summary="The caller's SecurityRole and rights at the site",
        responses=shapes.AccountSerializer,
    )
    def get(self, request, site_number):
        membership = request.membership
        rights = permissions.effective_rights(membership)
        rights["ConnectionTypes"] = [
            {"ConnectionTypeId": connection_type.number, "Permission": permission}
            for connection_type, permission in selectors.connection_types_for(membership)
        ]
        return Response(
            {
                "SiteNumber": membership.site.number,
                "UserName": request.user.get_username(),
                "IndvId": membership.individual.number if membership.individual else None,
                "SecurityRole": membership.get_security_role_display(),
                "Rights": rights,
            }
        )


class ConnectionTypeListView(OutreachView):
    """`<site>/types/connections`: the types the caller may see (A or V), with that right."""

    @outreach_schema(
        operation_id="outreach_connection_types",
        summary="Connection types with the caller's permission (types with N are left out)",
        responses=shapes.ConnectionTypeSerializer(many=True),
    )
    def get(self, request, site_number):
        return Response(
            [
                {
                    "ConnectionTypeId": connection_type.number,
                    "ConnectionTypeDesc": connection_type.description,
                    "ConnectionCategory": connection_type.category,
                    "Permission": permission,
                }
                for connection_type, permission in selectors.connection_types_for(
                    request.membership
                )
            ]
        )


class ResponseListView(OutreachView):
    """`<site>/types/responses/<ConnectionTypeId>`: the RespIDs a change request may name."""

    @outreach_schema(
        operation_id="outreach_connection_type_responses",
        parameters=[_id_parameter("connection_type_id")],
        summary="Responses available for a connection type",
        responses=shapes.ResponseSerializer(many=True),
    )
    def get(self, request, site_number, connection_type_id):
        responses = selectors.responses_for(request.membership, int(connection_type_id))
        return Response([shapes.response_data(response) for response in responses])


class TeamListView(OutreachView):
    """`<site>/connections/teams`: the teams a connection can be assigned to."""

    @outreach_schema(
        operation_id="outreach_teams",
        summary="The site's teams",
        responses=shapes.TeamSerializer(many=True),
    )
    def get(self, request, site_number):
        teams = selectors.teams_for(request.membership)
        return Response([shapes.team_data(team) for team in teams])


class IndividualSearchView(OutreachView):
    """Individual search, paged by `pageIndex` (from 0) and `pageSize` (capped at 100)."""

    permission_classes = [*OutreachView.permission_classes, permissions.CanLocatePeople]

    @outreach_schema(
        operation_id="outreach_individual_search",
        summary="Search individuals (needs LocatePerson or MemberSearch A)",
        parameters=[shapes.IndividualSearchQuerySerializer],
        responses=shapes.IndividualPageSerializer,
    )
    def get(self, request, site_number):
        query = shapes.IndividualSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page_index, page_size = query.validated_data["pageIndex"], query.validated_data["pageSize"]
        individuals = selectors.individuals_search(request.membership, query.validated_data["q"])
        total = individuals.count()
        start = page_index * page_size
        page = individuals[start : start + page_size] if start < total else []
        return Response(
            {
                "Page": [shapes.individual_data(individual) for individual in page],
                "PageIndex": page_index,
                "PageCount": math.ceil(total / page_size),
                "PageSize": page_size,
            }
        )


class IndividualDetailView(OutreachView):
    """`<site>/individuals/<IndvId>`: one person of the site's directory."""

    permission_classes = [*OutreachView.permission_classes, permissions.CanLocatePeople]

    @outreach_schema(
        operation_id="outreach_individual",
        parameters=[_id_parameter("individual_id")],
        summary="One individual (needs LocatePerson or MemberSearch A)",
        responses=shapes.IndividualDetailSerializer,
    )
    def get(self, request, site_number, individual_id):
        individual = selectors.individual_get(request.membership, int(individual_id))
        return Response(shapes.individual_detail_data(individual))


class ConnectionDetailView(OutreachView):
    @outreach_schema(
        operation_id="outreach_connection",
        parameters=[_id_parameter("connection_id")],
        summary="One connection (Comments only with ViewAddComments V or A)",
        description=(
            "A caller with AssignedContactsOnly A sees only connections assigned to them or "
            "to one of their teams; any other connection is 404."
        ),
        responses=shapes.ConnectionDetailSerializer,
    )
    def get(self, request, site_number, connection_id):
        with_comments = permissions.can_view_comments(request.membership)
        connection = selectors.connection_get(
            request.membership, int(connection_id), with_comments=with_comments
        )
        return Response(shapes.connection_detail_data(connection, with_comments=with_comments))


class AssignmentSummaryView(OutreachView):
    """`<site>/connections/assignments`: per type, the caller's open assignments."""

    @outreach_schema(
        operation_id="outreach_assignments",
        summary="Per connection type, the open connections assigned to the caller",
        responses=shapes.AssignmentSerializer(many=True),
    )
    def get(self, request, site_number):
        return Response(
            [
                {
                    "ConnectionTypeId": row["connection_type__number"],
                    "ConnectionTypeDescription": row["connection_type__description"],
                    "TotalConnections": row["total"],
                    "EarliestDueDate": us_date(row["earliest_due_date"]),
                }
                for row in selectors.assignment_summary_for(request.membership)
            ]
        )


class AssignmentListView(GenericAPIView, OutreachView):
    queryset = Connection.objects.none()  # the model for the filters' schema; rows: selectors
    pagination_class = None
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssignmentFilterSet

    @outreach_schema(
        operation_id="outreach_assignments_of_type",
        parameters=[_id_parameter("connection_type_id")],
        summary="The connections of one type assigned to the caller",
        responses=shapes.ConnectionSummarySerializer(many=True),
    )
    def get(self, request, site_number, connection_type_id):
        connection_type = selectors.connection_type_get(request.membership, int(connection_type_id))
        connections = selectors.assignments_for(request.membership).filter(
            connection_type=connection_type
        )
        connections = self.filter_queryset(connections)
        return Response([shapes.connection_summary_data(c) for c in connections])


# --- change requests -----------------------------------------------------------------------


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


class ConnectionChangeRequestView(OutreachView):
    permission_classes = [*OutreachView.permission_classes, permissions.ChangeRequestGate]
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
        request=shapes.ChangeRequestInputSerializer,
        responses={
            200: OpenApiResponse(OpenApiTypes.INT, description="The new ConnectionCRId."),
        },
        examples=[OpenApiExample("Seed 004: add", value=SEED_BODY, request_only=True)],
    )
    def post(self, request, site_number):
        serializer = shapes.ChangeRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change_request = services.change_request_submit(
            membership=request.membership, payload=serializer.validated_data
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
        parameters=[shapes.ChangeRequestListQuerySerializer],
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
    permission_classes = [*OutreachView.permission_classes, permissions.SiteAdministrator]
    parser_classes = OUTREACH_PARSERS
    serializer_class = shapes.ChangeRequestOutputSerializer
    pagination_class = ChangeRequestPagination
    filter_backends = []
    lookup_url_kwarg = "ConnectionCRId"

    def get_queryset(self):
        if self.action != "list":
            return selectors.change_requests_for(site=self.request.site)
        query = shapes.ChangeRequestListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.change_requests_for(site=self.request.site, **query.validated_data)

    def get_object(self):
        return selectors.change_request_get(
            site=self.request.site, number=int(self.kwargs[self.lookup_url_kwarg])
        )

    def list(self, request, site_number):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([shapes.change_request_data(row) for row in page])

    def retrieve(self, request, site_number, ConnectionCRId):
        return Response(shapes.change_request_data(self.get_object()))

    @outreach_schema(
        operation_id="outreach_change_request_apply",
        summary="Apply a PENDING change request to its connection (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
        request=None,
        responses={200: shapes.ChangeRequestOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, site_number, ConnectionCRId):
        applied = services.change_request_apply(
            change_request=self.get_object(), reviewer=request.user
        )
        return Response(shapes.change_request_data(self._reloaded(applied)))

    @outreach_schema(
        operation_id="outreach_change_request_reject",
        summary="Reject a PENDING change request, optionally with a Message (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
        request=shapes.ChangeRequestRejectInputSerializer,
        responses={200: shapes.ChangeRequestOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, site_number, ConnectionCRId):
        change_request = self.get_object()
        body = shapes.ChangeRequestRejectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = services.change_request_reject(
            change_request=change_request,
            reviewer=request.user,
            message=body.validated_data["message"],
        )
        return Response(shapes.change_request_data(self._reloaded(rejected)))

    @outreach_schema(
        operation_id="outreach_change_requests_apply_all",
        summary="Apply every PENDING change request, each in its own transaction",
        request=None,
        responses={200: shapes.ApplyAllOutputSerializer},
    )
    @action(detail=False, methods=["post"], url_path="apply", pagination_class=None)
    def apply_all(self, request, site_number):
        result = services.change_requests_apply_pending(site=request.site, reviewer=request.user)
        return Response(shapes.apply_all_data(result))

    def _reloaded(self, change_request):
        return selectors.change_request_get(site=self.request.site, number=change_request.number)
