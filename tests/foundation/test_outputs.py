"""connect_api.api.outputs: the describing Serializer derived from an output's TypedDict."""

from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal, NotRequired, TypedDict

from rest_framework import serializers

from connect_api.api.outputs import (
    DateTime,
    Doc,
    MaxItems,
    OneOf,
    Uuid,
    iso_utc,
    schema_serializer,
)
from webhooks.choices import EndpointStatus


class Item(TypedDict):
    """An item."""

    name: str


class Shape(TypedDict):
    uuid: Uuid
    when: DateTime | None
    status: EndpointStatus
    side: Literal["left", "right"]
    kind: Annotated[str, OneOf((("a", "A"), ("b", "B")))]
    note: Annotated[str | None, Doc("Described.")]
    ratio: float
    items: Annotated[list[Item], MaxItems(3), Doc("At most three.")]
    tags: list[Uuid]
    maybe: NotRequired[int]


def test_each_annotation_becomes_the_field_spectacular_describes():
    fields = schema_serializer(Shape)().fields
    assert isinstance(fields["uuid"], serializers.UUIDField)
    assert isinstance(fields["when"], serializers.DateTimeField)
    assert fields["when"].allow_null and not fields["uuid"].allow_null
    assert list(fields["status"].choices) == EndpointStatus.values
    assert list(fields["side"].choices) == ["left", "right"]
    assert fields["kind"].choices == {"a": "A", "b": "B"}
    assert (fields["note"].help_text, fields["note"].allow_null) == ("Described.", True)
    assert isinstance(fields["note"], serializers.CharField)
    assert isinstance(fields["ratio"], serializers.FloatField)
    items = fields["items"]
    assert isinstance(items, serializers.ListSerializer)
    assert (items.max_length, items.help_text) == (3, "At most three.")
    assert isinstance(fields["tags"].child, serializers.UUIDField)
    assert [name for name, field in fields.items() if not field.required] == ["maybe"]


def test_a_shape_is_one_component_named_after_it_and_described_by_its_docstring():
    assert schema_serializer(Item) is schema_serializer(Item)
    assert schema_serializer(Item).Meta.ref_name == "Item"
    assert schema_serializer(Item).__doc__ == "An item."


def test_iso_utc_writes_utc_with_z():
    moment = datetime(2026, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=1)))
    assert iso_utc(moment) == "2026-03-01T12:30:00Z"
    assert iso_utc(None) is None
