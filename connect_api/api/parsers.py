"""The request body parsers of both APIs.

`LimitedJSONParser` reads every JSON body (the supplier API's, and the outreach API's below):
the foundation's body-size and JSON value limits, strict JSON.

The outreach parsers (`OUTREACH_PARSERS`): JSON, also when labelled as a form, in the
charset it is sent.

The vendor's mobile app sends its JSON body with `Content-Type:
application/x-www-form-urlencoded` (no charset) and encodes it as ISO-8859-1 (Apache
HttpClient's `StringEntity` default): "Café" arrives as the single byte 0xE9. The body is
read in the charset its Content-Type names; without one, as UTF-8, and a body that is not valid
UTF-8 as ISO-8859-1 (every byte sequence is valid ISO-8859-1, so nothing is lost). The
foundation's body-size limit still applies and a body that is not JSON is still 400.

Each parser answers DRF's `DataAndFiles` (the JSON, no files), which DRF's request takes as it
is. A bare value costs DRF a caught AttributeError on every request with a body: it asks the
value for `.data` first.
"""

import codecs
import functools
import json

import ijson
import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import DataAndFiles, JSONParser

from connect_api.exceptions import PayloadTooLarge

OPENING = frozenset(("start_map", "start_array"))
CLOSING = frozenset(("end_map", "end_array"))
MAX_DEPTH = 1024
"""orjson's nesting limit: a body nested deeper goes to the standard library, which refuses
past its recursion limit (about as deep) at once."""


def _strict_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def field_past_budget(body: bytes | str, budget: int) -> str | None:
    """The top-level field in which a JSON body's count of values (scalars, arrays, objects)
    passes `budget` ("non_field_errors" where it passes among the top level's own members), or
    None when it holds no more (or is not JSON: the parser says why).

    Parsing a body builds every value it holds: a million-item list under the byte cap costs
    tens of milliseconds to parse before any serializer can refuse its length. This reads the
    body as a stream (ijson's C backend) and stops at the first value past the budget, so
    refusing costs about as much as reading `budget` values, whatever the body holds. Counts
    spare most bodies the stream: each value but the first takes two bytes or more, and each
    follows a comma or an opening bracket (strings' commas and brackets only count too many).
    A body of many commas (every long list) goes to the stream after one count. A body already
    decoded (the outreach parser reads its charset) is encoded again only to be streamed."""
    if len(body) <= 2 * budget:
        return None
    comma, bracket, brace = (",", "[", "{") if isinstance(body, str) else (b",", b"[", b"{")
    commas = body.count(comma)
    if commas < budget and commas + body.count(bracket) + body.count(brace) < budget:
        return None
    if isinstance(body, str):
        body = body.encode()
    values = depth = 0
    field = "non_field_errors"  # a top-level array
    try:
        for event, value in ijson.basic_parse(body):
            if event == "map_key":
                if depth == 1:
                    field = value
            elif event in CLOSING:
                depth -= 1
            else:
                values += 1
                if values > budget:
                    return field if depth > 1 else "non_field_errors"
                if event in OPENING:
                    depth += 1
                    if depth > MAX_DEPTH:
                        return None  # the parser refuses it, as deeply as it would anyway
    except ijson.JSONError:
        return None
    return None


def json_loads(text: bytes | str):
    """A request body's JSON, as every parser of the project reads it.

    A body of more values than REQUEST_MAX_JSON_VALUES is refused (400 naming the top-level
    field) before it is parsed (field_past_budget). Then orjson: a few times faster than the
    standard library, which bounds the cost of reading the largest body the cap admits. What
    orjson refuses is read again by the standard library, strict about NaN and Infinity, so a
    body it accepts (a lone surrogate, an exponent past a double's range) gets the answer it
    always had: a 400 naming the field, not a parse error."""
    budget = settings.REQUEST_MAX_JSON_VALUES
    field = field_past_budget(text, budget)
    if field is not None:
        raise ValidationError(
            {field: [f"Too many values: a request body may hold at most {budget}."]}
        )
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text, parse_constant=_strict_constant)
    except RecursionError:
        raise ParseError("JSON parse error - nested too deeply.") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise ParseError(f"JSON parse error - {error}") from None


@functools.lru_cache(maxsize=64)
def _charset_named(content_type: str) -> str | None:
    """The charset label a Content-Type names, as sent, or None."""
    return parse_header_parameters(content_type)[1].get("charset")


@functools.lru_cache(maxsize=64)
def _declared_charset(media_type: str) -> str | None:
    """The charset a JSON Content-Type names, when it is a known one other than UTF-8 (the
    body is read in it); None for UTF-8, no charset or an unknown label (read as UTF-8)."""
    charset = _charset_named(media_type) or "utf-8"
    try:
        return None if codecs.lookup(charset).name == "utf-8" else charset
    except LookupError:
        return None


def declared_json(body: bytes, media_type: str | None):
    """A JSON body read in the charset its Content-Type declares (UTF-8 without one)."""
    charset = _declared_charset(media_type or "")
    if charset is not None:
        try:
            body = body.decode(charset)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - the body is not valid {charset}.") from error
    return json_loads(body)


def over_limit(body: bytes) -> bool:
    """Whether a body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (None: no limit)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is not None and len(body) > limit


def read_to_limit(stream) -> bytes:
    """The stream's body, read to one byte past DATA_UPLOAD_MAX_MEMORY_SIZE at most: enough
    for `over_limit` to tell, without reading a larger body whole."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return stream.read(-1 if limit is None else limit + 1)


class LimitedJSONParser(JSONParser):
    """JSONParser that refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE.

    DRF hands parsers the raw stream, so Django's own body limit never applies to JSON.
    Raises Django's own RequestDataTooBig (the exception handler answers 413 for it): importing
    connect_api.exceptions here would be a cycle (it loads DRF, whose settings load us).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            raise ParseError("JSON parse error - the body is empty.")
        body = read_to_limit(stream)
        if over_limit(body):
            raise RequestDataTooBig("Request body is larger than the configured limit.")
        return DataAndFiles(self.parse_body(body, media_type), MultiValueDict())

    def parse_body(self, body: bytes, media_type: str | None):
        """The JSON of a whole body within the size limit: what `parse` answers for it, also
        called by the API's request for a body Django has already read
        (connect_api.api.request)."""
        return declared_json(body, media_type)


# --- outreach: JSON in the charset it is sent, also labelled as a form ----------------------

FALLBACK_CHARSET = "iso-8859-1"


def body_text(body: bytes, content_type: str | None) -> str:
    """The body's text: in the Content-Type's charset, else UTF-8, else ISO-8859-1."""
    charset = _charset_named(content_type or "")
    if charset:
        try:
            return body.decode(charset)
        except LookupError:
            pass  # an unknown charset label is treated as no label
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - the body is not valid {charset}.") from error
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(FALLBACK_CHARSET)


class OutreachJSONParser(LimitedJSONParser):
    """JSON in any charset as the rules above read it."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = b"" if stream is None else read_to_limit(stream)
        if over_limit(body):
            raise PayloadTooLarge()
        return DataAndFiles(self.parse_body(body, media_type), MultiValueDict())

    def parse_body(self, body: bytes, media_type: str | None):
        return json_loads(body_text(body, media_type))


class FormLabelledJSONParser(OutreachJSONParser):
    """A JSON body sent as `application/x-www-form-urlencoded` (the vendor app's quirk)."""

    media_type = "application/x-www-form-urlencoded"


OUTREACH_PARSERS = [OutreachJSONParser, FormLabelledJSONParser]
"""JSON under its own label or the vendor app's form label; anything else is 415."""


class PlainTextLabelledJSONParser(OutreachJSONParser):
    """A JSON body sent as `text/plain; charset=ISO-8859-1` (the app's `accounts/findbyemail`)."""

    media_type = "text/plain"
