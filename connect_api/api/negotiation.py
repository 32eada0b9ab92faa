"""DRF's content negotiation, its choices remembered.

Every response runs it: DRF parses the Accept header into media types and matches them
against the view's renderers, the same work for the same header on every call (a client sends
one Accept, or none). The choice depends on nothing but the renderers' classes, the format
asked for (`?format=` or a suffix) and the Accept header, so it is kept per such triple: the
renderer's position in the view's list and the media type chosen. A refusal (406, an unknown
format's 404) is not kept, and neither is a header longer than `_KEPT_HEADER_LENGTH`. A request
without a query string asks for no format: its query dict is not built to find that out.

A view that makes its renderers as DRF does (one of each class of `renderer_classes`) asks
`remembered_renderer` first: the choice kept for its classes, so that only the chosen renderer
is made (connect_api.api.dispatch); a choice not yet kept goes through `select_renderer`,
which keeps it.

A body's parser is chosen the same way, by the parsers' classes and the Content-Type header:
DRF parses both media types of every parser it tries. A Content-Type no parser takes (415) is
not kept.
"""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

from connect_api.prepared import once_per_shape

_KEPT_HEADER_LENGTH = 256
_chosen: dict[tuple, tuple[int, str]] = {}
_parsers: dict[tuple, int] = {}


def _key(request, classes: tuple, format_suffix) -> tuple | None:
    """What a choice is kept by, or None for an Accept header too long to keep."""
    meta = request.META
    accept = meta.get("HTTP_ACCEPT", "")
    if len(accept) > _KEPT_HEADER_LENGTH:
        return None
    asked = format_suffix
    if not asked and meta.get("QUERY_STRING"):
        asked = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
    return (classes, asked or None, accept)


def remembered_renderer(request, renderer_classes, format_suffix) -> tuple | None:
    """(the renderer `RememberedContentNegotiation.select_renderer` chose for renderers of
    these classes, made anew; its media type), if it has chosen one for this request's
    Accept and format; else None."""
    key = _key(request, tuple(renderer_classes), format_suffix)
    chosen = None if key is None else _chosen.get(key)
    if chosen is None:
        return None
    index, media_type = chosen
    return renderer_classes[index](), media_type


class RememberedContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        key = _key(request, tuple(map(type, renderers)), format_suffix)
        if key is None:
            return super().select_renderer(request, renderers, format_suffix)
        chosen = _chosen.get(key)
        if chosen is None:
            renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            chosen = once_per_shape(
                _chosen, key, lambda: (_position(renderers, renderer), media_type)
            )
        index, media_type = chosen
        return renderers[index], media_type

    def select_parser(self, request, parsers):
        content_type = request.content_type
        if content_type is None or len(content_type) > _KEPT_HEADER_LENGTH:
            return super().select_parser(request, parsers)
        key = (tuple(map(type, parsers)), content_type)
        index = _parsers.get(key)
        if index is None:
            parser = super().select_parser(request, parsers)
            if parser is None:
                return None
            index = once_per_shape(_parsers, key, lambda: _position(parsers, parser))
        return parsers[index]


def _position(choices: list, chosen) -> int:
    return next(index for index, one in enumerate(choices) if one is chosen)
