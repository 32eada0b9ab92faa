"""Input serializers that copy their declared fields cheaply.

DRF gives every serializer instance its own fields by `copy.deepcopy` of the declared ones, and
a field's `__deepcopy__` runs its `__init__` again on deep copies of its arguments (choices,
validators, error messages): half the cost of validating the connection-request create body
(benchmarks/speed.py). A field's state of its own is what `bind()` sets on it (field_name,
parent, label, source, source_attrs); the rest is read-only configuration. So a shallow copy
is a field of its own, sharing only that configuration. Fields that hold fields (nested
serializers, ListField and DictField children, which are bound to their parent) are still
deep-copied.
"""

import copy

from rest_framework import serializers


def _holds_fields(field: serializers.Field) -> bool:
    return isinstance(field, serializers.BaseSerializer) or hasattr(field, "child")


class CheapFieldCopiesSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


class BoundedListField(serializers.ListField):
    """The list field of every input shape: a list longer than `max_length` (required) is
    refused before any of its items is validated.

    DRF's ListField validates every item and only then checks the length (a validator), so a
    body under the size cap holding a million invalid items cost seconds of a worker's time
    to refuse. Lists of nested shapes are `many=True` serializers, whose ListSerializer checks
    `max_length` first already; they must declare one too (tests/foundation/test_bounded_lists
    checks every request body of the schema).
    """

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)
