"""CheapFieldCopiesSerializer: each instance still has fields of its own."""

from rest_framework import serializers

from connect_api.serializers import CheapFieldCopiesSerializer


class Child(CheapFieldCopiesSerializer):
    name = serializers.CharField(max_length=5)


class Body(CheapFieldCopiesSerializer):
    title = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=1, required=False)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False)
    children = Child(many=True, required=False)


def test_instances_validate_independently_and_name_the_field():
    good = Body(data={"title": "abc", "count": 2, "tags": [1], "children": [{"name": "x"}]})
    bad = Body(data={"title": "too long", "count": 0, "children": [{"name": "far too long"}]})

    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert good.validated_data == {
        "title": "abc",
        "count": 2,
        "tags": [1],
        "children": [{"name": "x"}],
    }
    assert set(bad.errors) == {"title", "count", "children"}


def test_each_instance_binds_copies_and_the_declared_fields_stay_unbound():
    first, second = Body(), Body()

    for name in ("title", "count", "tags", "children"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert Body._declared_fields[name].parent is None
        assert Body._declared_fields[name].field_name is None
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["children"].child is not second.fields["children"].child
