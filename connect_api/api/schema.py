"""What the OpenAPI schema says about every outreach operation."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

OUTREACH_TAGS = ["outreach"]
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
    return extend_schema(
        tags=OUTREACH_TAGS, parameters=[SITE_NUMBER, APPLICATION_ID, *parameters], **kwargs
    )


def id_parameter(name: str) -> OpenApiParameter:
    """An integer id in the path (`individual_id`, `ConnectionCRId` ...)."""
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH)
