from collections.abc import Mapping

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response

from connect_api.api.outputs import schema_serializer
from connect_api.api.pagination import StartLimitPagination
from connect_api.api.responses import rendered
from connect_api.api.views import SupplierApiMixin
from connect_api.conditional import conditional_response, etag_for, expected_versions
from connect_api.filtering import names_a_filter
from connect_api.schema_headers import ETAG, IF_MATCH, IF_NONE_MATCH, LAST_MODIFIED, NOT_MODIFIED
from connections import selectors, services
from connections.api import serializers as shapes
from connections.filters import ConnectionRequestFilterSet
from connections.permissions import IsStaffDecider
from organizations.selectors import active_organization_for


def _refuse_a_body(request, *, except_for: frozenset[str] = frozenset()) -> None:
    """A call that takes no body (but the names in `except_for`) answers 400 to one that says
    something else (`{}` says nothing), rather than 2xx having ignored it."""
    if request.stream is None:
        return
    data = request.data
    if not isinstance(data, Mapping):
        raise ParseError("This call takes no body (send none, or {}).")
    unread = sorted(set(data) - except_for)
    if unread:
        raise ValidationError(
            {name: ["Not read here: this call takes no such field in its body."] for name in unread}
        )


PAGING_FIELDS = frozenset({"start", "limit", "pagination"})

# The 4xx of the contract's table peculiar to these operations (connect_api.schema adds the
# ones every operation shares, all with the one Error body).
WRONG_KIND = OpenApiResponse(
    description="The caller has no ACTIVE retailer or supplier organization (staff included)."
)
NOT_PENDING = OpenApiResponse(description="The request is no longer PENDING.")
DECIDED = OpenApiResponse(description="The request is already decided.")
STATE_CONFLICT = OpenApiResponse(description="The connection is not in a state this allows.")


@extend_schema_view(
    list=extend_schema(summary="List the caller's connection requests (staff: all)"),
    retrieve=extend_schema(
        summary="Connection request detail",
        parameters=[IF_NONE_MATCH, ETAG, LAST_MODIFIED],
        responses={200: schema_serializer(shapes.ConnectionRequestOutput), 304: NOT_MODIFIED},
    ),
)
class ConnectionRequestViewSet(
    SupplierApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = schema_serializer(shapes.ConnectionRequestOutput)
    filterset_class = ConnectionRequestFilterSet
    pagination_class = StartLimitPagination.keyed("requests", count_capped=True)

    def get_queryset(self):
        return selectors.connection_requests_for(self.request.user)

    def get_object(self, lookup=selectors.connection_request_by_uuid):
        """The caller's request with this uuid (404 otherwise): `get_queryset()`'s row, by
        its query compiled once (`lookup`: the instance; the detail reads it as a row,
        selectors.connection_request_row_by_uuid)."""
        found = lookup(self.request.user, self.kwargs["uuid"])
        if found is None:
            raise Http404
        self.check_object_permissions(self.request, found)
        return found

    def filter_queryset(self, queryset):
        """Filters (and hiding WITHDRAWN) shape the list only; a uuid finds its request."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        """OPTIONS describes the body a POST takes; everything else answers the output shape."""
        if self.action == "metadata":
            return shapes.ConnectionRequestInputSerializer
        return super().get_serializer_class()

    def get_permissions(self):
        if self.action in ("approve", "reject", "request_changes"):
            return [*super().get_permissions(), IsStaffDecider()]
        return super().get_permissions()

    def list(self, request):
        _refuse_a_body(request, except_for=PAGING_FIELDS)  # filters go in the query string
        if names_a_filter(request, self.filterset_class):
            listed = selectors.with_list_columns(self.filter_queryset(self.get_queryset()))
        else:  # what no filter means, its count and page by compiled queries
            listed = selectors.listed_requests_for(request.user)
        page = self.paginate_queryset(listed)
        selectors.with_child_rows(page)
        # The output's one builder, without a ListSerializer around it (benchmarks/speed.py)
        return self.get_paginated_response([shapes.connection_request_data(row) for row in page])

    def retrieve(self, request, uuid=None):
        found = self.get_object(lookup=selectors.connection_request_row_by_uuid)
        (connection_request,) = selectors.with_child_rows([found])
        _refuse_a_body(request)
        data = shapes.connection_request_data(connection_request)
        return conditional_response(
            request,
            rendered(request, data),
            etag=etag_for(version=connection_request.version, data=data),
            last_modified=connection_request.updated_at,
        )

    def _valid_input(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Request a connection",
        request=shapes.ConnectionRequestInputSerializer,
        responses={201: schema_serializer(shapes.ConnectionRequestCreated), 409: WRONG_KIND},
    )
    def create(self, request):
        organization = active_organization_for(request.user, to="request connections")
        data = shapes.connection_request_input(request.data)
        created = services.connection_request_create(
            organization=organization, user=request.user, data=data
        )
        return rendered(
            request,
            shapes.connection_request_created_data(created),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Change a PENDING connection request (integrations merge by record_uuid); "
        "a CHANGES REQUESTED one goes back to PENDING (resubmitted)",
        request=shapes.ConnectionRequestInputSerializer,
        parameters=[IF_MATCH],
        responses={
            204: None,
            409: WRONG_KIND,
            422: OpenApiResponse(
                description="The request is no longer PENDING, or an integration "
                "`record_uuid` is not of this request."
            ),
        },
    )
    def partial_update(self, request, uuid=None):
        connection_request = self.get_object()
        organization = active_organization_for(request.user, to="change connection requests")
        if request.stream is None:
            # No body at all (no Content-Length, or 0): a 204 would claim a change never made.
            raise ParseError("The PATCH has no body: send the fields to change as a JSON object.")
        data = shapes.connection_request_input(request.data, partial=True)
        services.connection_request_update(
            connection_request=connection_request,
            organization=organization,
            data=data,
            expected_versions=expected_versions(request),
            user=request.user,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Withdraw a PENDING (or CHANGES REQUESTED) connection request",
        responses={204: None, 409: WRONG_KIND, 422: NOT_PENDING},
    )
    def destroy(self, request, uuid=None):
        connection_request = self.get_object()
        active_organization_for(request.user, to="change connection requests")
        _refuse_a_body(request)
        services.connection_request_withdraw(
            connection_request=connection_request, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Approve (staff): link or create the counterpart, open a Connection "
        "(PENDING or CHANGES REQUESTED)",
        request=shapes.ApproveInputSerializer,
        responses={200: schema_serializer(shapes.ConnectionRequestDecision), 409: DECIDED},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, uuid=None):
        connection_request = self.get_object()
        data = self._valid_input(shapes.ApproveInputSerializer)
        decided = services.connection_request_approve(
            connection_request=connection_request, user=request.user, **data
        )
        return Response(shapes.connection_request_decision_data(decided))

    @extend_schema(
        summary="Reject (staff) with a reason (PENDING or CHANGES REQUESTED)",
        request=shapes.RejectInputSerializer,
        responses={200: schema_serializer(shapes.ConnectionRequestDecision), 409: DECIDED},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, uuid=None):
        connection_request = self.get_object()
        data = self._valid_input(shapes.RejectInputSerializer)
        decided = services.connection_request_reject(
            connection_request=connection_request, user=request.user, reason=data["reason"]
        )
        return Response(shapes.connection_request_decision_data(decided))

    @extend_schema(
        summary="Ask for changes (staff): PENDING -> CHANGES REQUESTED, the requester is told",
        request=shapes.RequestChangesInputSerializer,
        responses={
            200: schema_serializer(shapes.ConnectionRequestOutput),
            409: OpenApiResponse(description="The request is not PENDING."),
        },
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, uuid=None):
        connection_request = self.get_object()
        data = self._valid_input(shapes.RequestChangesInputSerializer)
        services.connection_request_changes_request(
            connection_request=connection_request, user=request.user, **data
        )
        (changed,) = selectors.with_child_rows([self.get_queryset().get(pk=connection_request.pk)])
        return Response(shapes.connection_request_data(changed))


class ConnectionViewSet(SupplierApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = schema_serializer(shapes.ConnectionOutput)
    pagination_class = None

    def get_queryset(self):
        return selectors.connections_for(self.request.user)

    @extend_schema(summary="The caller organization's connections (staff: all)")
    def list(self, request):
        _refuse_a_body(request)
        # The output's one builder, without a ListSerializer around it (benchmarks/speed.py)
        return rendered(
            request,
            [shapes.connection_data(row) for row in selectors.connection_list(request.user)],
        )

    @extend_schema(
        summary="Confirm (the request's counterpart or staff): CONFIRMATION WAITING -> ACTIVE",
        request=None,
        responses={200: schema_serializer(shapes.ConnectionOutput), 409: STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, uuid=None):
        connection = self.get_object()
        _refuse_a_body(request)
        connection = services.connection_confirm(connection=connection, user=request.user)
        return Response(shapes.connection_data(self._reloaded(connection)))

    @extend_schema(
        summary="Deactivate (either side or staff)",
        request=None,
        responses={200: schema_serializer(shapes.ConnectionOutput), 409: STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, uuid=None):
        connection = self.get_object()
        _refuse_a_body(request)
        connection = services.connection_deactivate(connection=connection, user=request.user)
        return Response(shapes.connection_data(self._reloaded(connection)))

    def _reloaded(self, connection):
        return self.get_queryset().get(pk=connection.pk)
