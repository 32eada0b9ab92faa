"""Query filters of the outreach lookups (dates as MM/DD/YYYY, like the rest of the API)."""

import django_filters
from drf_spectacular.utils import extend_schema_field

from connect_api.api.booleans import TRUE_OR_FALSE, parse_boolean
from outreach.dates import US_DATE_SCHEMA, UsDateFormField
from outreach.models import Connection


@extend_schema_field(US_DATE_SCHEMA)
class UsDateFilter(django_filters.DateFilter):
    """MM/DD/YYYY through the one parser the change-request body uses too."""

    field_class = UsDateFormField


class AssignmentFilterSet(django_filters.FilterSet):
    """`completed=true|false`, `dueDateFrom` and `dueDateTo` (inclusive, MM/DD/YYYY)."""

    completed = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_completed",
        help_text="true: completed only; false: open only; absent: both.",
    )
    dueDateFrom = UsDateFilter(
        field_name="due_date",
        lookup_expr="gte",
        help_text="Due on or after this date (MM/DD/YYYY).",
    )
    dueDateTo = UsDateFilter(
        field_name="due_date",
        lookup_expr="lte",
        help_text="Due on or before this date (MM/DD/YYYY).",
    )

    class Meta:
        model = Connection
        fields = ["completed"]

    @extend_schema_field({"type": "string", "enum": ["true", "false"]})
    def filter_completed(self, queryset, name, value):
        return queryset.filter(completed=parse_boolean(value, TRUE_OR_FALSE))
