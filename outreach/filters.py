"""Query filters of the outreach lookups (dates as MM/DD/YYYY, like the rest of the API)."""

import django_filters

from outreach.models import Connection

US_DATE_INPUT = ["%m/%d/%Y"]


class AssignmentFilterSet(django_filters.FilterSet):
    """`completed=true|false`, `dueDateFrom` and `dueDateTo` (inclusive, MM/DD/YYYY)."""

    completed = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_completed",
        help_text="true: completed only; false: open only; absent: both.",
    )
    dueDateFrom = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="gte",
        input_formats=US_DATE_INPUT,
        help_text="Due on or after this date (MM/DD/YYYY).",
    )
    dueDateTo = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lte",
        input_formats=US_DATE_INPUT,
        help_text="Due on or before this date (MM/DD/YYYY).",
    )

    class Meta:
        model = Connection
        fields = ["completed"]

    def filter_completed(self, queryset, name, value):
        return queryset.filter(completed=value == "true")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("dueDateFrom", "dueDateTo"):
            self.form.fields[name].error_messages["invalid"] = "Enter a date as MM/DD/YYYY."
