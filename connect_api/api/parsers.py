"""The outreach POST body parser: JSON, also when labelled as a form, in the charset it is sent.

The vendor's mobile app sends its JSON body with `Content-Type:
application/x-www-form-urlencoded` (no charset) and encodes it as ISO-8859-1 (Apache
HttpClient's `StringEntity` default): "Café" arrives as the single byte 0xE9. The body is
read in the charset its Content-Type names; without one, as UTF-8, and a body that is not valid
UTF-8 as ISO-8859-1 (every byte sequence is valid ISO-8859-1, so nothing is lost). The
foundation's body-size limit still applies and a body that is not JSON is still 400.
"""

from django.conf import settings
from django.utils.http import parse_header_parameters
from rest_framework.exceptions import ParseError

from connect_api.exceptions import PayloadTooLarge
from connect_api.parsers import LimitedJSONParser, json_loads

FALLBACK_CHARSET = "iso-8859-1"


def body_text(body: bytes, content_type: str | None) -> str:
    """The body's text: in the Content-Type's charset, else UTF-8, else ISO-8859-1."""
    _, params = parse_header_parameters(content_type or "")
    charset = params.get("charset")
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
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = b"" if stream is None else stream.read(-1 if limit is None else limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge()
        return json_loads(body_text(body, media_type))


class FormLabelledJSONParser(OutreachJSONParser):
    """A JSON body sent as `application/x-www-form-urlencoded` (the vendor app's quirk)."""

    media_type = "application/x-www-form-urlencoded"


OUTREACH_PARSERS = [OutreachJSONParser, FormLabelledJSONParser]
"""JSON under its own label or the vendor app's form label; anything else is 415."""


class PlainTextLabelledJSONParser(OutreachJSONParser):
    """A JSON body sent as `text/plain; charset=ISO-8859-1` (the app's `accounts/findbyemail`)."""

    media_type = "text/plain"
