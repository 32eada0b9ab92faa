"""A view's JSON answer, rendered at once when the JSON renderer was negotiated.

DRF's `Response` is a Django template response: it is made with an empty body (its charset
worked out from its Content-Type, the empty string encoded), handed back through DRF's
`finalize_response` and every middleware's `process_template_response`, then rendered: the
renderer's bytes set as its body in the same way again. The JSON renderer needs none of that:
`rendered(request, data)` answers the renderer's bytes in a plain `HttpResponse` with the
Content-Type `Response` would set (the renderer's media type), and no Content-Type when the
body is empty, as `Response` deletes it. DRF's `finalize_response` still adds its `Allow` and
`Vary` headers to it, as to any response.

When the request negotiated another renderer (the browsable API's `text/html`), or none (an
exception's response), the answer is DRF's `Response`, rendered as ever.
tests/foundation/test_responses.py checks both answer the same status, headers and bytes.
"""

from django.http import HttpResponse
from rest_framework.response import Response

from connect_api.renderers import SurrogateSafeJSONRenderer


def rendered(request, data, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """`Response(data, status=status, headers=headers)`, rendered by the JSON renderer the
    request negotiated (see the module's docstring)."""
    renderer = getattr(request, "accepted_renderer", None)
    if type(renderer) is not SurrogateSafeJSONRenderer:
        return Response(data, status=status, headers=headers)
    context = {**request.parser_context, "request": request}
    body = renderer.render(data, request.accepted_media_type, context)
    response = HttpResponse(body, status=status, content_type=renderer.media_type)
    if not body:
        del response["Content-Type"]
    if headers:
        for name, value in headers.items():
            response[name] = value
    return response
