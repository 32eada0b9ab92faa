"""One way to declare an output shape, for both APIs.

An output is declared once, as a TypedDict naming each key and its JSON type, and built
once, by a `*_data` function returning that TypedDict (plain dicts: the hot list paths build
them without a serializer, loading related rows once in a batch step beforehand). The
OpenAPI schema comes from the same TypedDict: `schema_serializer` derives a describing
Serializer from it, so the documented shape cannot drift from the built one.

What JSON types alone cannot say is annotated (`typing.Annotated`):

- `Uuid`, `DateTime`, `Date`, `Email`, `Url`: strings of that format;
- `Doc("...")`: the key's description;
- `OneOf(choices)`: an enum given as choices (value, label) when no Choices class or
  `Literal` names it;
- `MaxItems(n)`: a list that never holds more than n items;
- `SchemaField(field_class)`: a wire format of its own, described by that serializer field.

A `Choices` class or a `Literal` is an enum, `X | None` is nullable, `NotRequired[X]` a key
that may be absent, `list[X]` an array, `dict[str, X]` an object of X values (a bare `dict`:
of any values) and a nested TypedDict an object (its own component, named after the
TypedDict; a TypedDict's docstring is the component's description).
"""

import types
import typing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal, TypedDict

from django.db.models import Choices
from rest_framework import serializers


@dataclass(frozen=True)
class Doc:
    """The description of a key."""

    text: str


@dataclass(frozen=True)
class Format:
    """A string of an OpenAPI format (`uuid`, `date-time`, `date`, `email`, `uri`)."""

    name: str


@dataclass(frozen=True)
class OneOf:
    """An enum as (value, label) choices, for one no Choices class or `Literal` declares."""

    choices: tuple


@dataclass(frozen=True)
class SchemaField:
    """A string of a wire format of its own, described by this serializer field class (the
    outreach API's MM/DD/YYYY dates: `outreach.api.serializers.UsDateField`)."""

    field_class: type


@dataclass(frozen=True)
class MaxItems:
    """The most items a list holds."""

    count: int


Uuid = Annotated[str, Format("uuid")]
DateTime = Annotated[str, Format("date-time")]
"""ISO 8601 with an offset (the supplier API writes UTC as `Z`)."""
Date = Annotated[str, Format("date")]
Email = Annotated[str, Format("email")]
Url = Annotated[str, Format("uri")]


def iso_utc(value: datetime | None) -> str | None:
    """A `DateTime` as the supplier API writes one: ISO 8601 in UTC, `Z` for the offset."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


_SCALAR_FIELDS = {
    int: serializers.IntegerField,
    str: serializers.CharField,
    bool: serializers.BooleanField,
    float: serializers.FloatField,
}
_FORMAT_FIELDS = {
    "uuid": serializers.UUIDField,
    "date-time": serializers.DateTimeField,
    "date": serializers.DateField,
    "email": serializers.EmailField,
    "uri": serializers.URLField,
}
_serializers: dict[type, type[serializers.Serializer]] = {}


def schema_serializer(shape: type) -> type[serializers.Serializer]:
    """The Serializer class describing the TypedDict `shape` for drf-spectacular (its
    component is named after the TypedDict). Only the schema uses it; `*_data` builds."""
    if shape not in _serializers:
        hints = typing.get_type_hints(shape, include_extras=True)
        required = shape.__required_keys__
        fields = {
            name: _schema_field(hint, required=name in required) for name, hint in hints.items()
        }
        fields["Meta"] = type("Meta", (), {"ref_name": shape.__name__})
        fields["__doc__"] = shape.__doc__
        _serializers[shape] = type(f"{shape.__name__}Serializer", (serializers.Serializer,), fields)
    return _serializers[shape]


def _schema_field(hint, *, required: bool, **kwargs) -> serializers.Field:
    kwargs["required"] = required
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated:
        inner, *extras = args
        for extra in extras:
            if isinstance(extra, Doc):
                kwargs["help_text"] = extra.text
            elif isinstance(extra, MaxItems):
                kwargs["max_length"] = extra.count
        for extra in extras:
            if isinstance(extra, SchemaField):
                return extra.field_class(**kwargs)
            if isinstance(extra, Format):
                return _FORMAT_FIELDS[extra.name](**kwargs)
            if isinstance(extra, OneOf):
                return serializers.ChoiceField(choices=list(extra.choices), **kwargs)
        return _schema_field(inner, **kwargs)
    if origin in (typing.Required, typing.NotRequired):
        return _schema_field(args[0], **kwargs)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _schema_field(inner, allow_null=True, **kwargs)
    if origin is Literal:
        return serializers.ChoiceField(choices=list(args), **kwargs)
    if isinstance(hint, type) and issubclass(hint, Choices):
        return serializers.ChoiceField(choices=hint.choices, **kwargs)
    if origin is list:
        (item,) = args
        if typing.is_typeddict(item):
            return schema_serializer(item)(many=True, **kwargs)
        return serializers.ListField(child=_schema_field(item, required=True), **kwargs)
    if typing.is_typeddict(hint):
        return schema_serializer(hint)(**kwargs)
    if hint is dict:
        return serializers.DictField(**kwargs)
    if origin is dict:
        return serializers.DictField(child=_schema_field(args[1], required=True), **kwargs)
    return _SCALAR_FIELDS[hint](**kwargs)


# --- pieces every supplier response shows ---------------------------------------------------


def or_null(value: str | None) -> str | None:
    """An optional text field as the supplier docs show it: never set (stored "") is null."""
    return value or None


class ContactOutput(TypedDict):
    uuid: Uuid
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None


def person_data(person) -> ContactOutput | None:
    """A person (organizations.models.Person: an organization's contact, an account manager)
    as every supplier response shows one."""
    if person is None:
        return None
    return {
        "uuid": str(person.uuid),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": or_null(person.email),
        "phone": or_null(person.phone),
        "job_title": or_null(person.job_title),
    }
