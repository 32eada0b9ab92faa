"""Cron expressions of an integration's `update_frequency`: one parser for validating them,
computing their next fire times and describing them in English.

5 fields (`min hour dom month dow`), 6 fields with seconds FIRST (the seed's
`* 20 12 3 8,9 *`; croniter reads 6 fields seconds-last unless told), or a nickname.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

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


_upcoming: dict[Cron, tuple[datetime, list[datetime]]] = {}
"""Per expression: when its next runs were computed, and those runs."""


def next_runs(value: str, *, now: datetime | None = None) -> list[datetime] | None:
    """The next NEXT_RUNS fire times after `now` (UTC), or None for no (or no valid) schedule.

    Computed once per expression and reused until the first of them has passed: no fire time
    can fall between the moment they were computed and the first of them, so the answer is the
    same (a list of many rows with one schedule costs one croniter walk, not one per row).
    """
    cron = parse_cron(value) if value else None
    if cron is None:
        return None
    now = now or datetime.now(UTC)
    computed_at, cached = _upcoming.get(cron, (None, None))
    if cached and computed_at <= now < cached[0]:
        return cached
    try:
        walk = croniter(cron.fields, now, second_at_beginning=cron.seconds_first)
        runs = [walk.get_next(datetime).astimezone(UTC) for _ in range(NEXT_RUNS)]
    except (ValueError, KeyError, OverflowError):  # croniter's "no next date" errors
        return []
    if len(_upcoming) >= 4096:
        _upcoming.clear()
    _upcoming[cron] = (now, runs)
    return runs


_DESCRIPTION_OPTIONS = Options()
_DESCRIPTION_OPTIONS.use_24hour_time_format = True
_DESCRIPTION_OPTIONS.casing_type = CasingTypeEnum.Sentence


@lru_cache(maxsize=4096)
def describe_cron(value: str) -> str | None:
    """The schedule in plain English ("Every second, at 20 minutes past the hour, ..."), UTC."""
    cron = parse_cron(value) if value else None
    if cron is None:
        return None
    return ExpressionDescriptor(cron.fields, _DESCRIPTION_OPTIONS).get_description() + " (UTC)"
