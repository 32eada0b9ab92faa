from rest_framework.renderers import JSONRenderer


class SurrogateSafeJSONRenderer(JSONRenderer):
    """UTF-8 JSON; a lone surrogate (valid in JSON input, not encodable as UTF-8) is escaped.

    Error messages quote client input, so `"\\ud800"` in a body must not turn a 400 into a 500.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)
