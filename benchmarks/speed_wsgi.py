"""The WSGI application `speed.py --server` runs under gunicorn: the real one with the
benchmark's URLconf (the endpoints beside their twins), and the bare WSGI twin at
/bench/wsgi/ in front of it (no Django handler).

With SPEED_REQUEST_LOG set (a directory; `speed.py --server --interleaved`), each request's
cost in the worker is logged there (benchmarks/request_log.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()
settings.ROOT_URLCONF = "benchmarks.speed_twins"

from benchmarks.request_log import logged  # noqa: E402
from benchmarks.speed_limit import wsgi_application  # noqa: E402


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/bench/wsgi/"):
        return wsgi_application(environ, start_response)
    return django_application(environ, start_response)


if os.environ.get("SPEED_REQUEST_LOG"):
    application = logged(application, os.environ["SPEED_REQUEST_LOG"])
