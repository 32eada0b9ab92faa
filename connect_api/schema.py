"""OpenAPI extensions for the shared authentication classes (loaded in AppConfig.ready)."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class CachedBasicAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "connect_api.authentication.CachedBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}


class TokenAuthenticationScheme(KnoxTokenScheme):
    """Our one-query knox subclass, described as knox's own scheme."""

    target_class = "connect_api.authentication.TokenAuthentication"
