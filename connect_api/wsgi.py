"""WSGI entry point (gunicorn, runserver): Django behind the chunked-body reader."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
django_application = get_wsgi_application()

from connect_api.request_body import ChunkedRequestBody  # noqa: E402 (after django.setup)

application = ChunkedRequestBody(django_application)
