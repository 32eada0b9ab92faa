"""DRF's content negotiation, its choice remembered.

Every response runs it: DRF parses the Accept header into media types and matches them
against the view's renderers, the same work for the same header on every call (a client sends
one Accept, or none). The choice depends on nothing but the renderers' classes, the format
asked for (`?format=` or a suffix) and the Accept header, so it is kept per such triple: the
renderer's position in the view's list and the media type chosen. A refusal (406, an unknown
format's 404) is not kept, and neither is a header longer than `_KEPT_HEADER_LENGTH`.
"""

from rest_framework.negotiation import DefaultContentNegotiation

from connect_api.prepared import once_per_shape

_KEPT_HEADER_LENGTH = 256
_chosen: dict[tuple, tuple[int, str]] = {}


class RememberedContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "")
        if len(accept) > _KEPT_HEADER_LENGTH:
            return super().select_renderer(request, renderers, format_suffix)
        asked = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        key = (tuple(type(renderer) for renderer in renderers), asked, accept)
        chosen = _chosen.get(key)
        if chosen is None:
            renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            chosen = once_per_shape(
                _chosen, key, lambda: (_position(renderers, renderer), media_type)
            )
        index, media_type = chosen
        return renderers[index], media_type


def _position(renderers: list, renderer) -> int:
    return next(index for index, one in enumerate(renderers) if one is renderer)
