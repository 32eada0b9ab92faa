"""ISO 8601 dates and date-times as query parameters: one parser, only values a database holds.

`2026-03-01` (a whole day: its first or, with end_of_day, its last instant) or
`2026-03-01T12:00:00Z` / `...+05:30` / without an offset (UTC). The result is always an aware
datetime in UTC, so the offset never reaches the database (PostgreSQL refuses offsets past
+-15:59) and a moment at the calendar's edge that UTC cannot express (`9999-12-31T23:59:59-05:00`,
`0001-01-01T00:00:00+05:00`) is refused here as ValueError instead of overflowing in the driver.
"""

from datetime import UTC, datetime, time

from django.utils.dateparse import parse_date, parse_datetime


def parse_iso_moment(text: str, *, end_of_day: bool = False) -> datetime:
    """The UTC moment `text` names; ValueError when it is malformed or outside years 1-9999
    once in UTC."""
    day = parse_date(text)  # ValueError for a date that does not exist
    if day is not None:
        moment = datetime.combine(day, time.max if end_of_day else time.min)
    else:
        moment = parse_datetime(text)  # ValueError for bad fields or an offset of 24 h or more
        if moment is None:
            raise ValueError(f"not an ISO 8601 date or date-time: {text!r}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"outside the years 1-9999 in UTC: {text!r}") from None
