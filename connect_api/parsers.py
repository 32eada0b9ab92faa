import codecs
import json

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.http import parse_header_parameters
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _strict_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def json_loads(text: bytes | str):
    """JSON as every parser of the project reads it. orjson first: a few times faster than the
    standard library, which bounds the cost of reading (and refusing) the largest body the cap
    admits. What orjson refuses is read again by the standard library, strict about NaN and
    Infinity, so a body it accepts (a lone surrogate, an exponent past a double's range) gets
    the answer it always had: a 400 naming the field, not a parse error."""
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


class LimitedJSONParser(JSONParser):
    """JSONParser that refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE.

    DRF hands parsers the raw stream, so Django's own body limit never applies to JSON.
    Raises Django's own RequestDataTooBig (the exception handler answers 413 for it): importing
    connect_api.exceptions here would be a cycle (it loads DRF, whose settings load us).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            raise ParseError("JSON parse error - the body is empty.")
        body = stream.read(-1 if limit is None else limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestDataTooBig("Request body is larger than the configured limit.")
        _, params = parse_header_parameters(media_type or "")
        charset = params.get("charset", "utf-8")
        try:
            if codecs.lookup(charset).name != "utf-8":
                body = body.decode(charset)
        except LookupError:
            pass  # an unknown charset label: read as UTF-8
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - the body is not valid {charset}.") from error
        return json_loads(body)
