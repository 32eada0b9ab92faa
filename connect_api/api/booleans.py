"""The one boolean parser of both APIs: every boolean read from a query string or a request
body goes through `parse_boolean`.

Which spellings mean true and false is a parameter, because each API's clients rely on
their own rule and the same input gets different answers today:

- `JSON_BOOLEAN`: a JSON `true`/`false` only; `"true"`, `1` and `"yes"` are refused (the
  outreach change-request body: the vendor app sends real JSON booleans).
- `TRUE_OR_FALSE`: exactly `true` or `false` (the outreach `completed` filter, documented as
  that two-value enum).
- `TRUE_FALSE_ONE_ZERO`: `true`/`false`/`1`/`0` in any case, surrounding spaces ignored;
  `yes` is refused (the supplier API's query filters, e.g. `is_approved`).
- `ZERO_OR_ONE`: the JSON integers 0 and 1, or a JSON boolean; `"1"` and `1.0` are refused
  (the outreach comment body's `FamilyComment`, an int in the vendor app).
- `WORDS_AND_NUMBERS`: DRF's spellings: `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`,
  `on`/`off`, `1`/`0` in any case, JSON booleans and the numbers 1 and 0 (the outreach query
  flags `includeSelf` and `mine`, the supplier API's body booleans).

`BooleanField` (a DRF field) and `QueryBooleanField`/`QueryBooleanFilter` (django-filter)
are thin wrappers calling it.
"""

from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from rest_framework import serializers


@dataclass(frozen=True)
class BooleanSpellings:
    """The inputs that mean true and false."""

    true: frozenset[str] = frozenset()
    false: frozenset[str] = frozenset()
    any_case: bool = True
    strip: bool = False
    json_booleans: bool = False
    """A JSON `true`/`false` (a Python bool) is accepted as itself."""
    number_types: tuple[type, ...] = ()
    """JSON numbers of these types are accepted when they equal 1 or 0."""


JSON_BOOLEAN = BooleanSpellings(json_booleans=True)
TRUE_OR_FALSE = BooleanSpellings(
    true=frozenset({"true"}), false=frozenset({"false"}), any_case=False
)
TRUE_FALSE_ONE_ZERO = BooleanSpellings(
    true=frozenset({"true", "1"}), false=frozenset({"false", "0"}), strip=True
)
WORDS_AND_NUMBERS = BooleanSpellings(
    true=frozenset({"true", "t", "yes", "y", "on", "1"}),
    false=frozenset({"false", "f", "no", "n", "off", "0"}),
    json_booleans=True,
    number_types=(int, float, Decimal),
)
ZERO_OR_ONE = BooleanSpellings(json_booleans=True, number_types=(int,))


def parse_boolean(value: object, spellings: BooleanSpellings) -> bool:
    """True or False for `value` as `spellings` reads it; ValueError for anything else."""
    if isinstance(value, bool):
        if spellings.json_booleans:
            return value
    elif isinstance(value, str):
        text = value.strip() if spellings.strip else value
        text = text.lower() if spellings.any_case else text
        if text in spellings.true:
            return True
        if text in spellings.false:
            return False
    elif isinstance(value, spellings.number_types) and value in (0, 1):
        return value == 1
    raise ValueError(f"{value!r} is not a boolean.")


class BooleanField(serializers.BooleanField):
    """A DRF boolean read by `parse_boolean` with `spellings` (DRF's own by default)."""

    spellings = WORDS_AND_NUMBERS
    NULL_SPELLINGS = {"null", ""}

    def to_internal_value(self, data):
        if self.allow_null and (
            data is None or (isinstance(data, str) and data.lower() in self.NULL_SPELLINGS)
        ):
            return None
        try:
            return parse_boolean(data, self.spellings)
        except ValueError:
            self.fail("invalid", input=data)


class QueryBooleanField(forms.Field):
    """A query-string boolean of the supplier filters: anything but its spellings is a 400,
    never silently ignored as django-filter's BooleanFilter does."""

    default_error_messages = {"invalid": "Use true or false."}
    spellings = TRUE_FALSE_ONE_ZERO

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_boolean(value, self.spellings)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class QueryBooleanFilter(django_filters.BooleanFilter):
    field_class = QueryBooleanField
