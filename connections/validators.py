"""Cron expressions for an integration's `update_frequency`."""

import re

from croniter import croniter
from rest_framework import serializers

from connect_api.errors import shown

CRON_NICKNAMES = ("@hourly", "@daily", "@weekly", "@monthly", "@yearly")

VALID_CRON_FORMS = (
    "use 5 fields 'minute hour day-of-month month day-of-week' (e.g. '0 2 * * *'), "
    "6 fields with seconds first (e.g. '* 20 12 3 8,9 *'), "
    "or one of " + ", ".join(CRON_NICKNAMES) + "."
)

_NAMES = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    "sun", "mon", "tue", "wed", "thu", "fri", "sat",
}  # fmt: skip
_FIELD = re.compile(r"^[0-9A-Za-z*,/-]+$")
_WORD = re.compile(r"[A-Za-z]+")


def is_valid_cron(value: str) -> bool:
    """Standard cron only: no `?`, `L`, `W`, `#`, `H` extensions croniter would also take."""
    expression = value.strip()
    if expression.startswith("@"):
        return expression.lower() in CRON_NICKNAMES
    fields = expression.split()
    if len(fields) not in (5, 6):
        return False
    for field in fields:
        if not _FIELD.match(field):
            return False
        if any(word.lower() not in _NAMES for word in _WORD.findall(field)):
            return False
    try:
        return croniter.is_valid(expression, second_at_beginning=len(fields) == 6, strict=True)
    except (ValueError, TypeError, KeyError, IndexError):
        return False


def validate_update_frequency(value: str) -> str:
    if not is_valid_cron(value):
        raise serializers.ValidationError(
            f"{shown(value)!r} is not a valid cron expression: " + VALID_CRON_FORMS
        )
    return value.strip()
