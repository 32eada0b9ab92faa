"""`etag_for`: the version and a digest of the answer that ignores key order, follows every
value, and never fails on what the answer may hold (datetimes, a lone surrogate SQLite kept)."""

import datetime

from connect_api.conditional import etag_for


def test_key_order_does_not_matter_values_do():
    one = etag_for(version=3, data={"a": 1, "b": {"c": [1, 2], "d": "é"}})
    assert one == etag_for(version=3, data={"b": {"d": "é", "c": [1, 2]}, "a": 1})
    assert one.startswith('"3.') and len(one) == len('"3.') + 16 + 1
    assert one != etag_for(version=3, data={"a": 1, "b": {"c": [2, 1], "d": "é"}})
    assert one != etag_for(version=4, data={"a": 1, "b": {"c": [1, 2], "d": "é"}})


def test_what_orjson_refuses_still_has_a_digest():
    surrogate = etag_for(version=1, data={"name": "bad \ud800"})
    assert surrogate != etag_for(version=1, data={"name": "bad \ud801"})
    moment = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
    assert etag_for(version=1, data={1: moment}) == etag_for(version=1, data={1: moment})
