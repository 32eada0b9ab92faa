"""The outreach mobile lookups (GET), as the vendor's app calls them.

Every view authenticates HTTP Basic first (a 401 says `Basic`), resolves the URL's site to
the caller's membership (404 without one) and asks `outreach.permissions` for anything else.
"""

import math

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.authentication import OUTREACH_AUTHENTICATION
from outreach import permissions, selectors
from outreach.api import serializers as shapes
from outreach.dates import us_date
from outreach.filters import AssignmentFilterSet
from outreach.models import Connection

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
