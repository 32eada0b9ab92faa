"""gunicorn settings, each overridable from the environment (docs/operations.md "Deploy").

gunicorn -c gunicorn.conf.py connect_api.wsgi
"""

import os
import re
import shutil
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: 2 x cores + 1 is gunicorn's rule of thumb; each worker holds one request.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The app writes one JSON line per request (connect_api.request); gunicorn's own access log
# would repeat it without the request id.
accesslog = None
errorlog = "-"
# X-Forwarded-* are believed only from these addresses (the reverse proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"


def _instance_metrics_dir() -> Path | None:
    """This instance's own directory under PROMETHEUS_MULTIPROC_DIR: METRICS_INSTANCE, else the
    bind address ("127.0.0.1_8000"). Several instances on one host (each binds its own port)
    then never read or wipe each other's files, and each /metrics counts its own workers only.
    Set here, before any worker starts, so the workers' prometheus_client writes there too."""
    base = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not base:
        return None
    instance = os.environ.get("METRICS_INSTANCE") or bind
    path = Path(base) / re.sub(r"[^A-Za-z0-9._-]", "_", instance)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    os.environ["PROMETHEUS_MULTIPROC_BASE"] = base  # a reload must not nest another level
    return path


if "PROMETHEUS_MULTIPROC_BASE" in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["PROMETHEUS_MULTIPROC_BASE"]
metrics_dir = _instance_metrics_dir()
# gunicorn's own lines (start, worker boot/exit) as JSON too, like the app's (LOG_FORMAT).
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}
        },
    }


def on_starting(server):
    """A fresh metrics directory for this instance (its previous run's files only), and a clear
    word when collectstatic is missing."""
    if metrics_dir is not None:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True, exist_ok=True)
    manifest = Path(
        os.environ.get("STATIC_ROOT") or Path(__file__).resolve().parent / "staticfiles"
    )
    if not (manifest / "staticfiles.json").exists():
        server.log.error(
            "No %s: run `manage.py collectstatic --noinput`. Until then the admin and "
            "/api/docs/ have no styles or scripts and /readyz answers 503 (staticfiles).",
            manifest / "staticfiles.json",
        )


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Load the URLconf before the first request and freeze what is loaded (connect_api.warmup)."""
    from connect_api.warmup import warm_and_freeze

    warm_and_freeze()
