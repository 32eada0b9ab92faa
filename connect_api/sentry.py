"""Sentry, enabled by SENTRY_DSN alone (settings.py calls init_sentry only when it is set)."""


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Sentry with the Django integration; no request bodies, cookies or user details."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
    )


def report_exception(exc: BaseException) -> None:
    """Send an exception the API answered as 500 to Sentry (a no-op without SENTRY_DSN)."""
    import sentry_sdk

    sentry_sdk.capture_exception(exc)
