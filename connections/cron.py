"""Cron expressions of an integration's `update_frequency`: one parser for validating them,
computing their next fire times in the integration's time zone, describing them in English and
warning about the ones that are valid but almost surely not meant.

5 fields (`min hour dom month dow`), 6 fields with seconds FIRST (the seed's
`* 20 12 3 8,9 *`; croniter reads 6 fields seconds-last unless told), or a nickname.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

from cron_descriptor import CasingTypeEnum, ExpressionDescriptor, Options
from croniter import croniter

CRON_NICKNAMES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
}

VALID_CRON_FORMS = (
    "use 5 fields 'minute hour day-of-month month day-of-week' (e.g. '0 2 * * *'), "
    "6 fields with seconds first (e.g. '* 20 12 3 8,9 *'), "
    "or one of " + ", ".join(CRON_NICKNAMES) + "."
)

NEXT_RUNS = 3

_NAMES = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    "sun", "mon", "tue", "wed", "thu", "fri", "sat",
}  # fmt: skip
_FIELD = re.compile(r"^[0-9A-Za-z*,/-]+$")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Cron:
    """A valid expression as croniter and cron-descriptor read it (nicknames expanded)."""

    fields: str
    seconds_first: bool


@lru_cache(maxsize=4096)
def parse_cron(value: str) -> Cron | None:
    """The expression, or None when it is not standard cron (no `?`, `L`, `W`, `#`, `H`
    extensions croniter would also take, no dates that never come)."""
    expression = value.strip()
    if expression.startswith("@"):
        expanded = CRON_NICKNAMES.get(expression.lower())
        return Cron(expanded, seconds_first=False) if expanded else None
    fields = expression.split()
    if len(fields) not in (5, 6):
        return None
    for field in fields:
        if not _FIELD.match(field):
            return None
        if any(word.lower() not in _NAMES for word in _WORD.findall(field)):
            return None
    cron = Cron(" ".join(fields), seconds_first=len(fields) == 6)
    try:
        valid = croniter.is_valid(cron.fields, second_at_beginning=cron.seconds_first, strict=True)
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return cron if valid else None


def is_valid_cron(value: str) -> bool:
    return parse_cron(value) is not None


def never_fires(value: str) -> bool:
    """Well-formed cron whose dates never come (`0 0 30 2 *`: no 30 February), which
    parse_cron refuses."""
    fields = value.strip().split()
    if parse_cron(value) is not None or len(fields) not in (5, 6) or fields[-1] != "*":
        return False  # with a day of week too, either day fires: not this mistake
    if not all(_FIELD.match(field) and not _WORD.search(field) for field in fields):
        return False  # an extension (`?`, `L`, `#` ...) or a name: refused as not standard
    try:
        return croniter.is_valid(" ".join(fields), second_at_beginning=len(fields) == 6)
    except (ValueError, TypeError, KeyError, IndexError):
        return False


DEFAULT_TIME_ZONE = "UTC"


_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
"""Files of a zone database that name no place (the host's own zone, a template)."""


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """The IANA zone names (the system's database, else the tzdata package's)."""
    return frozenset(available_timezones()) - _NOT_ZONES


def time_zone_get(name) -> ZoneInfo | None:
    """The zone `name` names (exact IANA spelling, e.g. `Europe/Berlin`), or None."""
    if not isinstance(name, str) or name not in known_time_zones():
        return None
    return ZoneInfo(name)


_upcoming: dict[tuple[Cron, str], tuple[datetime, list[datetime]]] = {}
"""Per expression and zone: when its next runs were computed, and those runs."""


def next_runs(
    value: str, *, time_zone: str = DEFAULT_TIME_ZONE, now: datetime | None = None
) -> list[datetime] | None:
    """The next NEXT_RUNS fire times after `now`, read in `time_zone` (aware datetimes in that
    zone; a wall time a daylight-saving jump skips fires at the first moment after it), or None
    for no (or no valid) schedule or zone.

    Computed once per expression and zone and reused until the first of them has passed: no
    fire time can fall between the moment they were computed and the first of them, so the
    answer is the same (a list of many rows with one schedule costs one croniter walk, not one
    per row).
    """
    cron = parse_cron(value) if value else None
    zone = time_zone_get(time_zone or DEFAULT_TIME_ZONE)
    if cron is None or zone is None:
        return None
    now = now or datetime.now(UTC)
    computed_at, cached = _upcoming.get((cron, zone.key), (None, None))
    if cached and computed_at <= now < cached[0]:
        return cached
    try:
        walk = croniter(cron.fields, now.astimezone(zone), second_at_beginning=cron.seconds_first)
        runs = [walk.get_next(datetime).astimezone(zone) for _ in range(NEXT_RUNS)]
    except (ValueError, KeyError, OverflowError):  # croniter's "no next date" errors
        return []
    if len(_upcoming) >= 4096:
        _upcoming.clear()
    _upcoming[(cron, zone.key)] = (now, runs)
    return runs


_DESCRIPTION_OPTIONS = Options()
_DESCRIPTION_OPTIONS.use_24hour_time_format = True
_DESCRIPTION_OPTIONS.casing_type = CasingTypeEnum.Sentence


@lru_cache(maxsize=4096)
def describe_cron(value: str, time_zone: str = DEFAULT_TIME_ZONE) -> str | None:
    """The schedule in plain English, naming its zone ("At 02:00 (Europe/Berlin)")."""
    cron = parse_cron(value) if value else None
    if cron is None:
        return None
    description = ExpressionDescriptor(cron.fields, _DESCRIPTION_OPTIONS).get_description()
    return f"{description} ({time_zone or DEFAULT_TIME_ZONE})"


# --- warnings: schedules that are valid but almost surely not what was meant ---------------

MIN_INTERVAL_MINUTES = 5
YEARS_LOOKED_AT = 8
"""Years walked to find a schedule that skips some (8 consecutive years hold leap and common
years alike)."""


def _expanded(field: list, full: range) -> list[int]:
    return list(full) if field == ["*"] else sorted({int(value) for value in field})


def _shortest_gap_in_minutes(minutes: list[int], hours: list[int]) -> int:
    """The shortest time between two fires of one hour, or across the turn of an hour when two
    consecutive hours both fire."""
    gaps = [later - earlier for earlier, later in pairwise(minutes)]
    consecutive_hours = any((hour + 1) % 24 in hours for hour in hours)
    if consecutive_hours:
        gaps.append(60 - minutes[-1] + minutes[0])
    return min(gaps, default=60)


def _years_without_a_run(cron: Cron, first_year: int) -> list[int]:
    """Of YEARS_LOOKED_AT years from `first_year`, those in which the schedule never fires."""
    missing, year, last_year = [], first_year, first_year + YEARS_LOOKED_AT - 1
    while year <= last_year:
        start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(seconds=1)
        try:
            walk = croniter(cron.fields, start, second_at_beginning=cron.seconds_first)
            fired = walk.get_next(datetime).year
        except (ValueError, KeyError, OverflowError):
            fired = last_year + 1
        missing.extend(range(year, min(fired, last_year + 1)))
        year = fired + 1
    return missing


@lru_cache(maxsize=4096)
def _warnings(cron: Cron, first_year: int) -> tuple[str, ...]:
    expanded, _ = croniter.expand(cron.fields, second_at_beginning=cron.seconds_first)
    minutes = _expanded(expanded[0], range(60))
    hours = _expanded(expanded[1], range(24))
    days, months = expanded[2], expanded[3]
    seconds = _expanded(expanded[5], range(60)) if cron.seconds_first else [0]
    warnings = []
    if len(seconds) > 1:
        rest = " ".join(cron.fields.split()[1:])
        warnings.append(
            f"It fires {len(seconds)} times a minute: in the 6-field form the first field is "
            f"seconds ({cron.fields.split()[0]!r}); to fire once in each of those minutes, "
            f"put 0 there ('0 {rest}') or drop it ('{rest}')."
        )
    else:
        gap = _shortest_gap_in_minutes(minutes, hours)
        if gap < MIN_INTERVAL_MINUTES:
            every = "every minute" if gap == 1 else f"every {gap} minutes"
            warnings.append(
                f"It fires as often as {every}: more often than every "
                f"{MIN_INTERVAL_MINUTES} minutes, which few feeds need."
            )
    days_of_week = expanded[4]
    # Only 29 February skips years (the other days each month names come every year; with
    # days of the week as well, either fires); the walk runs only for schedules naming it.
    may_skip_years = (
        days_of_week == ["*"]
        and days != ["*"]
        and 29 in {int(day) for day in days}
        and (months == ["*"] or 2 in {int(month) for month in months})
    )
    missing = _years_without_a_run(cron, first_year) if may_skip_years else []
    if missing:
        shown_years = ", ".join(str(year) for year in missing[:3])
        why = (
            ": 29 February comes only in leap years"
            if months == [2] and days != ["*"] and 29 in {int(day) for day in days}
            else ""
        )
        warnings.append(f"It fires only in some years (never in {shown_years}){why}.")
    return tuple(warnings)


def schedule_warnings(value: str, *, now: datetime | None = None) -> list[str]:
    """Plain sentences for a valid schedule that is almost surely a mistake: more than once a
    minute (the 6-field seconds form), more often than every MIN_INTERVAL_MINUTES minutes, or
    only in some years. Empty for a sensible schedule, and for none (or an invalid one: the
    validator refuses those)."""
    cron = parse_cron(value) if value else None
    if cron is None:
        return []
    return list(_warnings(cron, (now or datetime.now(UTC)).year))
