"""The OpenAPI schema as client generators read it (drf-spectacular; loaded in AppConfig.ready).

- `ApiAutoSchema` (DEFAULT_SCHEMA_CLASS): a body is advertised in one media type, JSON wherever
  the endpoint reads JSON (the parsers that also accept JSON labelled as a form or as text stay
  in place, unadvertised); an operation is described by its own docstring, never a base
  class's; every operation has a summary; every 4xx an operation can answer is documented with
  the one `Error` component (`connect_api.exceptions.error_body`'s shape).
- The security schemes: Token (the `Token` prefix stated) and Basic, one at a time; session
  auth is left out of the schema (AUTHENTICATION_WHITELIST), it serves the admin and the
  browsable API, not clients.
- `postprocess` (a POSTPROCESSING_HOOK): what only the whole document can say.
"""

import inspect

from django.conf import settings
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import warn
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from connect_api.api.outputs import schema_serializer
from connect_api.exceptions import Error
from connect_api.serializers import BoundedListField

ONE_AT_A_TIME = (
    "Use one scheme at a time: authorize either Token or Basic, not both (a request carries "
    "one `Authorization` header)."
)


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: malformed JSON, a missing or invalid field or query parameter "
    "(`errors` names each field).",
    "401": "No or wrong credentials (`WWW-Authenticate` names the scheme expected).",
    "403": "Authenticated, but lacking the right this operation needs (the body says which).",
    "404": "Unknown id, or one of another organization or site (never revealed as existing).",
    "412": "`If-Match` names a version that is no longer current: nothing was changed (GET "
    "the resource again).",
    "413": "The body is over the configured size limit.",
    "414": "The request line (the path with its query string) is over the server's limit "
    "(about 4 KB): shorten the search or filter values. Answered before the application: in "
    "the error shape by the nginx front door (deploy/nginx), as HTML by gunicorn alone.",
    "415": "The body's Content-Type is not one this endpoint reads.",
    "429": "Throttled, or locked out after failed logins (`Retry-After` says when to retry).",
}


class ApiAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
        error_ref = self.resolve_serializer(schema_serializer(Error), "response").ref
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:
                response["content"] = {"application/json": {"schema": dict(error_ref)}}
        if "414" in responses:
            responses["414"]["content"]["text/html"] = {"schema": {"type": "string"}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation) -> list[str]:
        """The 4xx every operation of this shape can answer, from the contract's table."""
        codes = ["401", "429"]  # credentials are read everywhere; the throttles apply everywhere
        secured = any(requirement for requirement in operation.get("security", []))
        if "requestBody" in operation:
            codes += ["400", "413", "415"]
        elif any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
            codes += ["400", "414"]
        if secured and (self.method not in SAFE_METHODS or self._checks_more_than_login()):
            codes.append("403")  # a right the caller lacks; unsafe methods: also CSRF (session)
        if "{" in self.path:
            codes.append("404")
        if any(parameter["name"] == "If-Match" for parameter in operation.get("parameters", [])):
            codes.append("412")
        return codes

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A `many=True` shape's min_length/max_length as minItems/maxItems (spectacular shows
        them for a ListField only)."""
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.ListField)
            and not isinstance(field, BoundedListField)
            and not field.read_only
        ):
            warn(
                f"{field.parent.__class__.__name__}.{field.field_name}: a request body's list "
                "must be a BoundedListField (its length checked before its items)."
            )
        if isinstance(field, serializers.ListSerializer) and result.get("type") == "array":
            if field.max_length is not None:
                result["maxItems"] = field.max_length
            if field.min_length is not None:
                result["minItems"] = field.min_length
        return result

    def get_filter_backends(self):
        """Also a plain GET view that filters rows it returns in an envelope of its own (the
        outreach assignments page), which spectacular does not take for a list."""
        view = self.view
        if (
            self.method == "GET"
            and not hasattr(view, "action")
            and hasattr(view, "filterset_class")
        ):
            return getattr(view, "filter_backends", [])
        return super().get_filter_backends()

    def _checks_more_than_login(self) -> bool:
        return any(
            not isinstance(permission, (IsAuthenticated, AllowAny))
            for permission in self.view.get_permissions()
        )

    def map_parsers(self):
        """One media type per body: JSON where a JSON parser reads it (a single content type
        is what generators handle; the outreach parsers also take the same JSON labelled as a
        form or as text, as the vendor app sends it, without that being advertised)."""
        media_types = super().map_parsers()
        return ["application/json"] if "application/json" in media_types else media_types

    def get_description(self):
        """The action's own docstring, else the view class's own: never a base class's
        (inspect.getdoc would show every supplier operation as "What every supplier-API view
        shares")."""
        name = getattr(self.view, "action", None) or self.method.lower()
        handler = getattr(type(self.view), name, None)
        doc = getattr(handler, "__doc__", None) or type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""

    def get_summary(self):
        """extend_schema's summary, else the description's first sentence, else the
        operation id in words."""
        description = self.get_description()
        if description:
            first = " ".join(description.split("\n\n")[0].split())
            sentence = first.split(". ")[0].rstrip(".")
            return sentence if len(sentence) <= 120 else sentence[:117] + "..."
        return self.get_operation_id().replace("_", " ").capitalize()


def postprocess(result, generator, request, public):
    """An operation without authentication says so (`security: []`) instead of saying nothing
    (which linters read as "forgot"); `servers` is the deployment's PUBLIC_BASE_URL, an
    absolute URL a generated client can call without being given a base URL by hand (a
    relative `/` leaves clients such as @hey-api/openapi-ts without one)."""
    for operations in result["paths"].values():
        for operation in operations.values():
            operation.setdefault("security", [])
    result["servers"] = [
        {"url": settings.PUBLIC_BASE_URL.rstrip("/"), "description": "This deployment."}
    ]
    return result


class CachedBasicAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "connect_api.authentication.CachedBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "HTTP Basic with the account's username and password (what the "
            "outreach mobile app sends on every call; the supplier API accepts it too). "
            + ONE_AT_A_TIME,
        }


class TokenAuthenticationScheme(KnoxTokenScheme):
    """Our one-query knox subclass: `Authorization: Token <key>`."""

    target_class = "connect_api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Token <key>`, the key from `POST /api/token/` (or "
            "`/organizations/user-login/`). The prefix is `Token`, not `Bearer` (a `Bearer` "
            "header is refused with 401): in the Authorize dialog type the whole value, "
            "`Token <key>`; a generated client needs its prefix set to `Token` (openapi-python-"
            'client: `AuthenticatedClient(base_url=..., token=key, prefix="Token")`). '
            + ONE_AT_A_TIME,
        }
