import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from connect_api.api.booleans import QueryBooleanFilter
from connect_api.datetimes import parse_iso_moment
from connections.choices import ConnectionRequestStatus, IntegrationType
from connections.models import ConnectionRequest, Integration


class DateOrDateTimeField(forms.Field):
    """ISO 8601 date (`2026-03-01`) or datetime (`2026-03-01T12:00:00Z`); naive means UTC."""

    default_error_messages = {
        "invalid": "Use an ISO 8601 date (2026-03-01) or date-time (2026-03-01T12:00:00Z)."
    }

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_iso_moment(value, end_of_day=self.end_of_day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField


class IntegrationTypeFilterField(django_filters.fields.ChoiceField):
    """Singular or plural spelling, any case, as the request body accepts."""

    def to_python(self, value):
        value = super().to_python(value)
        return IntegrationType.from_spelling(value) or value


class IntegrationTypeFilter(django_filters.ChoiceFilter):
    field_class = IntegrationTypeFilterField


class ConnectionRequestFilterSet(django_filters.FilterSet):
    """Withdrawn requests are listed only when `status=WITHDRAWN` is asked for."""

    status = django_filters.ChoiceFilter(choices=ConnectionRequestStatus.choices)
    is_approved = QueryBooleanFilter(method="filter_is_approved")
    integration_type = IntegrationTypeFilter(
        choices=IntegrationType.choices, method="filter_integration_type"
    )
    request_date_after = DateOrDateTimeFilter(field_name="request_date", lookup_expr="gte")
    request_date_before = DateOrDateTimeFilter(
        field_name="request_date", lookup_expr="lte", end_of_day=True
    )
    search = django_filters.CharFilter(method="filter_search", max_length=200)

    class Meta:
        model = ConnectionRequest
        fields = []

    @classmethod
    def unfiltered(cls, queryset):
        """What no filter means (connect_api.filtering skips the FilterSet then)."""
        return queryset.listed()

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = self.unfiltered(queryset)
        return super().filter_queryset(queryset)

    def filter_is_approved(self, queryset, name, value):
        approved = Q(status=ConnectionRequestStatus.APPROVED)
        return queryset.filter(approved if value else ~approved)

    def filter_integration_type(self, queryset, name, value):
        of_type = Integration.objects.filter(request=OuterRef("pk"), integration_type=value)
        return queryset.filter(Exists(of_type))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(counterpart_name__icontains=value)
            | Q(contact_name__icontains=value)
            | Q(contact_email__icontains=value)
        )
