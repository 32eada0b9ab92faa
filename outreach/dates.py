"""Dates as the vendor's mobile app writes and reads them: MM/DD/YYYY (US order).

`us_date_parse` is the one MM/DD/YYYY parser: the change-request body (UsDateField) and the
query filters (UsDateFormField) both use it, so a date is valid in both or in neither.
"""

import re
from datetime import date, datetime

from django import forms
from django.utils import timezone

US_DATE_SHAPE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)

US_DATE_SCHEMA = {"type": "string", "pattern": r"^\d{2}/\d{2}/\d{4}$", "example": "06/05/2015"}
"""How the OpenAPI schema shows an MM/DD/YYYY value, in bodies and query parameters alike (a
string with a pattern: `format: date` would make generated clients send ISO dates)."""


def us_date(value: date | datetime | None) -> str | None:
    """MM/DD/YYYY (the year always four digits); a datetime shows its date in the server's
    time zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def us_datetime(value: datetime | None) -> str | None:
    """MM/DD/YYYY HH:MM:SS in the server's time zone."""
    if value is None:
        return None
    value = timezone.localtime(value)
    return f"{us_date(value.date())} {value:%H:%M:%S}"


def us_date_parse(text: str) -> date | None:
    """The date `text` names in exactly the MM/DD/YYYY shape (ASCII digits, nothing around
    it), or None when the shape is wrong. Raises ValueError for a date that does not exist."""
    match = US_DATE_SHAPE.fullmatch(text)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    return date(year, month, day)


class UsDateFormField(forms.DateField):
    """A form (and django-filter) field reading exactly MM/DD/YYYY with `us_date_parse`."""

    default_error_messages = {
        "invalid": "Enter a date as MM/DD/YYYY.",
        "impossible": "%(value)s is not a date that exists.",
    }

    def to_python(self, value):
        if isinstance(value, date):
            return value
        value = str(value).strip() if value is not None else value
        if value in self.empty_values:
            return None
        try:
            parsed = us_date_parse(value)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["impossible"], code="invalid", params={"value": value}
            ) from None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
