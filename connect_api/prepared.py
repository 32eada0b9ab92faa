"""A hot read's query compiled once and run again with new keys.

Django compiles a queryset's SQL on every evaluation; for the small fixed-shape queries every
request of a hot path runs (a page's children by their parents' keys), compiling cost more than
the database's answer. `PreparedRows(build)` compiles `build(keys)` once per number of keys
(and database connection), checks that the keys are the query's only parameters, and then
runs that SQL through a cursor with the new keys, applying the same field converters Django
applies (UUIDs and datetimes on SQLite). `PreparedModels(build, sentinel)` does the same for a
queryset of model instances with one parameter (the token lookup: the token, its user, the
membership and organization), building the instances as Django does (`ModelIterable`, with
the compiled SQL). The answer and the query count are the queryset's
(tests/foundation/test_prepared.py); a queryset whose parameters are not just the keys is
simply evaluated as usual.
"""

import copy
from collections.abc import Callable, Sequence
from types import SimpleNamespace

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

# Keys no table holds, so the compiled parameters can be recognised as the keys.
_SENTINEL_BASE = -7_340_000_000


class PreparedRows:
    def __init__(self, build: Callable[[Sequence[int]], QuerySet]):
        """`build(keys)`: a `values_list()` queryset (plain tuples) whose parameters are `keys`."""
        self.build = build
        self._compiled: dict[tuple[int, int], tuple | None] = {}

    def __call__(self, keys: Sequence[int]) -> list[tuple]:
        """The rows `list(build(keys))` answers, as tuples."""
        if not keys:
            return []
        connection = connections[DEFAULT_DB_ALIAS]
        shape = (id(connection), len(keys))
        if shape not in self._compiled:
            if len(self._compiled) >= 1024:
                self._compiled.clear()
            self._compiled[shape] = self._compile(connection, len(keys))
        compiled = self._compiled[shape]
        if compiled is None:
            return [tuple(row) for row in self.build(keys)]
        sql, compiler, converters = compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, list(keys))
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def _compile(self, connection, count: int) -> tuple | None:
        sentinels = [_SENTINEL_BASE - index for index in range(count)]
        queryset = self.build(sentinels)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != sentinels:
            return None
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return sql, compiler, compiler.get_converters(fields)


class PreparedModels:
    def __init__(self, build: Callable[[object], QuerySet], sentinel: object):
        """`build(value)`: a queryset of model instances whose one parameter is `value`;
        `sentinel`: a value of the same type no row holds (to recognise the parameter)."""
        self.build = build
        self.sentinel = sentinel
        self._compiled: dict[int, tuple | None] = {}

    def __call__(self, value) -> list:
        """The instances `list(build(value))` answers."""
        connection = connections[DEFAULT_DB_ALIAS]
        shape = id(connection)
        if shape not in self._compiled:
            self._compiled[shape] = self._compile(connection)
        compiled = self._compiled[shape]
        if compiled is None:
            return list(self.build(value))
        compiler, sql, model = compiled
        pinned = copy.copy(compiler)
        pinned.as_sql = lambda *args, **kwargs: (sql, (value,))
        queryset = SimpleNamespace(
            db=connection.alias,
            model=model,
            query=SimpleNamespace(get_compiler=lambda using=None: pinned),
            _known_related_objects={},
        )
        return list(ModelIterable(queryset))

    def _compile(self, connection) -> tuple | None:
        queryset = self.build(self.sentinel)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            return None
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != [self.sentinel]:
            return None
        return compiler, sql, queryset.model
