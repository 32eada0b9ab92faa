from collections.abc import Mapping

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


def non_negative_int(raw, name: str) -> int:
    """A paging number from a query string (`"5"`) or a JSON body (`5`); 400 naming `name`."""
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    raise ValidationError({name: ["Must be a non-negative integer."]})


class StartLimitPagination(LimitOffsetPagination):
    """`start`/`limit` paging answering `{<items_key>: [...], "pagination": {...}}`.

    A view names its items key with `pagination_class = StartLimitPagination.keyed("requests")`.

    `start` and `limit` come from the query string or, for a parameter the query string does
    not name, from a JSON object body as the platform's docs send them: at the top level
    (`{"start": 0, "limit": 50}`, the request list) or in a `pagination` object
    (`{"pagination": {"start": 0, "limit": 25}}`, discovery). A `start` at or past the end is
    answered as `total_count` (the docs: "'start' is forced to the Number-of-suppliers").
    """

    offset_query_param = "start"
    limit_query_param = "limit"
    default_limit = 50
    max_limit = 100
    items_key = "results"

    @classmethod
    def keyed(cls, items_key: str) -> type["StartLimitPagination"]:
        name = f"{items_key.title().replace('_', '')}Pagination"
        return type(name, (cls,), {"items_key": items_key})

    # From this `start` on, the page's keys are found first (a subquery the list's index
    # answers alone, without visiting the skipped rows) and only its rows are read whole.
    DEFERRED_FROM = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.count = self.get_count(queryset)
        self.offset = min(self.get_offset(request), self.count)
        if self.offset == self.count:
            return []
        window = queryset[self.offset : self.offset + self.limit]
        if self.offset >= self.DEFERRED_FROM and isinstance(queryset, QuerySet):
            window = queryset.filter(pk__in=window.values("pk"))  # still one query
        return list(window)

    def get_limit(self, request):
        raw, name = self._sent(request, self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        value = non_negative_int(raw, name)
        if value == 0:
            raise ValidationError({name: ["Must be a positive integer."]})
        return min(value, self.max_limit)

    def get_offset(self, request):
        raw, name = self._sent(request, self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return non_negative_int(raw, name)

    @staticmethod
    def _sent(request, param: str) -> tuple[object, str]:
        """The value of `param` and the name the client sent it under."""
        if param in request.query_params:
            return request.query_params[param], param
        body = request.data if request.stream is not None else None
        if isinstance(body, Mapping):
            if param in body:
                return body[param], param
            nested = body.get("pagination")
            if isinstance(nested, Mapping) and param in nested:
                return nested[param], f"pagination.{param}"
        return None, param

    def get_paginated_response(self, data):
        return Response(
            {
                self.items_key: data,
                "pagination": {
                    "total_count": self.count,
                    "start": self.offset,
                    "limit": self.limit,
                },
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": [self.items_key, "pagination"],
            "properties": {
                self.items_key: schema,
                "pagination": {
                    "type": "object",
                    "required": ["total_count", "start", "limit"],
                    "properties": {
                        "total_count": {"type": "integer"},
                        "start": {"type": "integer"},
                        "limit": {"type": "integer"},
                    },
                },
            },
        }
