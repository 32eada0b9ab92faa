"""Throw-away databases for the tools that start their own server or data set (scripts/fuzz.py,
the benchmarks): one place that creates, recreates and drops them by URL."""

from pathlib import Path

import environ
import psycopg2


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _admin_connection(config: dict):
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE)."""
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    return admin


def database_recreate(url: str, *, drop_only: bool = False) -> None:
    """Drop the database `url` names (a SQLite file: delete it) and, unless `drop_only`, create
    it empty."""
    config = environ.Env.db_url_config(url)
    if not _is_postgres(url):
        Path(config["NAME"]).unlink(missing_ok=True)
        return
    admin = _admin_connection(config)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def database_ensure(url: str) -> None:
    """Create the PostgreSQL database `url` names if it does not exist (SQLite: nothing to do)."""
    if not _is_postgres(url):
        return
    config = environ.Env.db_url_config(url)
    admin = _admin_connection(config)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
