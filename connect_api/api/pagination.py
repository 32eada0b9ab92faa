"""Paging of the outreach API: `?pageIndex=&pageSize=` answering the vendor app's envelope
`{"Page": [...], "PageIndex", "PageCount", "PageSize"}` (CorePagedResult).

(The supplier API's `start`/`limit` paging is connect_api.pagination.StartLimitPagination.)
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from rest_framework import serializers

from connect_api.pagination import matches_up_to

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
        matches = matches_up_to(queryset, cap)
        matched = matches.count()
        start = self.index * self.size
        if matched <= cap:
            page_count = math.ceil(matched / self.size)
            rows = []
            if start < matched:
                rows = list(queryset.filter(pk__in=matches)[start : start + self.size])
        else:
            rows = list(queryset[start : start + self.size + 1])
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
