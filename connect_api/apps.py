from django.apps import AppConfig


class ConnectApiConfig(AppConfig):
    """Shared commands (seed_demo), the Job model, the cache-table migration, periodic jobs."""

    name = "connect_api"
    verbose_name = "connect-api"

    def ready(self):
        from axes.signals import user_locked_out

        from connect_api import schema  # noqa: F401  (registers the OpenAPI extensions)
        from connect_api.observability import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="connect_api.log_lockout")
