"""The individual search's query string: `individual_search_query` reads one whose values the
fields take as sent and answers what IndividualSearchQuerySerializer answers; any other goes
through the serializer, so the validated data and every 400 are the serializer's own."""

import itertools

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from outreach.api import serializers
from outreach.api.serializers import (
    MAX_ID,
    IndividualSearchQuerySerializer,
    individual_search_query,
)

ABSENT = object()

NUMBERS = [
    ABSENT,
    "",
    "0",
    "1",
    "25",
    "100",
    "101",
    "007",
    str(MAX_ID),
    str(MAX_ID + 1),
    "9" * 11,
    "-1",
    "+5",
    " 5",
    "5 ",
    "5.0",
    "5.5",
    "1_000",
    "\u0665",  # an Arabic-Indic five
    "five",
    "1e3",
]

TEXTS = [
    ABSENT,
    "",
    "   ",
    "son",
    "  son  ",
    "ann son",
    "50%",
    "a_b",
    "sön",
    "x" * 200,
    " " + "x" * 200 + " ",
    "x" * 201,
    "nul \x00 inside",
    "\t\n",
]


def query_string(index, size, text) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, value in (("pageIndex", index), ("pageSize", size), ("q", text)):
        if value is not ABSENT:
            params[name] = value
    return params


def cases():
    for index, size in itertools.product(NUMBERS, repeat=2):
        yield query_string(index, size, "son")
    for text in TEXTS:
        yield query_string("0", "25", text)
        yield query_string(ABSENT, ABSENT, text)
    repeated = QueryDict("q=first&q=son&pageIndex=9&pageIndex=1&pageSize=5&extra=ignored")
    yield repeated  # the last value of each, as the serializer reads a form
    yield QueryDict("q=son&pageSize=5.0")  # then the serializer reads it all


def answered(params, monkeypatch, *, plain: bool):
    """(valid, validated data or the errors) of the search's query as the view reads it."""
    with monkeypatch.context() as patched:
        if not plain:
            patched.setattr(serializers, "_plain_query_text", not_plain)
        try:
            return True, list(individual_search_query(params).items())
        except ValidationError as error:
            return False, error.detail


def not_plain(params, field):
    raise serializers._NotPlain


@pytest.mark.parametrize("params", list(cases()), ids=lambda params: params.urlencode()[:60])
def test_the_same_values_or_errors_as_the_serializer(params, monkeypatch):
    expected = answered(params, monkeypatch, plain=False)
    assert answered(params, monkeypatch, plain=True) == expected
    query = IndividualSearchQuerySerializer(data=params)
    if query.is_valid():
        assert expected == (True, list(query.validated_data.items()))
    else:
        assert expected == (False, query.errors)


def test_the_app_query_strings_are_read_without_the_serializer(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("the serializer was built")

    monkeypatch.setattr(IndividualSearchQuerySerializer, "__init__", refused)
    for text, expected in (
        ("q=son&pageSize=25", {"pageIndex": 0, "pageSize": 25, "q": "son"}),
        ("q=ann+son&pageIndex=3", {"pageIndex": 3, "pageSize": 25, "q": "ann son"}),
        ("pageSize=500", {"pageIndex": 0, "pageSize": 100, "q": ""}),
        ("", {"pageIndex": 0, "pageSize": 25, "q": ""}),
    ):
        assert list(individual_search_query(QueryDict(text)).items()) == list(expected.items())
