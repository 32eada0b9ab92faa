"""/healthz is liveness (one query); /readyz checks every dependency and names what failed."""

import json

import pytest
from django.db import connection
from huey import RedisHuey
from huey.contrib.djhuey import HUEY

from tests.ops.conftest import clean_env, closed_port, latest_migration, manage

pytestmark = pytest.mark.django_db

CHECKS = {"database", "migrations", "cache", "storage", "queue", "staticfiles"}


def ready(client):
    response = client.get("/readyz")
    return response.status_code, response.json()


def test_everything_up_is_200_naming_each_check(client):
    status, body = ready(client)
    assert status == 200, body
    assert body == {"status": "ok", "failed": [], "checks": dict.fromkeys(CHECKS, "OK")}


def test_healthz_stays_a_single_query(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get("/healthz").status_code == 200


def test_readiness_is_not_cached_and_has_a_trailing_slash_form(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_redis_cache_down_is_503_naming_cache(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/5",
        },
    }
    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["cache"]
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] != "OK"


def test_redis_cache_up_is_ok(client, settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
    }
    status, body = ready(client)
    assert status == 200, body


def test_storage_failing_is_503_naming_storage(client, settings, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("storage cannot write below a file")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_directory / "media")},
        },
    }
    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["storage"]


def test_storage_probe_leaves_nothing_behind(client, settings):
    assert ready(client)[0] == 200
    media = settings.MEDIA_ROOT
    leftovers = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert leftovers == []


def test_queue_storage_down_is_503_naming_queue(client, monkeypatch):
    unreachable = RedisHuey("probe", url=f"redis://127.0.0.1:{closed_port()}/5")
    monkeypatch.setattr(HUEY, "storage", unreachable.storage)
    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["queue"]
    assert "unreachable" in body["checks"]["queue"]


def test_unapplied_migration_is_503_naming_migrations(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s",
            ["connect_api", latest_migration()],
        )
    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["migrations"]
    assert f"connect_api.{latest_migration()}" in body["checks"]["migrations"]


def test_missing_collectstatic_is_503_naming_staticfiles(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static-never-collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "connect_api.staticfiles.ForgivingManifestStaticFilesStorage"},
    }
    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["staticfiles"]
    assert "collectstatic" in body["checks"]["staticfiles"]


READYZ_IN_A_FRESH_PROCESS = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/readyz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def test_database_down_is_503_naming_database():
    """A server process configured by environment only, with PostgreSQL not answering."""
    env = clean_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/connect_api_h11_down",
        QUEUE_URL="memory://",
    )
    result = manage("shell", "-c", READYZ_IN_A_FRESH_PROCESS, env=env)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    failed = answer["body"]["failed"]
    assert "database" in failed
    assert "migrations" in failed  # cannot be read either
    assert "storage" not in failed and "queue" not in failed
