"""Webhook endpoints and their deliveries: the supplier API's (`/organizations/webhooks/`,
Token, any member of the organization) and the outreach API's (`<site>/webhooks`, Basic, the
site's Administrators, the vendor's PascalCase). Reads come from `webhooks.selectors`
(owner-scoped: a foreign endpoint is 404), writes go to `webhooks.services`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from connect_api.api.outputs import schema_serializer
from connect_api.api.pagination import (
    PageIndexPagination,
    PageQuerySerializer,
    StartLimitPagination,
)
from connect_api.api.parsers import OUTREACH_PARSERS
from connect_api.api.schema import id_parameter, outreach_schema
from connect_api.api.views import OutreachView, SupplierApiMixin
from organizations.selectors import active_organization_for
from webhooks import selectors, services
from webhooks.api import serializers as shapes
from webhooks.permissions import SiteWebhookManager

TAGS = ["webhooks"]
ROTATION = (
    "A new secret signs every delivery from now on. The previous one keeps signing beside it "
    "for WEBHOOKS_SECRET_OVERLAP_HOURS (24 by default): `webhook-signature` then carries two "
    "signatures, space-separated, and a receiver verifying either accepts the delivery, so "
    "it can switch to the new secret at leisure."
)

# --- supplier API ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="The organization's webhook endpoints"),
    retrieve=extend_schema(tags=TAGS, summary="A webhook endpoint"),
    destroy=extend_schema(tags=TAGS, summary="Delete a webhook endpoint and its deliveries"),
)
class EndpointViewSet(
    SupplierApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = schema_serializer(shapes.EndpointOutput)
    pagination_class = StartLimitPagination.keyed("endpoints")
    filter_backends = []

    def get_queryset(self):
        return selectors.endpoints_for(self.request.user)

    def _valid_input(self, **kwargs) -> dict:
        serializer = shapes.EndpointInputSerializer(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        tags=TAGS,
        summary="Register a webhook endpoint (the answer shows its signing secret, once)",
        request=shapes.EndpointInputSerializer,
        responses={201: schema_serializer(shapes.EndpointCreated)},
    )
    def create(self, request):
        organization = active_organization_for(request.user, to="register webhooks")
        data = self._valid_input()
        endpoint = services.endpoint_create(organization=organization, **data)
        return Response(shapes.endpoint_created_data(endpoint), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Change a webhook endpoint (status ACTIVE re-enables a disabled one)",
        request=shapes.EndpointInputSerializer,
        responses={200: schema_serializer(shapes.EndpointOutput)},
    )
    def partial_update(self, request, uuid=None):
        endpoint = services.endpoint_update(
            endpoint=self.get_object(), data=self._valid_input(partial=True)
        )
        return Response(shapes.endpoint_data(endpoint))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([shapes.endpoint_data(row) for row in page])

    def retrieve(self, request, uuid=None):
        return Response(shapes.endpoint_data(self.get_object()))

    def destroy(self, request, uuid=None):
        services.endpoint_delete(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=TAGS,
        summary="Rotate the signing secret (the answer shows the new one, once)",
        description=ROTATION,
        request=None,
        responses={200: schema_serializer(shapes.EndpointCreated)},
    )
    def rotate_secret(self, request, uuid=None):
        endpoint = services.endpoint_secret_rotate(endpoint=self.get_object())
        return Response(shapes.endpoint_created_data(endpoint))


class DeliveryViewSet(SupplierApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = schema_serializer(shapes.DeliveryOutput)
    pagination_class = StartLimitPagination.keyed("deliveries")
    filter_backends = []

    def _endpoint(self):
        return selectors.endpoint_get(user=self.request.user, uuid=self.kwargs["endpoint_uuid"])

    def get_queryset(self):
        return selectors.deliveries_for(self._endpoint())

    @extend_schema(
        tags=TAGS,
        summary="An endpoint's deliveries, newest first",
        parameters=[OpenApiParameter("endpoint_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    def list(self, request, endpoint_uuid):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([shapes.delivery_data(row) for row in page])

    @extend_schema(
        tags=TAGS,
        summary="Send a delivery again (a fresh round of retries)",
        parameters=[
            OpenApiParameter("endpoint_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH),
        ],
        request=None,
        responses={200: schema_serializer(shapes.DeliveryOutput)},
    )
    def redeliver(self, request, endpoint_uuid, uuid):
        delivery = selectors.delivery_get(endpoint=self._endpoint(), lookup={"uuid": uuid})
        delivery = services.delivery_redeliver(delivery=delivery)
        delivery = selectors.delivery_get(endpoint=delivery.endpoint, lookup={"pk": delivery.pk})
        return Response(shapes.delivery_data(delivery))


# --- outreach API ----------------------------------------------------------------------------

ENDPOINT_ID = id_parameter("EndpointId")
DELIVERY_ID = OpenApiParameter("DeliveryId", OpenApiTypes.UUID, OpenApiParameter.PATH)


class SiteWebhookView(OutreachView):
    """The site's Administrators only (403 for other members, 404 for non-members)."""

    permission_classes = [*OutreachView.permission_classes, SiteWebhookManager]
    parser_classes = OUTREACH_PARSERS

    def endpoint(self):
        return selectors.site_endpoint_get(site=self.request.site, number=self.kwargs["EndpointId"])

    def valid_input(self, **kwargs) -> dict:
        serializer = shapes.SiteEndpointInputSerializer(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class SiteEndpointListView(SiteWebhookView):
    @outreach_schema(
        operation_id="outreach_webhooks_list",
        summary="The site's webhook endpoints (Administrators), paged",
        parameters=[PageQuerySerializer],
        responses=schema_serializer(shapes.SiteEndpointPage),
    )
    def get(self, request, site_number):
        return Response(
            PageIndexPagination.from_request(request).page_of(
                selectors.site_endpoints_for(request.site), shapes.site_endpoint_data
            )
        )

    @outreach_schema(
        operation_id="outreach_webhooks_create",
        summary="Register a webhook endpoint (the answer shows its Secret, once)",
        request=shapes.SiteEndpointInputSerializer,
        responses=schema_serializer(shapes.SiteEndpointCreated),
    )
    def post(self, request, site_number):
        data = self.valid_input()
        endpoint = services.endpoint_create(
            site=request.site, fields=shapes.OUTREACH_FIELDS, **data
        )
        return Response(shapes.site_endpoint_created_data(endpoint))


class SiteEndpointDetailView(SiteWebhookView):
    @outreach_schema(
        operation_id="outreach_webhook",
        summary="A webhook endpoint of the site",
        parameters=[ENDPOINT_ID],
        responses=schema_serializer(shapes.SiteEndpointOutput),
    )
    def get(self, request, site_number, EndpointId):
        return Response(shapes.site_endpoint_data(self.endpoint()))

    @outreach_schema(
        operation_id="outreach_webhook_update",
        summary="Change a webhook endpoint (Status ACTIVE re-enables a disabled one)",
        parameters=[ENDPOINT_ID],
        request=shapes.SiteEndpointInputSerializer,
        responses=schema_serializer(shapes.SiteEndpointOutput),
    )
    def patch(self, request, site_number, EndpointId):
        endpoint = self.endpoint()
        endpoint = services.endpoint_update(
            endpoint=endpoint, data=self.valid_input(partial=True), fields=shapes.OUTREACH_FIELDS
        )
        return Response(shapes.site_endpoint_data(endpoint))

    @outreach_schema(
        operation_id="outreach_webhook_delete",
        summary="Delete a webhook endpoint and its deliveries",
        parameters=[ENDPOINT_ID],
        responses={204: None},
    )
    def delete(self, request, site_number, EndpointId):
        services.endpoint_delete(endpoint=self.endpoint())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SiteEndpointSecretRotateView(SiteWebhookView):
    @outreach_schema(
        operation_id="outreach_webhook_rotate_secret",
        summary="Rotate the signing secret (the answer shows the new Secret, once)",
        description=ROTATION,
        parameters=[ENDPOINT_ID],
        request=None,
        responses=schema_serializer(shapes.SiteEndpointCreated),
    )
    def post(self, request, site_number, EndpointId):
        endpoint = services.endpoint_secret_rotate(endpoint=self.endpoint())
        return Response(shapes.site_endpoint_created_data(endpoint))


class SiteDeliveryListView(SiteWebhookView):
    @outreach_schema(
        operation_id="outreach_webhook_deliveries",
        summary="An endpoint's deliveries, newest first, paged",
        parameters=[ENDPOINT_ID, PageQuerySerializer],
        responses=schema_serializer(shapes.SiteDeliveryPage),
    )
    def get(self, request, site_number, EndpointId):
        deliveries = selectors.deliveries_for(self.endpoint())
        page = PageIndexPagination.from_request(request)
        return Response(page.page_of(deliveries, shapes.site_delivery_data))


class SiteDeliveryRedeliverView(SiteWebhookView):
    @outreach_schema(
        operation_id="outreach_webhook_redeliver",
        summary="Send a delivery again (a fresh round of retries)",
        parameters=[ENDPOINT_ID, DELIVERY_ID],
        request=None,
        responses=schema_serializer(shapes.SiteDeliveryOutput),
    )
    def post(self, request, site_number, EndpointId, DeliveryId):
        endpoint = self.endpoint()
        delivery = selectors.delivery_get(endpoint=endpoint, lookup={"uuid": DeliveryId})
        services.delivery_redeliver(delivery=delivery)
        delivery = selectors.delivery_get(endpoint=endpoint, lookup={"pk": delivery.pk})
        return Response(shapes.site_delivery_data(delivery))
