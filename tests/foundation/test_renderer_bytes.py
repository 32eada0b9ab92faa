"""The JSON renderer writes with orjson the bytes DRF's JSONRenderer writes (compact, UTF-8,
U+2028/U+2029 escaped, datetimes with `Z`), and falls back to DRF's path for what orjson
refuses."""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from connect_api.renderers import SurrogateSafeJSONRenderer

UTC = datetime.UTC
CASES = {
    "a page": {
        "requests": [
            {
                "record_uuid": str(uuid.UUID(int=7)),
                "org_name": "Thomas Perkins Co — Zürich 東京 🚚",
                "primary_contact_phone": None,
                "is_approved": False,
                "integrations": [{"next_runs": ["2026-12-06T02:00:00-05:00"], "n": 3}],
            }
        ],
        "pagination": {"total_count": 1, "start": 0, "limit": 50, "total_count_exact": True},
    },
    "line separators": {"message": "one\u2028two\u2029three", "key\u2028": 1},
    "escapes": {"quote": 'say "hi"\\', "control": "\x00\x1f\t\n\r", "slash": "a/b"},
    "datetimes": {
        "utc": datetime.datetime(2026, 12, 6, 10, 0, 0, 123456, tzinfo=UTC),
        "offset": datetime.datetime(
            2026, 12, 6, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
        ),
        "naive": datetime.datetime(2026, 12, 6, 10, 0),
        "date": datetime.date(2026, 12, 6),
        "time": datetime.time(10, 30, 15, 5000),
    },
    "numbers": {
        "int": 2**62,
        "negative": -17,
        "float": 0.1,
        "whole float": 3.0,
        "decimal": decimal.Decimal("12.50"),
    },
    "python types": {
        "uuid": uuid.UUID(int=1),
        "tuple": (1, 2),
        "set": {3},
        "lazy": gettext_lazy("Not found."),
        "error": ErrorDetail("This field is required.", code="required"),
        "return dict": ReturnDict({"a": 1}, serializer=None),
    },
    "non-string keys": {1: "one", None: "none"},
    "big integer": {"n": 2**70},
    "lone surrogate": {"detail": "bad \ud800 input"},
    "empty": {},
    "list": [1, "two", None, True],
}


@pytest.mark.parametrize("name", CASES)
def test_the_bytes_drf_writes(name):
    data = CASES[name]
    try:
        expected = JSONRenderer().render(data)
    except UnicodeEncodeError:  # DRF alone fails on a lone surrogate; ours escapes it
        expected = JSONRenderer.render(
            type("Ascii", (JSONRenderer,), {"ensure_ascii": True})(), data
        )
    assert SurrogateSafeJSONRenderer().render(data) == expected


def test_none_is_an_empty_body():
    assert SurrogateSafeJSONRenderer().render(None) == b""


def test_an_indent_asked_for_is_drfs_indented_output():
    data = {"a": [1, 2]}
    context = {"indent": 2}
    assert SurrogateSafeJSONRenderer().render(data, "application/json", context) == (
        JSONRenderer().render(data, "application/json", context)
    )


@pytest.mark.parametrize(
    "media_type",
    [
        None,
        "",
        "application/json",
        "application/json; indent=4",
        "application/json; indent=0",
        "application/json; indent=20",
        "application/json; indent=-3",
        "application/json; indent=x",
        "application/json;indent=2; charset=utf-8",
    ],
)
@pytest.mark.parametrize("context", [{}, {"indent": 2}])
def test_the_indent_drf_reads(media_type, context):
    for _ in range(2):  # the media type's reading is kept after the first
        assert SurrogateSafeJSONRenderer().get_indent(media_type, context) == (
            JSONRenderer().get_indent(media_type, context)
        )
