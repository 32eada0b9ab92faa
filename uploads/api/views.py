from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from connect_api.api.outputs import schema_serializer
from connect_api.api.pagination import StartLimitPagination
from connect_api.api.views import SupplierApiMixin
from connect_api.exceptions import Error
from organizations.selectors import active_organization_for
from uploads import selectors, services
from uploads.api.serializers import (
    UploadCreated,
    UploadInputSerializer,
    UploadOutput,
    upload_created_data,
    upload_data,
)
from uploads.downloads import download_response
from uploads.inspection import KINDS
from uploads.throttling import UploadRateThrottle

ERROR = schema_serializer(Error)
NOT_FOUND = OpenApiResponse(ERROR, description="Unknown, or not readable by the caller.")


@extend_schema_view(
    list=extend_schema(summary="List the caller organization's uploads (staff: all)"),
    retrieve=extend_schema(
        summary="Upload metadata",
        responses={200: schema_serializer(UploadOutput), 404: NOT_FOUND},
    ),
)
class UploadViewSet(
    SupplierApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = schema_serializer(UploadOutput)
    pagination_class = StartLimitPagination.keyed("files")

    def get_queryset(self):
        if self.action == "list":
            return selectors.uploads_for(self.request.user)
        return selectors.readable_uploads_for(self.request.user)

    def get_serializer_class(self):
        """OPTIONS on the upload route describes the multipart body it takes."""
        if self.action == "metadata":
            return UploadInputSerializer
        return super().get_serializer_class()

    def get_throttles(self):
        if self.action == "upload":
            return [*super().get_throttles(), UploadRateThrottle()]
        return super().get_throttles()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([upload_data(upload) for upload in page])

    def retrieve(self, request, uuid=None):
        return Response(upload_data(self.get_object()))

    def perform_content_negotiation(self, request, force=False):
        """A download answers whatever the client's Accept header asks for (no 406)."""
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        summary="Upload a file (multipart): type checked from the bytes, size capped",
        request={"multipart/form-data": UploadInputSerializer},
        responses={
            201: schema_serializer(UploadCreated),
            400: OpenApiResponse(ERROR, description="No file, or an empty one."),
            409: OpenApiResponse(ERROR, description="Caller has no active organization."),
            413: OpenApiResponse(ERROR, description="File over UPLOAD_MAX_BYTES."),
            415: OpenApiResponse(
                ERROR,
                description="Type outside the allow-list, or bytes contradicting the extension.",
            ),
            429: OpenApiResponse(ERROR, description="Upload rate exceeded."),
        },
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def upload(self, request):
        organization = active_organization_for(request.user, to="upload files")
        serializer = UploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = services.upload_create(
            organization=organization,
            user=request.user,
            file=serializer.validated_data["file"],
            filename=serializer.validated_data.get("filename", ""),
        )
        return Response(upload_created_data(upload), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download the uploaded bytes",
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description="The identical bytes, as an attachment, in the type the upload "
                    "was verified as.",
                )
                for content_type in sorted({kind.content_type for kind in KINDS.values()})
            },
            302: OpenApiResponse(
                description="With STORAGE_PRESIGNED_DOWNLOADS on S3: Location is a presigned URL."
            ),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, uuid=None):
        return download_response(self.get_object())
