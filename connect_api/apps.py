from django.apps import AppConfig


class ConnectApiConfig(AppConfig):
    """Registered so the shared management commands (seed_demo) are found."""

    name = "connect_api"
    verbose_name = "connect-api"

    def ready(self):
        from connect_api import schema  # noqa: F401  (registers the OpenAPI extensions)
