"""The benchmarks' own PostgreSQL databases: created when missing, so each script runs in one
command on a fresh machine (BENCH_DATABASE_URL picks another)."""

import environ
import psycopg2


def database_ensure(url: str) -> None:
    """Create the database `url` names if it does not exist (PostgreSQL; nothing for SQLite)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
