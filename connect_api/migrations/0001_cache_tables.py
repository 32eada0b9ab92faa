"""The database cache tables (CACHES entries with the DatabaseCache backend), created by
`migrate` so no separate `createcachetable` step exists. Already present: left alone."""

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations
from django.utils.module_loading import import_string


def _database_cache_tables() -> list[str]:
    return [
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if issubclass(import_string(cache["BACKEND"]), DatabaseCache)
    ]


def create_cache_tables(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    for table in _database_cache_tables():
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_cache_tables(apps, schema_editor):
    existing = schema_editor.connection.introspection.table_names()
    for table in _database_cache_tables():
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables, elidable=False)]
