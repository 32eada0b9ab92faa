"""The paginations of both APIs.

- `StartLimitPagination` (and `BareListPagination`): the supplier API's `start`/`limit`,
  from the query string or the JSON body, answering `{<items>: [...], "pagination": {...}}`.
- `ChangeRequestPagination`: the same paging for the outreach change-request lists, answering
  `{"ChangeRequests": [...], "Pagination": {...}}` (its `keyed()` names another items key).
- `ReviewPagination`: a change-request list's `start`/`limit` that also keeps the older
  `pageIndex`/`pageSize` spelling and its envelope (the comment change-request list).
- `PageIndexPagination`: the outreach lookups' `?pageIndex=&pageSize=`, answering the vendor
  app's envelope `{"Page": [...], "PageIndex", "PageCount", "PageSize"}` (CorePagedResult).
"""

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.db import connections
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from connect_api.api.responses import rendered
from connect_api.prepared import Window


def non_negative_int(raw, name: str) -> int:
    """A paging number from a query string (`"5"`) or a JSON body (`5`); 400 naming `name`."""
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        try:
            return int(raw)
        except ValueError:  # str.strip() drops separators (\x1c ...) that int() refuses
            pass
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    raise ValidationError({name: ["Must be a non-negative integer."]})


def matches_up_to(queryset: QuerySet, cap: int) -> QuerySet:
    """The keys of at most `cap` + 1 of the queryset's rows, in no order: its `.count()` is
    exact while `cap` or fewer match (and only says "more" beyond), reading no more than that
    many rows; as a subquery (`pk__in=`) it bounds what the outer query sorts."""
    return _keys_in(queryset, Window(0, cap + 1))


def _keys_in(queryset: QuerySet, window: Window) -> QuerySet:
    return queryset.order_by().values("pk")[window.begin : window.end]


def count_up_to(queryset: QuerySet, cap: int) -> int:
    """`matches_up_to(queryset, cap).count()`, compiled once for a prepared list's queryset
    (connect_api.prepared.PreparedList)."""
    prepared = getattr(queryset, "prepared", None)
    if prepared is not None:
        return prepared.count(_keys_in, Window(0, cap + 1))
    return matches_up_to(queryset, cap).count()


def _rows_in(queryset: QuerySet, window: Window) -> QuerySet:
    return queryset[window.begin : window.end]


def _page(queryset: QuerySet, shaped: Callable[[QuerySet, Window], QuerySet], window: Window):
    """`list(shaped(queryset, window))`, compiled once per window for a prepared list's
    queryset (connect_api.prepared.PreparedList)."""
    prepared = getattr(queryset, "prepared", None)
    if prepared is not None:
        return prepared.rows(shaped, window)
    return list(shaped(queryset, window))


@functools.cache
def _rows_among_matches(cap: int) -> Callable[[QuerySet, Window], QuerySet]:
    """The window of the queryset's rows among `matches_up_to(queryset, cap)` (one function
    per cap, so a prepared list compiles it once)."""

    def shaped(queryset: QuerySet, window: Window) -> QuerySet:
        return _rows_in(queryset.filter(pk__in=matches_up_to(queryset, cap)), window)

    return shaped


def _rows_in_deferred(queryset: QuerySet, window: Window) -> QuerySet:
    """The window's keys first (a subquery the list's index answers alone, without visiting
    the skipped rows), then only their rows read whole: still one query."""
    return queryset.filter(pk__in=_rows_in(queryset, window).values("pk"))


EXACTNESS = (
    "false when more rows match than the server counts exactly (LIST_EXACT_COUNT_CAP, 10,000 "
    "by default): `total_count` is then PostgreSQL's estimate, never less than the rows up to "
    "this page plus one, so paging until `start >= total_count` or until an empty page still "
    "reaches every row. Exact again on a page that reaches the end and in the last quarter, "
    "and, for the list without filters on PostgreSQL (which counts its rows per day), on "
    "every page from `start` = LIST_EXACT_COUNT_CAP on."
)


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
    def keyed(cls, items_key: str, *, count_capped: bool = False) -> type["StartLimitPagination"]:
        name = f"{items_key.title().replace('_', '')}Pagination"
        return type(name, (cls,), {"items_key": items_key, "count_capped": count_capped})

    # From this `start` on, the page's keys are found first (a subquery the list's index
    # answers alone, without visiting the skipped rows) and only its rows are read whole.
    DEFERRED_FROM = 1000

    # A list that may reach millions of rows counts them exactly only up to
    # settings.LIST_EXACT_COUNT_CAP and answers `total_count_exact` (see _paginate_beyond_cap).
    count_capped = False

    @property
    def exact_count_cap(self) -> int | None:
        return settings.LIST_EXACT_COUNT_CAP if self.count_capped else None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.count_exact = True
        cap = self.exact_count_cap
        if cap is not None and isinstance(queryset, QuerySet):
            counted = count_up_to(queryset, cap)
            if counted > cap:
                return self._paginate_beyond_cap(queryset, self.get_offset(request))
            self.count = counted
        else:
            self.count = self.get_count(queryset)
        self.offset = min(self.get_offset(request), self.count)
        if self.offset == self.count:
            return []
        return self._window(queryset, self.offset, self.offset + self.limit)

    def _window(self, queryset, begin: int, end: int) -> list:
        """Rows `begin` to `end` (exclusive) in list order, as one query (compiled once per
        window for a prepared list's queryset, connect_api.prepared.PreparedList)."""
        if not isinstance(queryset, QuerySet):
            return list(queryset[begin:end])
        shaped = _rows_in_deferred if begin >= self.DEFERRED_FROM else _rows_in
        return _page(queryset, shaped, Window(begin, end))

    # Beyond the cap, a `start` before this fraction of the planner's estimate is read forward
    # without a count. Past it, an exact count (one parallel index-only scan of every row) and
    # a walk back from the end cost less than the walk from the front; before it they cost
    # more (at 900,000 rows, start=450,000: the count alone took longer than the forward walk,
    # and an estimate a little under the true total put the middle itself on the counting side).
    READ_FORWARD_BEFORE = 0.75

    def _paginate_beyond_cap(self, queryset: QuerySet, offset: int) -> list:
        """More than `exact_count_cap` rows. Before READ_FORWARD_BEFORE of the planner's
        estimate, the page is read first, one row more than asked, and `total_count` is the
        estimate raised to what the page proves (flagged not exact), or exact when the page
        reaches the end. Past it, the rows are counted exactly and the page is read from the
        nearer end, so no `start` walks more than READ_FORWARD_BEFORE of the rows.

        A list that counts its rows per day (`queryset.shown_days`, e.g.
        connections.selectors.ShownDays) is placed by those counts instead from the cap on:
        its exact total, and the page read from the start of the day that holds `start`, so
        that no page walks more than the cap or one day's rows."""
        days = getattr(queryset, "shown_days", None)
        # Within the cap the walk is short and the first pages answer the estimate, as below.
        placed = None if days is None or offset < self.exact_count_cap else days.place(offset)
        if placed is not None:
            self.count = placed.total
            self.offset = min(offset, placed.total)
            if placed.bound is None:
                return []
            rows = days.rows_from(placed)
            return self._window(rows, placed.skipped, placed.skipped + self.limit)
        estimate = max(self._estimate(queryset), self.exact_count_cap + 1)
        if offset < estimate * self.READ_FORWARD_BEFORE:
            rows = self._window(queryset, offset, offset + self.limit + 1)
            self.offset = offset
            if len(rows) > self.limit:  # at least one row after this page
                self.count = max(estimate, offset + self.limit + 1)
                self.count_exact = False
                return rows[: self.limit]
            if rows:  # the page reaches the end
                self.count = offset + len(rows)
                return rows
        self.count = queryset.count()
        self.offset = min(offset, self.count)
        if self.offset == self.count:
            return []
        end = min(self.offset + self.limit, self.count)
        if self.count - end >= self.offset or not queryset.ordered:
            return self._window(queryset, self.offset, end)
        # Nearer the end: the same rows, counted from the last one backwards.
        from_end = queryset.reverse()[self.count - end : self.count - self.offset]
        return list(queryset.filter(pk__in=from_end.values("pk")))

    @staticmethod
    def _estimate(queryset: QuerySet) -> int:
        """The planner's estimate of the rows (PostgreSQL; elsewhere 0: no estimate)."""
        if connections[queryset.db].vendor != "postgresql":
            return 0
        sql, params = queryset.values("pk").order_by().query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            (plan,) = cursor.fetchone()
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

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
        pagination = {"total_count": self.count, "start": self.offset, "limit": self.limit}
        if self.count_capped:
            pagination["total_count_exact"] = self.count_exact
        return rendered(self.request, {self.items_key: data, "pagination": pagination})

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
                        **(
                            {"total_count_exact": {"type": "boolean", "description": EXACTNESS}}
                            if self.count_capped
                            else {}
                        ),
                    },
                },
            },
        }


class BareListPagination(StartLimitPagination):
    """`start`/`limit` paging of a list the docs answer as a bare JSON array: the page is the
    body, the total in `X-Total-Count`."""

    def get_paginated_response(self, data):
        return rendered(self.request, data, headers={"X-Total-Count": str(self.count)})

    def get_paginated_response_schema(self, schema):
        return schema


class ChangeRequestPagination(StartLimitPagination):
    """`?start=&limit=` answering `{<items_key>: [...], "Pagination": {...}}`, the items key
    "ChangeRequests" unless `keyed()` names another."""

    items_key = "ChangeRequests"

    def get_paginated_response(self, data):
        return rendered(
            self.request,
            {
                self.items_key: data,
                "Pagination": {"TotalCount": self.count, "Start": self.offset, "Limit": self.limit},
            },
        )

    def get_paginated_response_schema(self, schema):
        counts = {"type": "integer"}
        return {
            "type": "object",
            "required": [self.items_key, "Pagination"],
            "properties": {
                self.items_key: schema,
                "Pagination": {
                    "type": "object",
                    "required": ["TotalCount", "Start", "Limit"],
                    "properties": {"TotalCount": counts, "Start": counts, "Limit": counts},
                },
            },
        }


# --- outreach lookups: pageIndex / pageSize ------------------------------------------------

MAX_ID = 2**31 - 1


class PageQuerySerializer(serializers.Serializer):
    """`?pageIndex=&pageSize=` of every paged lookup (the app sends pageIndex only)."""

    MAX_PAGE_SIZE = 100

    pageIndex = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, default=0, help_text="From 0."
    )
    pageSize = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        default=25,
        help_text="Default 25; above 100 means 100.",
    )

    def validate_pageSize(self, value: int) -> int:
        return min(value, self.MAX_PAGE_SIZE)


def page_shape(name: str, item: type) -> type:
    """The TypedDict of `PageIndexPagination.data`'s envelope around `item`s, named `name`
    (its schema component)."""
    return TypedDict(
        name,
        {"Page": list[item], "PageIndex": int, "PageCount": int, "PageSize": int},
    )


@dataclass(frozen=True)
class PageIndexPagination:
    """One page of a paged lookup: `pageIndex` (from 0) and `pageSize`."""

    index: int
    size: int

    @classmethod
    def from_query(cls, validated_data: dict) -> "PageIndexPagination":
        """The page a PageQuerySerializer (or a subclass) validated."""
        return cls(validated_data["pageIndex"], validated_data["pageSize"])

    @classmethod
    def from_request(cls, request) -> "PageIndexPagination":
        """The page the request's query string asks for (400 for a bad pageIndex/pageSize)."""
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return cls.from_query(query.validated_data)

    def rows(self, queryset: QuerySet) -> tuple[list, int]:
        """This page's rows and the page count (one COUNT, one SELECT)."""
        total = queryset.count()
        start = self.index * self.size
        rows = list(queryset[start : start + self.size]) if start < total else []
        return rows, math.ceil(total / self.size)

    def rows_counted_up_to(
        self, queryset: QuerySet, cap: int, prefetches: Sequence[Prefetch | str] = ()
    ) -> tuple[list, int]:
        """This page's rows and a page count that is exact while at most `cap` rows match
        (for a search, where an exact count of a broad fragment costs as much as reading
        every match), in two queries however many match:

        - the matches counted up to `cap` + 1 (`count(*)` over a subquery with that LIMIT:
          the trigram index alone, no row read);
        - `cap` or fewer: the page is read from those same bounded matches (the subquery
          again, so the sort covers at most `cap` rows whatever the planner would have
          guessed about the filter, and no list of ids travels to Python and back) and the
          count is exact;
        - more: the page is read in the queryset's order with one row beyond it, and the
          count is a lower bound: that of the `cap` + 1 rows known to match, raised to
          include this page and, when there is one, the next (exact on the last page). A
          client that shows "more" while `PageIndex < PageCount - 1`, as the vendor's app
          does, pages to the end.

        (Reading the bounded page with its count in one query, `COUNT(*) OVER ()`, saves the
        count for narrow fragments but reads and sorts all `cap` + 1 rows for broad ones:
        25 ms instead of 5 for `son` at 500,000 people, benchmarks/outreach_search.py.)

        `prefetches` are loaded for the page's rows once it is read."""
        matched = count_up_to(queryset, cap)
        start = self.index * self.size
        if matched <= cap:
            page_count = math.ceil(matched / self.size)
            rows = []
            if start < matched:
                rows = _page(queryset, _rows_among_matches(cap), Window(start, start + self.size))
        else:
            rows = _page(queryset, _rows_in, Window(start, start + self.size + 1))
            seen = start + len(rows) if rows else 0
            rows, page_count = rows[: self.size], math.ceil(max(cap + 1, seen) / self.size)
        prefetch_related_objects(rows, *prefetches)
        return rows, page_count

    def data(self, items: list, page_count: int) -> dict:
        """The app's paged envelope (CorePagedResult) around already built items."""
        return {
            "Page": items,
            "PageIndex": self.index,
            "PageCount": page_count,
            "PageSize": self.size,
        }

    def page_of(self, queryset: QuerySet, item: Callable[[object], object]) -> dict:
        """This page of `queryset`, each row built by `item`, in the app's envelope."""
        rows, page_count = self.rows(queryset)
        return self.data([item(row) for row in rows], page_count)


class ReviewPagination(ChangeRequestPagination):
    """A review list paged by `start`/`limit` like the change requests, or by the older
    `pageIndex`/`pageSize`.

    A query string naming `start` or `limit` is answered `{<items_key>: [...], "Pagination":
    {...}}` (`keyed()` names the items key); any other request (`pageIndex`/`pageSize`, or no
    paging at all) is paged and answered exactly as before start/limit existed: the envelope
    `{"Page": [...], "PageIndex", "PageCount", "PageSize"}`, 25 rows by default. Naming both
    spellings is a 400. The query string alone chooses the spelling (these lists are GETs)."""

    OLDER_PARAMS = ("pageIndex", "pageSize")

    page_index: PageIndexPagination | None = None

    def paginate_queryset(self, queryset, request, view=None):
        query = request.query_params
        if self.offset_query_param in query or self.limit_query_param in query:
            mixed = [name for name in self.OLDER_PARAMS if name in query]
            if mixed:
                message = "Page by start/limit or by pageIndex/pageSize, not both."
                raise ValidationError({name: [message] for name in mixed})
            self.page_index = None
            return super().paginate_queryset(queryset, request, view)
        self.request = request  # as LimitOffsetPagination keeps it, for the answer
        self.page_index = PageIndexPagination.from_request(request)
        rows, self.page_count = self.page_index.rows(queryset)
        return rows

    def get_paginated_response(self, data):
        if self.page_index is None:
            return super().get_paginated_response(data)
        return rendered(self.request, self.page_index.data(data, self.page_count))

    def get_paginated_response_schema(self, schema):
        """Either envelope: the keys each requires tell them apart."""
        counts = {"type": "integer"}
        page = {
            "type": "object",
            "required": ["Page", "PageIndex", "PageCount", "PageSize"],
            "properties": {
                "Page": schema,
                "PageIndex": counts,
                "PageCount": counts,
                "PageSize": counts,
            },
        }
        return {"oneOf": [super().get_paginated_response_schema(schema), page]}

    def get_schema_operation_parameters(self, view):
        answer = (
            f' Paging by start/limit answers `{{"{self.items_key}": [...], "Pagination": '
            '{"TotalCount", "Start", "Limit"}}`; pageIndex/pageSize (the older spelling) or '
            "no paging answers the `Page` envelope."
        )
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["description"] += answer
        return parameters
