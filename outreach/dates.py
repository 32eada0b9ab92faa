"""Dates as the vendor's mobile app writes and reads them: MM/DD/YYYY (US order)."""

import re
from datetime import date, datetime

from django.utils import timezone

US_DATE_SHAPE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)


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
