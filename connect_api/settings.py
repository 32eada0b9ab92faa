"""Settings, all read from the environment (django-environ), grouped by concern.

Every variable, its default and meaning: docs/operations.md "Configuration".
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core: debug, secret key, hosts ---
DEBUG = env.bool("DEBUG", default=False)
# No public default: with DEBUG off the server refuses to start without SECRET_KEY. Exempt:
# DEBUG on, and the test run itself ("pytest" imported; the servers tests start get the key
# tests/conftest.py exports). `make` targets use a per-checkout key (.secret_key, see Makefile).
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or "pytest" in sys.modules):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value (it signs sessions and keys "
            "the remembered Basic credentials), e.g. SECRET_KEY=$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'); or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only-key-change-me"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Transport security (HTTPS) ---
# Behind TLS in production: HTTPS=true turns on every transport-security setting at once.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]

# --- Applications, middleware, URLs, templates ---
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "health_check",
    "django_prometheus",
    "corsheaders",
    "connect_api.apps.ConnectApiConfig",
    "organizations.apps.OrganizationsConfig",
    "connections.apps.ConnectionsConfig",
    "uploads.apps.UploadsConfig",
    "outreach.apps.OutreachConfig",
    "webhooks.apps.WebhooksConfig",
    "notifications.apps.NotificationsConfig",
    "anymail",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "connect_api.observability.RequestLogMiddleware",
    # Before anything that can answer by itself (the SSL redirect, the migration gate,
    # CommonMiddleware): those answers carry CORS headers too, and a preflight is answered here,
    # before authentication (a browser never sends credentials on a preflight).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "connect_api.cache_control.NoStoreForCredentialsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "connect_api.migration_gate.MigrationGateMiddleware",
    "connect_api.lazy_state.LazySessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "connect_api.lazy_state.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "connect_api.observability.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "connect_api.urls"
WSGI_APPLICATION = "connect_api.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue (busy timeout)
    # instead of failing with "database is locked" when a reader upgrades to a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The request list's covering indexes (connections.ConnectionRequest.Meta: INCLUDE status)
    # are a PostgreSQL optimisation; SQLite builds them without the INCLUDE, which is fine.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, its health check reading the socket's state: no `SELECT 1` per request.
        DATABASES["default"]["ENGINE"] = "connect_api.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and throttling ---
# Throttle counters live in a cache every worker process shares: the database by default
# (nothing else to run), Redis in production with CACHE_URL=redis://host:6379/0. The database
# cache culls only past MAX_ENTRIES; Django's default of 300 would drop live throttle histories
# as soon as a few hundred clients are active.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://connect_api_cache?max_entries=20000"),
    # Verified Basic credentials: per process, short-lived, never shared or persisted.
    "credentials": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "verified-credentials",
        "TIMEOUT": env.int("BASIC_AUTH_CACHE_SECONDS", default=300),
    },
}
# On Redis, an outage degrades to per-process counting instead of failing requests
# (connect_api/cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "connect_api.cache.RedisCacheWithFallback"

# --- Authentication: passwords, tokens, lockout ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: Django's hook on every password change, used to revoke the user's tokens.
    {"NAME": "connect_api.password_revocation.RevokeTokensOnPasswordChange"},
]

# Loaded with the user by token and Basic authentication (same query): the supplier membership
# and its organization, so the request log names the organization and the views that act for
# it (organizations.selectors.organization_for) read it without a query of their own.
AUTH_USER_SELECT_RELATED = ["organization_membership__organization"]

REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("TOKEN_TTL_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
}

# Tokens kept per user: a login past it deletes that user's oldest tokens.
TOKENS_PER_USER = env.int("TOKENS_PER_USER", default=10)

# Lockout: 10 failed password checks for one (username, address) pair in 15 minutes lock that
# pair only (the right password too, at that address; other addresses still log in). The same
# wrong password again from the same address is answered without a hash and does not spend the
# address's budget, but counts for the pair: see authenticate_with_lockout.
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURES", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# No AccessLog row per successful login: axes computes its session hash by creating a session
# (a django_session row per token login). Logins are in the JSON request log instead.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Failed password checks per client address, every username together, before that address
# gets 429 without any hash until the window ends (connect_api/failed_logins.py), 30 per 15 min
# by default ...
FAILED_LOGINS_PER_ADDRESS = env.int("FAILED_LOGINS_PER_ADDRESS", default=30)
FAILED_LOGINS_WINDOW_SECONDS = env.int("FAILED_LOGINS_WINDOW_SECONDS", default=15 * 60)
# ... and at most this many within a minute (above LOCKOUT_FAILURES: one user's own lockout
# comes first), so a burst of failures costs the workers a few hashes, not 30.
FAILED_LOGINS_BURST = env.int("FAILED_LOGINS_BURST", default=12)
FAILED_LOGINS_BURST_SECONDS = env.int("FAILED_LOGINS_BURST_SECONDS", default=60)

# Reset mails asked for per client address and per e-mail address in an hour; past it, 429.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=20)
PASSWORD_RESET_PER_EMAIL_PER_HOUR = env.int("PASSWORD_RESET_PER_EMAIL_PER_HOUR", default=5)

# --- Client addresses behind proxies ---
# Client addresses: X-Forwarded-For is believed only from these proxies (comma-separated CIDRs,
# e.g. TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1/32); unset, the header is ignored. One function
# (connect_api.clientip.client_ip) for the throttles, the lockout and the failed-login limit.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# ... or how many proxies stand in front of the app (TRUSTED_PROXY_COUNT=1 behind the one nginx
# of docker-compose.yml): the last that many hops are believed, whatever their addresses. Only
# for an app that nothing reaches but through those proxies. Both set: a hop is believed if
# either rule vouches for it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or more.")
AXES_CLIENT_IP_CALLABLE = "connect_api.clientip.client_ip"

# --- Internationalization ---
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files, media and file storage ---
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Uploaded bytes go through this storage only. STORAGE_BACKEND=s3 switches to any
# S3-compatible object store via django-storages, configured by the AWS_* variables.
if env("STORAGE_BACKEND", default="local") == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
            "signature_version": env("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
        },
    }
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    # Read by django-storages where OPTIONS do not set them (STORAGES stays plain data).
    # A large upload goes as a multipart upload whose parts are each read into the worker's
    # memory: peak growth ~ chunk size x concurrency (benchmarks/uploads_rss.py --storage s3).
    AWS_S3_TRANSFER_CONFIG = TransferConfig(
        multipart_chunksize=env.int("AWS_S3_MULTIPART_CHUNKSIZE", default=8 * 1024 * 1024),
        max_concurrency=env.int("AWS_S3_MAX_CONCURRENCY", default=2),
    )
    # A store that stopped answering costs a request seconds, not minutes: then 503 "storage".
    # (This replaces django-storages' own client config, so it carries the OPTIONS' addressing
    # style and signature version too.)
    AWS_S3_CLIENT_CONFIG = Config(
        s3={"addressing_style": DEFAULT_STORAGE["OPTIONS"]["addressing_style"]},
        signature_version=DEFAULT_STORAGE["OPTIONS"]["signature_version"],
        connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=3.0),
        read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=20.0),
        retries={"max_attempts": env.int("AWS_S3_MAX_ATTEMPTS", default=2), "mode": "standard"},
    )
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Downloads stream the bytes through the app (any client, any storage). With S3 and
# STORAGE_PRESIGNED_DOWNLOADS=true they answer 302 to a presigned URL valid
# AWS_QUERYSTRING_EXPIRE seconds instead (for clients that follow redirects).
STORAGE_PRESIGNED_DOWNLOADS = env.bool("STORAGE_PRESIGNED_DOWNLOADS", default=False)
STORAGES = {
    "default": DEFAULT_STORAGE,
    # Hashed, compressed names from collectstatic's manifest; before collectstatic the plain
    # names (no 500), and /readyz answers 503 naming "staticfiles".
    "staticfiles": {"BACKEND": "connect_api.staticfiles.ForgivingManifestStaticFilesStorage"},
}

# --- Request bodies and uploads ---
# Body limits: JSON and form bodies, and uploaded files (streamed to a temporary file).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_BODY_BYTES", default=2 * 1024 * 1024)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# The most JSON values (scalars, arrays, objects) a request body may hold: the largest body any
# endpoint accepts holds under a thousand. A body past it is refused while it is read, before
# it is parsed, so refusing the largest bodies under the byte cap costs milliseconds.
REQUEST_MAX_JSON_VALUES = env.int("REQUEST_MAX_JSON_VALUES", default=10_000)

# Types an upload may have (extensions; the bytes must prove them, see uploads/inspection.py).
UPLOAD_ALLOWED_EXTENSIONS = env.list(
    "UPLOAD_ALLOWED_EXTENSIONS",
    default=[
        "csv",
        "tsv",
        "txt",
        "json",
        "xml",
        "pdf",
        "xlsx",
        "xls",
        "docx",
        "rtf",
        "zip",
        "edi",
        "x12",
    ],
)
# The size-cap handler goes first: it stops reading a request's files past UPLOAD_MAX_BYTES
# (-> 413, nothing kept); files above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "uploads.handlers.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)

# --- REST API and its schema ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "connect_api.authentication.TokenAuthentication",
        "connect_api.authentication.CachedBasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "connect_api.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "connect_api.renderers.SurrogateSafeJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["connect_api.filtering.QueryStringFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "connect_api.api.pagination.StartLimitPagination",
    "DEFAULT_SCHEMA_CLASS": "connect_api.schema.ApiAutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": (
        "connect_api.api.negotiation.RememberedContentNegotiation"
    ),
    "EXCEPTION_HANDLER": "connect_api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "connect_api.clientip.AnonRateThrottle",
        "connect_api.clientip.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/min"),
        "user": env("THROTTLE_USER", default="1200/min"),
        "uploads": env("THROTTLE_UPLOADS", default="60/hour"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Lists that may reach millions of rows (the connection-request list) count exactly up to
# this many; beyond it `total_count` is an estimate flagged `total_count_exact: false`.
LIST_EXACT_COUNT_CAP = env.int("LIST_EXACT_COUNT_CAP", default=10_000)

SPECTACULAR_SETTINGS = {
    "TITLE": "connect-api",
    "DESCRIPTION": (
        "Supplier connection requests (token auth) and the outreach mobile API "
        "(HTTP Basic, PascalCase JSON, MM/DD/YYYY dates)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: a nullable reference is `oneOf: [$ref, {type: null}]`, which generators read as
    # optional (3.0's `allOf` + `nullable` made openapi-python-client crash on a null).
    "OAS_VERSION": "3.1.0",
    # Clients authenticate with Token or Basic; sessions serve the admin and the browsable API.
    "AUTHENTICATION_WHITELIST": [
        "connect_api.authentication.TokenAuthentication",
        "connect_api.authentication.CachedBasicAuthentication",
    ],
    # `servers`: PUBLIC_BASE_URL, set by connect_api.schema.postprocess.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Idempotency-Key on every POST/PATCH that takes it.
        "connect_api.schema_headers.idempotency_key_parameter",
        "connect_api.schema.postprocess",
    ],
    "SCHEMA_PATH_PREFIX": r"/",
    "ENUM_NAME_OVERRIDES": {
        "OutreachRightEnum": "outreach.choices.Right",
        "ConnectionCategoryEnum": "outreach.choices.ConnectionCategory",
        "WebhookEndpointStatusEnum": "webhooks.choices.EndpointStatus",
        "WebhookEventEnum": "connect_api.events.EventName",
        # One preference frequency, spelled by each API its own way.
        "SupplierFrequencyEnum": "notifications.choices.Frequency",
        "OutreachFrequencyEnum": "notifications.api.serializers.OUTREACH_FREQUENCIES",
    },
}

# --- Browser clients (CORS) and safe retries ---
# Browser clients on other origins (django-cors-headers): only the origins listed here, e.g.
# CORS_ALLOWED_ORIGINS=https://app.example.com,http://localhost:3000; none by default. No
# cookies cross origins (CORS_ALLOW_CREDENTIALS false): a browser client sends its
# `Authorization: Token`/`Basic` header itself.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
# corsheaders' own default, named: the middleware reads it on every request, and a setting
# left out is a failed lookup (an AttributeError formatted) each time.
CORS_URLS_REGEX = r"^.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=86400)
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "applicationid",
    "idempotency-key",
    "if-match",
    "if-none-match",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Location",
    "Retry-After",
    "WWW-Authenticate",
    "X-Request-ID",
    "Idempotent-Replayed",
]
# Idempotency-Key: the first answer to a POST/PATCH is kept this long per (user, key) and
# replayed to a retry (connect_api/idempotency.py) ...
IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))
# The vendor's app sends no key: an outreach change request identical to one the same user
# submitted for the same connection within this window answers that one's id.
OUTREACH_DUPLICATE_WINDOW = timedelta(
    seconds=env.int("OUTREACH_DUPLICATE_WINDOW_SECONDS", default=10 * 60)
)

# --- Dependency outages ---
# A database outage answers 503 with this Retry-After (seconds) on every endpoint.
DATABASE_OUTAGE_RETRY_AFTER = env.int("DATABASE_OUTAGE_RETRY_AFTER", default=5)
# ... and so does any dependency's (Redis, the job queue, the object store), naming it
# (connect_api/dependencies.py; docs/operations.md "When a dependency is down").
OUTAGE_RETRY_AFTER = env.int("OUTAGE_RETRY_AFTER", default=DATABASE_OUTAGE_RETRY_AFTER)

# --- Logs, metrics, errors ---
# One JSON object per line on stderr (LOG_FORMAT=text for a console you read yourself); every
# record carries the request id. connect_api.request logs one line per request.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "connect_api.request_context.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if LOG_FORMAT == "text" else "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The request line is ours (connect_api.request); Django's own 4xx/5xx lines repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Handled here, so `run_huey` adds no text handler of its own (each line once, as JSON).
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Prometheus metrics at /metrics, only for `Authorization: Bearer <METRICS_TOKEN>`; without the
# variable /metrics is 404. Under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty directory) so
# the numbers cover every worker process (gunicorn.conf.py cleans up after dead workers).
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# Errors to Sentry when SENTRY_DSN is set (and only then); no request bodies, cookies or users.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from connect_api.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Background jobs ---
# Background jobs (Huey). QUEUE_URL: sqlite:///path (default, for make run), redis://host:6379/N
# in production, memory:// for a single process. QUEUE_IMMEDIATE=true runs tasks in the caller.
HUEY = {
    "huey_class": "connect_api.queue.huey_class",
    "name": "connect_api",
    "url": env("QUEUE_URL", default=f"sqlite:///{BASE_DIR / 'huey.sqlite3'}"),
    "immediate": env.bool("QUEUE_IMMEDIATE", default=False),
    "results": True,
    "utc": True,
    "consumer": {"workers": env.int("QUEUE_WORKERS", default=2), "worker_type": "thread"},
}
# The worker touches this file at start and every 10 s while healthy (compose's health check).
QUEUE_HEARTBEAT_FILE = env("QUEUE_HEARTBEAT_FILE", default="")
# Which worker ran each periodic job's slot (connect_api/schedule.py) is kept this long.
SCHEDULED_RUN_RETENTION = timedelta(days=env.int("SCHEDULED_RUN_RETENTION_DAYS", default=7))
# Kept by the periodic clean-up jobs (connect_api/tasks.py): lockout history older than this.
ACCESS_LOG_RETENTION = timedelta(days=env.int("ACCESS_LOG_RETENTION_DAYS", default=30))

# "apply all" change requests of a site: up to this many pending answer at once (200), more
# run as a job (202 + a job id to poll at /jobs/<id>).
OUTREACH_APPLY_ALL_SYNC_MAX = env.int("OUTREACH_APPLY_ALL_SYNC_MAX", default=25)

# --- Webhooks ---
# Deliver to private, loopback, link-local... addresses too (never in production: SSRF).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOKS_CONNECT_TIMEOUT = env.float("WEBHOOKS_CONNECT_TIMEOUT", default=3.0)
WEBHOOKS_READ_TIMEOUT = env.float("WEBHOOKS_READ_TIMEOUT", default=10.0)
# After a secret rotation the old secret keeps signing beside the new one this long, so the
# receiver can switch over without losing a delivery (Standard Webhooks' several signatures).
WEBHOOKS_SECRET_OVERLAP = timedelta(hours=env.int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24))
# Seconds before each retry of a failed delivery (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h:
# 8 attempts over about 31.6 hours); then the delivery is FAILED (re-deliverable by hand).
WEBHOOKS_RETRY_DELAYS = [5, 300, 1800, 7200, 18000, 36000, 50400]
# An endpoint whose every attempt failed for this long is disabled and its owner mailed.
WEBHOOKS_DISABLE_AFTER = timedelta(days=env.int("WEBHOOKS_DISABLE_AFTER_DAYS", default=3))

# --- Mail ---
# EMAIL_URL picks Django's backend: consolemail:// (the default: mail is printed by the process
# that sends it, i.e. the job worker), filemail:// (with EMAIL_FILE_PATH=/a/dir),
# smtp://user:pass@host:587 (also smtp+tls://, smtp+ssl://), memorymail://, dummymail://.
# A provider's HTTP API instead, through
# django-anymail: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend (postmark, mailgun,
# sendgrid, amazon_ses, ...) with its settings as ANYMAIL_<NAME> variables (e.g.
# ANYMAIL_POSTMARK_SERVER_TOKEN), which become ANYMAIL["<NAME>"].
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_FILE_PATH ...
# (set but empty, as docker-compose.yml passes it when unset: EMAIL_URL's backend)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="") or EMAIL_CONFIG["EMAIL_BACKEND"]
# filemail://'s directory (a path in the URL would be read relative by django-environ).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=EMAIL_CONFIG.get("EMAIL_FILE_PATH") or None)
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Connect API <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where the links in mails (unsubscribe) point: the server's public address.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
