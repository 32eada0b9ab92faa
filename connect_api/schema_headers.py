"""The request and response headers of idempotent and conditional requests, for the schema.

Views name IF_MATCH / IF_NONE_MATCH / ETAG... in their `extend_schema`; the postprocessing hook
`idempotency_key_parameter` adds the optional `Idempotency-Key` header to every POST and PATCH
whose view takes it (connect_api.idempotency.IdempotentMixin), so no view repeats it.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "An ETag from a GET of this resource: the change is made only if it is still current, "
        "else 412 and nothing changes. `*` or no header: unconditional."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag of a copy you hold: 304 without a body while it is still current.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response={200, 304},
    description='`"<version>.<digest>"`: send it back in If-None-Match or If-Match.',
)
LAST_MODIFIED = OpenApiParameter(
    "Last-Modified",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response={200, 304},
    description="When the resource last changed (HTTP date).",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: your copy (If-None-Match) is current.")

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Any 1-255 visible ASCII characters (a UUID, say), new for each operation: a retry "
        "with the same key within 24 hours gets the first answer again (with "
        "`Idempotent-Replayed: true`) and changes nothing; the same key with another body is "
        "422; while the first is still running, 409 with Retry-After."
    ),
}


def idempotency_key_parameter(result, generator, request, public):
    """drf-spectacular postprocessing hook: `Idempotency-Key` on POST/PATCH of the views that
    take it."""
    from connect_api.idempotency import METHODS, IdempotentMixin

    for path, _, method, callback in generator.endpoints:
        view_class = getattr(callback, "cls", None)
        if method not in METHODS or not (view_class and issubclass(view_class, IdempotentMixin)):
            continue
        operation = result["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(parameter.get("name") == "Idempotency-Key" for parameter in parameters):
            parameters.append(IDEMPOTENCY_KEY)
        responses = operation["responses"]
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for code, description in IDEMPOTENCY_ANSWERS.items():
            if code not in responses:
                responses[code] = {"description": description, "content": error}
            elif description not in responses[code]["description"]:
                responses[code]["description"] += " " + description
        operation["responses"] = dict(sorted(responses.items()))
    return result


IDEMPOTENCY_ANSWERS = {
    "400": "An invalid `Idempotency-Key` header (`errors` names it).",
    "409": "A request with this `Idempotency-Key` is still running: retry after `Retry-After` "
    "seconds to get its answer.",
    "422": "This `Idempotency-Key` was used with another method, path or body.",
}
