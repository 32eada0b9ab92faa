"""The change request POST body: `plain_values` reads a body whose values the fields take as
sent, and answers what the fields answer; any other body goes through the fields, so the
validated payload and every error are the fields' own."""

import pytest
from rest_framework.exceptions import ValidationError

from outreach.api import serializers
from outreach.api.serializers import MAX_ID, ChangeRequestInputSerializer, plain_values
from tests.seeds import OUTREACH_SEED_BODY

CANDIDATES = {
    "ConnectionId": [-1, 0, 5, -2, MAX_ID, MAX_ID + 1, True, "5", 5.0, None, [5]],
    "Complete": [False, True, 0, 1, "true", None],
    "ConnectionDate": [
        "06/05/2015",
        "12/31/1999",
        "02/30/2015",
        "6/5/2015",
        " 06/05/2015",
        "2015-06-05",
        "06/05/2015\n",
        "\u0660\u0666/\u0660\u0665/\u0662\u0660\u0661\u0665",  # Arabic-Indic digits
        20150605,
        None,
    ],
    "ConnectionTypeId": [1, 2, 0, -1, MAX_ID, MAX_ID + 1, False, "1", None],
    "FamilyConnection": [True, False, 1, "false", None],
    "ContactIndvId": [76, 0, 1, MAX_ID + 1, True, None],
    "OpenCategoryId": [1, 0, -7, MAX_ID, MAX_ID + 1, 1.5, None],
    "Reassign": [False, True, 0, None],
    "NewCallerIndvId": [-1, 77, 0, -2, True, None],
    "NewTeamId": [1, -1, 0, -2, "1", None],
    "Comment": [
        "Test",
        "  padded  ",
        "   ",
        "",
        "x" * 4000,
        " " + "x" * 4000 + " ",
        "x" * 4001,
        "nul \x00 inside",
        "lone \ud800 surrogate",
        "accents é and 😀",
        5,
        True,
        ["Test"],
        None,
    ],
    "ResponseIdList": [
        [-1],
        [],
        [11, 12],
        [11, 11],
        [-1, 11],
        [0],
        [MAX_ID + 1],
        [True],
        ["11"],
        [11.0],
        [None],
        list(range(1, 201)),
        list(range(1, 202)),
        "11",
        {"11": 1},
        11,
        None,
    ],
}


def bodies():
    yield dict(OUTREACH_SEED_BODY)
    yield {**OUTREACH_SEED_BODY, "Unknown": "ignored"}
    yield {"ConnectionId": 5, "Complete": True, "ConnectionDate": "06/10/2015"}
    yield {
        "ConnectionId": 5,
        "Complete": False,
        "Reassign": True,
        "ConnectionDate": "06/10/2015",
        "NewCallerIndvId": 77,
        "Comment": "Over to you",
        "ResponseIdList": [-1],
    }
    for key, values in CANDIDATES.items():
        without = dict(OUTREACH_SEED_BODY)
        without.pop(key, None)
        yield without
        for value in values:
            yield {**OUTREACH_SEED_BODY, key: value}


def validated(body, monkeypatch, *, plain: bool):
    with monkeypatch.context() as patched:
        if not plain:
            patched.setattr(serializers, "plain_values", lambda data: None)
        serializer = ChangeRequestInputSerializer(data=body)
        valid = serializer.is_valid()
        return serializer, valid, (serializer.validated_data if valid else serializer.errors)


@pytest.mark.parametrize("body", list(bodies()), ids=lambda body: repr(body)[:80])
def test_the_same_payload_or_errors_as_the_fields(body, monkeypatch):
    serializer, valid, answer = validated(body, monkeypatch, plain=True)
    _, fields_valid, fields_answer = validated(body, monkeypatch, plain=False)
    assert (valid, answer) == (fields_valid, fields_answer)
    values = plain_values(body)
    if values is not None:  # the fields take it as sent, and read it the same
        fields = ChangeRequestInputSerializer()
        expected = super(ChangeRequestInputSerializer, fields).to_internal_value(body)
        assert list(values.items()) == list(expected.items())
        assert "fields" not in serializer.__dict__  # no field was built
    try:
        read = serializers.change_request_input(body)
    except ValidationError as refusal:
        assert not fields_valid
        assert refusal.detail == fields_answer
    else:
        assert fields_valid and read == fields_answer


def test_the_app_bodies_are_read_plainly():
    for body in list(bodies())[:4]:
        assert plain_values(body) is not None, body


def test_valid_app_bodies_build_no_serializer(monkeypatch):
    app_bodies = list(bodies())[:4]
    valid = [body for body in app_bodies if validated(body, monkeypatch, plain=False)[1]]
    assert len(valid) == 3  # an add, the same with a key nobody reads, a reassign
    monkeypatch.setattr(
        serializers, "ChangeRequestInputSerializer", lambda **kwargs: pytest.fail("built")
    )
    for body in valid:
        assert serializers.change_request_input(body) is not None
