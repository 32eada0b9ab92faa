from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class StartLimitPagination(LimitOffsetPagination):
    """`?start=&limit=` paging answering `{<items_key>: [...], "pagination": {...}}`.

    A view names its items key with `pagination_class = StartLimitPagination.keyed("requests")`.
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

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        value = self._non_negative_int(raw, self.limit_query_param)
        if value == 0:
            raise ValidationError({self.limit_query_param: ["Must be a positive integer."]})
        return min(value, self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return self._non_negative_int(raw, self.offset_query_param)

    @staticmethod
    def _non_negative_int(raw: str, name: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValidationError({name: ["Must be a non-negative integer."]}) from None
        if value < 0:
            raise ValidationError({name: ["Must be a non-negative integer."]})
        return value

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
