"""django-filter, skipped for a request whose query string names none of the filters.

Building a FilterSet costs more than the unfiltered list it would return: a form class made
per request, deep copies of every filter and form field, then form validation (about 0.3 ms
per request on the connection-request list, the API's hot read: benchmarks/speed.py). A
request that names no filter gets what the FilterSet's `unfiltered` says no filter means; one
that names any goes through the FilterSet as before.
"""

from django_filters import rest_framework as filters


def names_a_filter(request, filterset_class) -> bool:
    """Whether the query string names any of the FilterSet's filters (a prefix match too:
    range filters read `<name>_min`, `<name>_after` ...)."""
    names = filterset_class.base_filters
    return any(param.startswith(name) for param in request.query_params for name in names)


class QueryStringFilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not names_a_filter(request, filterset_class):
            unfiltered = getattr(filterset_class, "unfiltered", None)
            return unfiltered(queryset) if unfiltered is not None else queryset
        return super().filter_queryset(request, queryset, view)
