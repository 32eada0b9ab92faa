"""The one boolean parser: each spelling set's answers, as each API's clients rely on them."""

from decimal import Decimal

import pytest

from connect_api.api.booleans import (
    JSON_BOOLEAN,
    TRUE_FALSE_ONE_ZERO,
    TRUE_OR_FALSE,
    WORDS_AND_NUMBERS,
    ZERO_OR_ONE,
    parse_boolean,
)

REFUSED = "refused"

CASES = [
    (JSON_BOOLEAN, True, True),
    (JSON_BOOLEAN, False, False),
    (JSON_BOOLEAN, "true", REFUSED),
    (JSON_BOOLEAN, 1, REFUSED),
    (JSON_BOOLEAN, "yes", REFUSED),
    (JSON_BOOLEAN, None, REFUSED),
    (TRUE_OR_FALSE, "true", True),
    (TRUE_OR_FALSE, "false", False),
    (TRUE_OR_FALSE, "True", REFUSED),
    (TRUE_OR_FALSE, "1", REFUSED),
    (TRUE_FALSE_ONE_ZERO, "true", True),
    (TRUE_FALSE_ONE_ZERO, "False", False),
    (TRUE_FALSE_ONE_ZERO, " 1 ", True),
    (TRUE_FALSE_ONE_ZERO, "0", False),
    (TRUE_FALSE_ONE_ZERO, "yes", REFUSED),
    (TRUE_FALSE_ONE_ZERO, "maybe", REFUSED),
    (WORDS_AND_NUMBERS, "TRUE", True),
    (WORDS_AND_NUMBERS, "yes", True),
    (WORDS_AND_NUMBERS, "off", False),
    (WORDS_AND_NUMBERS, "n", False),
    (WORDS_AND_NUMBERS, True, True),
    (WORDS_AND_NUMBERS, 1, True),
    (WORDS_AND_NUMBERS, 0.0, False),
    (WORDS_AND_NUMBERS, Decimal(1), True),
    (WORDS_AND_NUMBERS, 2, REFUSED),
    (WORDS_AND_NUMBERS, " true", REFUSED),
    (WORDS_AND_NUMBERS, "maybe", REFUSED),
    (WORDS_AND_NUMBERS, "null", REFUSED),
    (WORDS_AND_NUMBERS, None, REFUSED),
    (ZERO_OR_ONE, 0, False),
    (ZERO_OR_ONE, 1, True),
    (ZERO_OR_ONE, True, True),
    (ZERO_OR_ONE, "1", REFUSED),
    (ZERO_OR_ONE, 1.0, REFUSED),
    (ZERO_OR_ONE, 2, REFUSED),
]


@pytest.mark.parametrize(("spellings", "value", "expected"), CASES)
def test_each_spelling_set_answers_as_its_api_does(spellings, value, expected):
    if expected == REFUSED:
        with pytest.raises(ValueError):
            parse_boolean(value, spellings)
    else:
        assert parse_boolean(value, spellings) is expected
