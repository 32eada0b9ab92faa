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
