"""The outreach mobile API, as the vendor's app calls it: the lookups (GET), the
change-request POST and the Administrators' review of change requests.

Every view authenticates HTTP Basic first (a 401 says `Basic`), resolves the URL's site to
the caller's membership (404 without one) and asks `outreach.permissions` for anything else.
"""

import mimetypes
from collections.abc import Callable

from django.http import FileResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.api.pagination import (
    ChangeRequestPagination,
    PageIndexPagination,
    PageQuerySerializer,
    ReviewPagination,
)
from connect_api.api.parsers import OUTREACH_PARSERS, PlainTextLabelledJSONParser
from connect_api.api.responses import rendered
from connect_api.api.schema import (
    APPLICATION_ID,
    OUTREACH_TAGS,
    id_parameter,
    outreach_schema,
)
from connect_api.api.views import OutreachApiMixin, OutreachView
from connect_api.authentication import OUTREACH_AUTHENTICATION, authenticate_with_lockout
from connect_api.conditional import conditional_response, etag_for, expected_versions
from connect_api.errors import NotFound
from connect_api.jobs import JobOutput, job_data
from connect_api.schema_headers import ETAG, IF_MATCH, IF_NONE_MATCH, NOT_MODIFIED
from outreach import permissions, selectors, services, tasks
from outreach.api import outputs
from outreach.api import serializers as shapes
from outreach.filters import AssignmentFilterSet
from outreach.models import Connection


def _links(request, site_number) -> outputs.Links:
    """Absolute URLs under the base path this request came in on (`.../v2/<site>`, the site
    as the path spells it)."""
    site_start = request.path.index("/v2/") + len("/v2/")
    base_path = request.path[: request.path.index("/", site_start)]
    return outputs.Links(request.build_absolute_uri(base_path))


def _viewer(request, site_number, *, include_self: bool = False) -> outputs.Viewer:
    membership = request.membership
    return outputs.Viewer(
        links=_links(request, site_number),
        individual_id=membership.individual_id,
        include_self=include_self,
        with_comments=permissions.can_view_comments(membership),
        permission_level=lambda connection: permissions.connection_permission_level(
            membership, connection
        ),
    )


def _connection_page(request, site_number, connections) -> dict:
    viewer = _viewer(request, site_number)
    return PageIndexPagination.from_request(request).page_of(
        selectors.with_connection_details(connections, with_comments=viewer.with_comments),
        lambda connection: outputs.connection_summary_data(connection, viewer),
    )


PAGED = [PageQuerySerializer]


class AccountView(OutreachView):
    """`<site>/account`: who the caller is at the site and the rights the server applies."""

    @outreach_schema(
        operation_id="outreach_account",
        summary="The caller at the site: names, ids, SecurityRole and Rights",
        responses=outputs.schema_serializer(outputs.Account),
    )
    def get(self, request, site_number):
        membership = request.membership
        type_permissions = [
            (connection_type.number, permission)
            for connection_type, permission in selectors.connection_types_for(membership)
        ]
        return Response(
            outputs.account_data(
                membership,
                rights=permissions.effective_rights(membership),
                type_permissions=type_permissions,
            )
        )


class AccountMerchantView(OutreachView):
    """`<site>/account/merchant`: the site's giving merchant, or 204 (the app's login goes on
    without giving)."""

    @outreach_schema(
        operation_id="outreach_account_merchant",
        summary="The site's giving merchant (204 when it has none)",
        responses={
            200: outputs.schema_serializer(outputs.Merchant),
            204: OpenApiResponse(description="The site takes no gifts through the app."),
        },
    )
    def get(self, request, site_number):
        merchant = selectors.giving_merchant_for(request.membership)
        if merchant is None:
            return Response(status=204)
        return Response(outputs.merchant_data(merchant))


class FindByEmailView(APIView):
    """`PUT accounts/findbyemail` (no site, no Authorization): the app's sign-in by e-mail and
    password, answering the sites the user works at for its site picker. Each password check
    goes through the login lockout (429 with Retry-After while locked); a wrong e-mail or
    password is 401."""

    authentication_classes = OUTREACH_AUTHENTICATION
    permission_classes = [AllowAny]
    parser_classes = [*OUTREACH_PARSERS, PlainTextLabelledJSONParser]

    @extend_schema(
        tags=OUTREACH_TAGS,
        operation_id="outreach_find_by_email",
        summary="Sign in by e-mail and password: the user's sites",
        parameters=[APPLICATION_ID],
        request=shapes.FindByEmailInputSerializer,
        responses={200: outputs.schema_serializer(outputs.SiteLogin)(many=True)},
        auth=[],
    )
    def put(self, request):
        body = shapes.FindByEmailInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        email, password = body.validated_data["email"], body.validated_data["password"]
        users = [
            user
            for username in selectors.usernames_with_email(email)
            if (user := authenticate_with_lockout(request, username=username, password=password))
        ]
        if not users:
            raise AuthenticationFailed("Unknown e-mail address or wrong password.")
        return Response(
            [outputs.site_login_data(membership) for membership in selectors.memberships_of(users)]
        )


class ConnectionTypeListView(OutreachView):
    """`<site>/types/connections`: the types the caller may see (A or V), with that right."""

    @outreach_schema(
        operation_id="outreach_connection_types",
        summary="Connection types with the caller's permission (types with N are left out)",
        responses=outputs.schema_serializer(outputs.ConnectionType)(many=True),
    )
    def get(self, request, site_number):
        return Response(
            [
                outputs.connection_type_data(connection_type, permission)
                for connection_type, permission in selectors.connection_types_for(
                    request.membership
                )
            ]
        )


class ResponseListView(OutreachView):
    """`<site>/types/responses/<ConnectionTypeId>`: the RespIDs a change request may name."""

    @outreach_schema(
        operation_id="outreach_connection_type_responses",
        parameters=[id_parameter("connection_type_id")],
        summary="Responses available for a connection type",
        responses=outputs.schema_serializer(outputs.ResponseType)(many=True),
    )
    def get(self, request, site_number, connection_type_id):
        responses = selectors.responses_for(request.membership, connection_type_id)
        return Response([outputs.response_data(response) for response in responses])


class TeamListView(OutreachView):
    """`<site>/connections/teams`: the teams a connection can be assigned to."""

    @outreach_schema(
        operation_id="outreach_teams",
        summary="The site's teams",
        responses=outputs.schema_serializer(outputs.ConnectionTeam)(many=True),
    )
    def get(self, request, site_number):
        teams = selectors.teams_for(request.membership)
        return Response([outputs.team_data(team) for team in teams])


class IndividualSearchView(OutreachView):
    """Individual search, paged by `pageIndex` (from 0) and `pageSize` (capped at 100)."""

    permission_classes = [*OutreachView.permission_classes, permissions.CanLocatePeople]

    @outreach_schema(
        operation_id="outreach_individual_search",
        summary="Search individuals (needs LocatePerson or MemberSearch A)",
        parameters=[shapes.IndividualSearchQuerySerializer],
        responses=outputs.schema_serializer(outputs.IndividualPage),
    )
    def get(self, request, site_number):
        query = shapes.individual_search_query(request.query_params)
        page = PageIndexPagination.from_query(query)
        individuals = selectors.individuals_found(request.membership, query["q"])
        rows, page_count = page.rows_counted_up_to(individuals, outputs.SEARCH_EXACT_COUNT_UP_TO)
        selectors.with_contact_rows(rows)
        links = _links(request, site_number)
        return rendered(
            request,
            page.data([outputs.contact_data(person, links) for person in rows], page_count),
        )


class IndividualDetailView(OutreachView):
    """`<site>/individuals/<IndvId>`: one person of the site's directory, whole."""

    permission_classes = [*OutreachView.permission_classes, permissions.CanLocatePeople]

    @outreach_schema(
        operation_id="outreach_individual",
        parameters=[id_parameter("individual_id")],
        summary="One individual (needs LocatePerson or MemberSearch A)",
        responses=outputs.schema_serializer(outputs.IndividualDetail),
    )
    def get(self, request, site_number, individual_id):
        individual = selectors.individual_detail_get(request.membership, individual_id)
        return Response(outputs.individual_detail_data(individual, _links(request, site_number)))


def _picture_response(field_file) -> FileResponse:
    """The stored picture; a file that is not an image by its name is sent as an attachment
    of no particular type (never rendered by a browser on this origin)."""
    if not field_file:
        raise NotFound("No picture.")
    content_type = mimetypes.guess_type(field_file.name)[0] or ""
    image = content_type.startswith("image/") and content_type != "image/svg+xml"
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type if image else "application/octet-stream",
        as_attachment=not image,
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


PICTURE = OpenApiResponse(OpenApiTypes.BINARY, description="The picture's bytes.")
PICTURE_RESPONSES = {
    (200, "image/*"): PICTURE,
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="A stored file that is not an image, as an attachment."
    ),
}


class IndividualPictureView(OutreachView):
    """`<site>/individuals/<IndvId>/picture`: the person's picture (PictureUrl), for members
    who may look people up; served from storage, never as a public media URL."""

    permission_classes = [*OutreachView.permission_classes, permissions.CanLocatePeople]

    @outreach_schema(
        operation_id="outreach_individual_picture",
        parameters=[id_parameter("individual_id")],
        summary="An individual's picture (404 without one)",
        responses=PICTURE_RESPONSES,
    )
    def get(self, request, site_number, individual_id):
        return _picture_response(
            selectors.individual_get(request.membership, individual_id).picture
        )


class FamilyPictureView(OutreachView):
    """`<site>/families/<FamId>/picture`: the family's picture (FamilyPictureUrl)."""

    permission_classes = [*OutreachView.permission_classes, permissions.CanLocatePeople]

    @outreach_schema(
        operation_id="outreach_family_picture",
        parameters=[id_parameter("family_id")],
        summary="A family's picture (404 without one)",
        responses=PICTURE_RESPONSES,
    )
    def get(self, request, site_number, family_id):
        return _picture_response(selectors.family_get(request.membership, family_id).picture)


class IndividualConnectionListView(OutreachView):
    """`<site>/individuals/<IndvId>/connections`: the person's outreach history, newest first
    (the app's way into "add connection" too)."""

    permission_classes = [
        *OutreachView.permission_classes,
        permissions.CanLocatePeople,
        permissions.CanViewOutreachHistory,
    ]

    @outreach_schema(
        operation_id="outreach_individual_connections",
        parameters=[id_parameter("individual_id"), *PAGED],
        summary="A person's outreach history (needs ViewOutreachHistory A)",
        responses=outputs.schema_serializer(outputs.ConnectionPage),
    )
    def get(self, request, site_number, individual_id):
        individual = selectors.individual_get(request.membership, individual_id)
        connections = selectors.individual_history_for(request.membership, individual)
        return Response(_connection_page(request, site_number, connections))


class ConnectionDetailView(OutreachView):
    @outreach_schema(
        operation_id="outreach_connection",
        parameters=[
            id_parameter("connection_id"),
            shapes.ConnectionQuerySerializer,
            IF_NONE_MATCH,
            ETAG,
        ],
        summary="One connection (Comments only with ViewAddComments V or A)",
        description=(
            "A caller with AssignedContactsOnly A sees only connections assigned to them or "
            "to one of their teams; any other connection is 404."
        ),
        responses={
            200: outputs.schema_serializer(outputs.ConnectionDetail),
            304: NOT_MODIFIED,
        },
    )
    def get(self, request, site_number, connection_id):
        query = shapes.ConnectionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        viewer = _viewer(request, site_number, include_self=query.validated_data["includeSelf"])
        connection = selectors.connection_get(
            request.membership, connection_id, with_comments=viewer.with_comments
        )
        data = outputs.connection_detail_data(connection, viewer)
        etag = etag_for(version=connection.version, data=data)
        return conditional_response(request, Response(data), etag=etag)


class AssignmentSummaryView(OutreachView):
    """`<site>/connections/assignments`: per type, the caller's open assignments (paged)."""

    @outreach_schema(
        operation_id="outreach_assignments",
        parameters=PAGED,
        summary="Per connection type, the open connections assigned to the caller",
        responses=outputs.schema_serializer(outputs.AssignmentSummaryPage),
    )
    def get(self, request, site_number):
        page = PageIndexPagination.from_request(request)
        return Response(
            page.page_of(
                selectors.assignment_summary_for(request.membership),
                outputs.assignment_summary_data,
            )
        )


class AssignmentListView(GenericAPIView, OutreachView):
    queryset = Connection.objects.none()  # the model for the filters' schema; rows: selectors
    pagination_class = None
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssignmentFilterSet

    @outreach_schema(
        operation_id="outreach_assignments_of_type",
        parameters=[id_parameter("connection_type_id"), *PAGED],
        summary="The connections of one type assigned to the caller (paged)",
        responses=outputs.schema_serializer(outputs.ConnectionPage),
    )
    def get(self, request, site_number, connection_type_id):
        connection_type = selectors.connection_type_get(request.membership, connection_type_id)
        connections = selectors.assignments_for(request.membership).filter(
            connection_type=connection_type
        )
        return Response(_connection_page(request, site_number, self.filter_queryset(connections)))


# --- comments on people ------------------------------------------------------------------


class CommentTypeListView(OutreachView):
    permission_classes = [*OutreachView.permission_classes, permissions.CanReadOrAddComments]

    @outreach_schema(
        operation_id="outreach_comment_types",
        summary="The site's comment types (needs ViewAddComments V or A)",
        responses=outputs.schema_serializer(outputs.CommentTypeShape)(many=True),
    )
    def get(self, request, site_number):
        comment_types = selectors.comment_types_for(request.membership)
        return Response([outputs.comment_type_data(comment_type) for comment_type in comment_types])


class CommentSummaryView(OutreachView):
    permission_classes = [
        *OutreachView.permission_classes,
        permissions.CanLocatePeople,
        permissions.CanReadOrAddComments,
    ]

    @outreach_schema(
        operation_id="outreach_individual_comment_summary",
        parameters=[id_parameter("individual_id"), *PAGED],
        summary="A person's comments: per comment type, how many and the latest date",
        responses=outputs.schema_serializer(outputs.CommentSummaryPage),
    )
    def get(self, request, site_number, individual_id):
        individual = selectors.individual_get(request.membership, individual_id)
        page = PageIndexPagination.from_request(request)
        return Response(
            page.page_of(selectors.comment_summary_for(individual), outputs.comment_summary_data)
        )


class CommentListView(OutreachView):
    """`<site>/individuals/<IndvId>/comments/<CommentTypeID>`: the person's comments of one
    type (GET, ViewAddComments V or A), and the app's new comment (POST, A), which becomes a
    comment change request for the site's Administrators to apply or reject."""

    permission_classes = [
        *OutreachView.permission_classes,
        permissions.CanLocatePeople,
        permissions.CanReadOrAddComments,
    ]
    parser_classes = OUTREACH_PARSERS

    def _targets(self, request, individual_id, comment_type_id):
        membership = request.membership
        return (
            selectors.individual_get(membership, individual_id),
            selectors.comment_type_get(membership, comment_type_id),
        )

    @outreach_schema(
        operation_id="outreach_individual_comments",
        parameters=[id_parameter("individual_id"), id_parameter("comment_type_id"), *PAGED],
        summary="A person's comments of one type, newest first",
        responses=outputs.schema_serializer(outputs.CommentPage),
    )
    def get(self, request, site_number, individual_id, comment_type_id):
        individual, comment_type = self._targets(request, individual_id, comment_type_id)
        page = PageIndexPagination.from_request(request)
        return Response(
            page.page_of(selectors.comments_for(individual, comment_type), outputs.comment_data)
        )

    @outreach_schema(
        operation_id="outreach_individual_comment_add",
        parameters=[id_parameter("individual_id"), id_parameter("comment_type_id")],
        summary="Submit a comment for approval (needs ViewAddComments A)",
        description=(
            "The app's CoreCommentChangeRequest, JSON labelled as a form like the connection "
            "POST. Stored PENDING; a site Administrator applies it (the comment is written) or "
            "rejects it. Answers the new comment change request's number."
        ),
        request=shapes.CommentChangeRequestInputSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.INT, description="The new CommentCRId.")},
    )
    def post(self, request, site_number, individual_id, comment_type_id):
        individual, comment_type = self._targets(request, individual_id, comment_type_id)
        body = shapes.CommentChangeRequestInputSerializer(
            data=request.data, context={"individual": individual, "comment_type": comment_type}
        )
        body.is_valid(raise_exception=True)
        change_request = services.comment_change_request_submit(
            membership=request.membership,
            individual=individual,
            comment_type=comment_type,
            text=body.validated_data["text"],
            family_comment=body.validated_data["family_comment"],
        )
        return rendered(request, change_request.number)


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

CHANGE_REQUEST_ID = id_parameter("ConnectionCRId")


class ConnectionChangeRequestView(OutreachView):
    permission_classes = [*OutreachView.permission_classes, permissions.ChangeRequestGate]
    parser_classes = OUTREACH_PARSERS

    @outreach_schema(
        operation_id="outreach_connection_change_request",
        parameters=[IF_MATCH],
        summary="Post a connection change request (add, complete, modify or reassign)",
        description=(
            "Seed 004. Checks in this order: membership (404), the rights gate (403), the "
            "body (400), ConnectionId in the site (404), rights on the type and "
            "ReassignConnection for a reassign (403), the other ids in the site (400). The "
            "vendor app's `Content-Type: application/x-www-form-urlencoded` with a JSON body "
            "is accepted. Answers the new ConnectionCRId as a bare JSON integer. The same body "
            "from the same user for the same connection within 10 minutes "
            "(OUTREACH_DUPLICATE_WINDOW_SECONDS) answers the change request already stored. "
            "If-Match (the connection's ETag) on a change of an existing connection: 412 when "
            "the connection changed since."
        ),
        request=shapes.ChangeRequestInputSerializer,
        responses={
            200: OpenApiResponse(OpenApiTypes.INT, description="The new ConnectionCRId."),
        },
        examples=[OpenApiExample("Seed 004: add", value=SEED_BODY, request_only=True)],
    )
    def post(self, request, site_number):
        change_request = services.change_request_submit(
            membership=request.membership,
            payload=shapes.change_request_input(request.data),
            expected_versions=expected_versions(request),
        )
        return rendered(request, change_request.number)


# The base of both review viewsets (connection and comment change requests): Basic and the
# site's membership first, list and retrieve for `read_permission_classes`, apply and reject
# for the site's Administrators. The two differ only by their queryset, lookup, services and
# output (`item_data`); each declares its own schema. (A comment, not a docstring: the
# schema would show a docstring as the description of every operation.)
class ReviewViewSet(
    OutreachApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [*OutreachApiMixin.permission_classes, permissions.SiteAdministrator]
    read_permission_classes = permission_classes
    parser_classes = OUTREACH_PARSERS
    filter_backends = []

    # Set by each subclass: the services deciding one row (keyword-only change_request and
    # reviewer, and message for reject), the builder of one row's output and `item_get`.
    apply_service: Callable
    reject_service: Callable
    item_data: Callable

    def item_get(self, number: int):
        """The row numbered `number` as this viewset shows it (404 when not the caller's)."""
        raise NotImplementedError

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permission() for permission in self.read_permission_classes]
        return super().get_permissions()

    def get_object(self):
        return self.item_get(self.kwargs[self.lookup_url_kwarg])

    def list(self, request, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([self.item_data(row) for row in page])

    def retrieve(self, request, **kwargs):
        return Response(self.item_data(self.get_object()))

    @action(detail=True, methods=["post"])
    def apply(self, request, **kwargs):
        applied = self.apply_service(change_request=self.get_object(), reviewer=request.user)
        return Response(self.item_data(self._reloaded(applied)))

    @action(detail=True, methods=["post"])
    def reject(self, request, **kwargs):
        change_request = self.get_object()
        body = shapes.ChangeRequestRejectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = self.reject_service(
            change_request=change_request,
            reviewer=request.user,
            message=body.validated_data["message"],
        )
        return Response(self.item_data(self._reloaded(rejected)))

    def _reloaded(self, change_request):
        return self.item_get(change_request.number)


@extend_schema_view(
    list=outreach_schema(
        operation_id="outreach_change_requests",
        summary="List change requests, newest first: the site's (Administrators) or the "
        "caller's own (everyone else, or `mine=true`), with their outcome and ReviewMessage",
        parameters=[shapes.ChangeRequestListQuerySerializer],
    ),
    retrieve=outreach_schema(
        operation_id="outreach_change_request",
        summary="One change request (Administrators: any of the site's; others: their own)",
        parameters=[CHANGE_REQUEST_ID],
    ),
    apply=outreach_schema(
        operation_id="outreach_change_request_apply",
        summary="Apply a PENDING change request to its connection (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
        request=None,
        responses={200: outputs.schema_serializer(shapes.ChangeRequestOutput)},
    ),
    reject=outreach_schema(
        operation_id="outreach_change_request_reject",
        summary="Reject a PENDING change request, optionally with a Message (Administrators)",
        parameters=[CHANGE_REQUEST_ID],
        request=shapes.ChangeRequestRejectInputSerializer,
        responses={200: outputs.schema_serializer(shapes.ChangeRequestOutput)},
    ),
)
class ChangeRequestViewSet(ReviewViewSet):
    """Reading is every member's (scoped to their own submissions unless Administrator: the
    selector's rule); applying and rejecting is the Administrators'."""

    read_permission_classes = OutreachApiMixin.permission_classes
    serializer_class = outputs.schema_serializer(shapes.ChangeRequestOutput)
    pagination_class = ChangeRequestPagination
    lookup_url_kwarg = "ConnectionCRId"
    apply_service = staticmethod(services.change_request_apply)
    reject_service = staticmethod(services.change_request_reject)
    item_data = staticmethod(shapes.change_request_data)

    def get_queryset(self):
        viewer = self.request.membership
        if self.action != "list":
            return selectors.change_requests_for(site=self.request.site, viewer=viewer)
        query = shapes.ChangeRequestListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.change_requests_for(
            site=self.request.site, viewer=viewer, **query.validated_data
        )

    def item_get(self, number: int):
        return selectors.change_request_get(
            site=self.request.site, number=number, viewer=self.request.membership
        )

    @outreach_schema(
        operation_id="outreach_change_requests_apply_all",
        summary="Apply every PENDING change request, each in its own transaction",
        request=None,
        responses={
            200: outputs.schema_serializer(shapes.ApplyAllOutput),
            202: outputs.schema_serializer(JobOutput),
        },
    )
    @action(detail=False, methods=["post"], url_path="apply", pagination_class=None)
    def apply_all(self, request, site_number):
        if tasks.apply_all_runs_as_job(site=request.site):
            job = tasks.change_requests_apply_all.start(
                user=request.user, site_pk=request.site.pk, reviewer_pk=request.user.pk
            )
            return Response(job_data(job), status=202, headers={"Location": f"/jobs/{job.uuid}"})
        result = services.change_requests_apply_pending(site=request.site, reviewer=request.user)
        return Response(shapes.apply_all_data(result))


# --- comment change requests: the Administrators' review ---------------------------------

COMMENT_CHANGE_REQUEST_ID = id_parameter("CommentCRId")


# Administrators only, reading included (the app never calls these: it only posts comments).
# Paged by start/limit like the change requests; pageIndex/pageSize, the older spelling, and
# a request without paging keep the `Page` envelope (ReviewPagination).
@extend_schema_view(
    list=outreach_schema(
        operation_id="outreach_comment_change_requests",
        summary="The comments sent from the app, newest first (Administrators)",
        parameters=[shapes.CommentChangeRequestListQuerySerializer],
        # Either envelope (ReviewPagination.get_paginated_response_schema).
        responses=outputs.schema_serializer(outputs.CommentChangeRequestShape),
    ),
    retrieve=outreach_schema(
        operation_id="outreach_comment_change_request",
        parameters=[COMMENT_CHANGE_REQUEST_ID],
        summary="One comment change request (Administrators)",
        responses=outputs.schema_serializer(outputs.CommentChangeRequestShape),
    ),
    apply=outreach_schema(
        operation_id="outreach_comment_change_request_apply",
        parameters=[COMMENT_CHANGE_REQUEST_ID],
        summary="Apply a PENDING comment change request: write the comment(s) (Administrators)",
        request=None,
        responses={200: outputs.schema_serializer(outputs.CommentChangeRequestShape)},
    ),
    reject=outreach_schema(
        operation_id="outreach_comment_change_request_reject",
        parameters=[COMMENT_CHANGE_REQUEST_ID],
        summary="Reject a PENDING comment change request, optionally with a Message",
        request=shapes.ChangeRequestRejectInputSerializer,
        responses={200: outputs.schema_serializer(outputs.CommentChangeRequestShape)},
    ),
)
class CommentChangeRequestViewSet(ReviewViewSet):
    serializer_class = outputs.schema_serializer(outputs.CommentChangeRequestShape)
    pagination_class = ReviewPagination.keyed("CommentChangeRequests")
    lookup_url_kwarg = "CommentCRId"
    apply_service = staticmethod(services.comment_change_request_apply)
    reject_service = staticmethod(services.comment_change_request_reject)
    item_data = staticmethod(outputs.comment_change_request_data)

    def get_queryset(self):
        if self.action != "list":
            return selectors.comment_change_requests_for(self.request.membership)
        # pageIndex and pageSize are validated here too, so that a bad one is reported
        # together with a bad status, as before the pagination read them.
        query = shapes.CommentChangeRequestListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.comment_change_requests_for(
            self.request.membership, status=query.validated_data.get("status")
        )

    def item_get(self, number: int):
        return selectors.comment_change_request_get(self.request.membership, number)
