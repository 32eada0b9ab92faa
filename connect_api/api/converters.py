"""Path converters, registered once (this module is imported by the route helpers).

`<id:name>` is every outreach id in a path (the site number, IndvId, ConnectionCRId ...):
1 to 10 digits, handed to the view as an int. A path that is not such a number matches no
route (404 from the URL resolver); a 10-digit number beyond the largest stored id
(2147483647) is an id no row has, so the lookup answers 404 as for any unknown id.
"""

from django.urls import register_converter

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
"""A uuid in a supplier path, with or without its hyphens, any case (a regex: the supplier
routes match it with `re_path`, and the views look it up as the string sent)."""


class IdConverter:
    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class HexKeyConverter:
    """36 hex digits and hyphens, any case (a delivery's uuid in an outreach path), kept as
    the string sent."""

    regex = "[0-9a-fA-F-]{36}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
register_converter(HexKeyConverter, "hexkey")
