"""The outreach POST body parser: JSON, also when labelled as a form.

The vendor's mobile app sends its JSON body with `Content-Type:
application/x-www-form-urlencoded`. Parsing that label as JSON keeps the foundation's body-size
limit and still answers 400 for a body that is not JSON.
"""

from connect_api.parsers import LimitedJSONParser


class FormLabelledJSONParser(LimitedJSONParser):
    """A JSON body sent as `application/x-www-form-urlencoded` (the vendor app's quirk)."""

    media_type = "application/x-www-form-urlencoded"


OUTREACH_PARSERS = [LimitedJSONParser, FormLabelledJSONParser]
"""JSON under its own label or the vendor app's form label; anything else is 415."""
