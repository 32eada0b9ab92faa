"""A hot read's query compiled once and run again with new keys.

Django compiles a queryset's SQL on every evaluation; for the small fixed-shape queries every
request of a hot path runs (a page's children by their parents' keys), compiling cost more than
the database's answer. `PreparedRows(build)` compiles `build(keys)` once per number of keys
(and database connection), checks that the keys are the query's only parameters, and then
runs that SQL through a cursor with the new keys, applying the same field converters Django
applies (UUIDs and datetimes on SQLite). `PreparedModels(build, *fields)` does the same for a
queryset of model instances whose parameters are the values it is called with (the token
lookup: the token, its user, the membership and organization; a request by its uuid within
the caller's organizations), building the instances as Django's `ModelIterable` does (from
what the compile worked out once: `_Instances`), or a `values_list()` queryset's rows.
`PreparedCount` does the same for a queryset's `.count()`, and `PreparedList` gives a paginator
a list's count and pages that way (each page window compiled once). These compiled reads run
on the connection's one reused cursor (`reused_cursor`), through the driver's own when nothing
reads Django's (`fetched`). `PreparedInsert(model)` writes new instances as
`bulk_create` does, its INSERT compiled once per number of rows; `PreparedCreate(model)` is
`create()` over it; `PreparedUpdate(model)` writes an instance's changed fields as
`save(update_fields=...)` does, its UPDATE compiled once per set of fields. The answer and
the query count are the queryset's (tests/foundation/test_prepared.py); a queryset whose
parameters are not just the keys is simply evaluated as usual.
"""

import copy
import functools
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from types import SimpleNamespace
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import AutoField, Field, Model, QuerySet, signals
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql import InsertQuery, UpdateQuery

# The values a query is compiled with (never run), so its parameters can be recognised: in the
# range of a 32-bit positive integer field, as Django answers a lookup outside a field's range
# with no query at all (EmptyResultSet: nothing to compile).
_SENTINEL_NUMBER = 2_146_000_000


def once_per_shape(cache: dict, shape: tuple, make: Callable[[], object]):
    """`cache[shape]`, made by `make()` the first time (a compiled query, or anything else
    kept per shape of its inputs): the cache holds at most 1024 shapes; past that it starts
    again, so shapes that come and go cannot grow it."""
    if shape not in cache:
        if len(cache) >= 1024:
            cache.clear()
        cache[shape] = make()
    return cache[shape]


def reused_cursor(connection):
    """An open cursor of `connection` for the compiled reads, the same one each time: making a
    cursor (Django's wrapper around the driver's) cost about as much as a small query's
    answer, and a request runs several such reads. A new one is made, through
    `connection.cursor()`, whenever that one would not do: the connection was closed or
    opened again, its queries started or stopped being logged (CaptureQueriesContext,
    DEBUG), or its health check is due (the first query of a request, with
    CONN_HEALTH_CHECKS). A read runs and fetches its rows before the next starts, so one
    cursor serves them in turn; what it holds is the last answer fetched."""
    kept = connection.__dict__.get("_reused_cursor")
    if (
        kept is not None
        and kept[0] is connection.connection
        and kept[1] == connection.queries_logged
        and (connection.health_check_done or not connection.health_check_enabled)
    ):
        return kept[2]
    cursor = connection.cursor()
    connection._reused_cursor = (connection.connection, connection.queries_logged, cursor)
    return cursor


def fetched(connection, sql: str, params) -> list:
    """The rows of `sql` with `params`, run on the reused cursor (`reused_cursor`) as Django's
    cursor runs them, without its layers when nothing reads them.

    Django's cursor runs each query through the connection's execute wrappers, a check that the
    transaction is not broken, and its error wrapper (the driver's exceptions raised as
    Django's, and the connection marked for closing after those that can leave it unusable),
    then wraps `fetchall` in the error wrapper again: about 10 µs of a small query's 30 µs of
    CPU here, and a search runs nine compiled reads. When no execute wrapper is installed and
    queries are not logged, this runs the driver's cursor directly, checks the transaction as
    Django does, and hands a driver error to Django's error wrapper, which raises it as Django
    would have (the same class, the same flag on the connection). Otherwise it is Django's
    cursor."""
    cursor = reused_cursor(connection)
    if connection.execute_wrappers or connection.queries_logged:
        cursor.execute(sql, params)
        return cursor.fetchall()
    if connection.needs_rollback:
        connection.validate_no_broken_transaction()
    driver_cursor = cursor.cursor
    try:
        driver_cursor.execute(sql, params)
        return driver_cursor.fetchall()
    except connection.Database.Error:
        with connection.wrap_database_errors:
            raise


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
        compiled = once_per_shape(
            self._compiled,
            (id(connection), len(keys)),
            lambda: self._compile(connection, len(keys)),
        )
        if compiled is None:
            return [tuple(row) for row in self.build(keys)]
        sql, compiler, converters = compiled
        rows = fetched(connection, sql, list(keys))
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def _compile(self, connection, count: int) -> tuple | None:
        sentinels = [_SENTINEL_NUMBER + index for index in range(count)]
        queryset = self.build(sentinels)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != sentinels:
            return None
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return sql, compiler, compiler.get_converters(fields)


class Choice(str):
    """A value `build` reads as a choice between queries, not as a parameter: each choice is
    compiled once (e.g. organizations.querysets.EVERY_ORGANIZATION, staff's rows)."""


class Window(NamedTuple):
    """Rows `begin` to `end` (exclusive) of a query, a value `build` slices with: Django writes
    a slice into the SQL (LIMIT and OFFSET), so each window is compiled once, like a Choice."""

    begin: int
    end: int


class Transformed(NamedTuple):
    """A value the query's SQL holds transformed, not as the field would store it (a search
    word as the LIKE pattern `%WORD%`): `param(value, connection)` is that parameter. It is
    compiled with a sentinel holding lower case, LIKE's special characters (`%`, `_`, `\\`) and
    no space, so a `param` that transforms otherwise than the query does finds no parameter
    to stand for, and the query is not compiled (evaluated as usual)."""

    param: Callable[[object, object], object]


def _fixed(value) -> bool:
    """A value compiled into the query rather than passed as a parameter."""
    return isinstance(value, Choice | Window)


class _Prepared:
    """What PreparedModels and PreparedCount share: the values' fields, the compiled shapes,
    and the parameters a compiled query takes from the values."""

    def __init__(self, build: Callable[..., QuerySet], *fields: Callable[[], Field | None]):
        self.build = build
        self._fields = fields
        self._compiled: dict[tuple, tuple | None] = {}

    @functools.cached_property
    def fields(self) -> list["Field | Transformed | None"]:
        return [field() for field in self._fields]

    def _lookup(self, connection, values) -> tuple | None:
        """The compiled query for these values' shape (None: not compiled)."""
        shape = (id(connection), *(_shape(value) for value in values))
        return once_per_shape(self._compiled, shape, lambda: self._compile(connection, values))

    def _compile(self, connection, values) -> tuple | None:
        raise NotImplementedError

    def _params(self, connection, values) -> list:
        params = []
        for field, value in zip(self.fields, values, strict=True):
            if _fixed(value):
                continue
            for one in value if isinstance(value, list) else (value,):
                if isinstance(field, Transformed):
                    params.append(field.param(one, connection))
                else:
                    params.append(field.get_db_prep_value(one, connection, prepared=False))
        return params

    def _sentinels(self, values) -> list | None:
        """Values of the same shape that the query is compiled with (None: not compiled)."""
        sentinels = []
        for index, (field, value) in enumerate(zip(self.fields, values, strict=True)):
            if isinstance(value, list):
                sentinels.append([_sentinel(field, index, n) for n in range(len(value))])
            elif _fixed(value):
                sentinels.append(value)
            elif isinstance(value, QuerySet):
                return None
            else:
                sentinels.append(_sentinel(field, index, 0))
        return sentinels

    def _template(self, connection, sentinels, params) -> list | None:
        """Where each of the compiled query's parameters comes from: one of the values (where
        its sentinel stands: once, or more than once, as `retailer IN (...) OR supplier IN
        (...)`) or a constant of the query's own (`is_active=True`, a default ordering's),
        kept as compiled. None when a value is missing from the SQL."""
        slots = {}
        for slot, sentinel in enumerate(self._params(connection, sentinels)):
            slots[_hashable(sentinel)] = slot
        template = [(slots.get(_hashable(param)), param) for param in params]
        found = [slot for slot, _ in template if slot is not None]
        if set(found) != set(range(len(slots))):
            return None
        return template

    def _bound(self, connection, values, template) -> tuple:
        given = self._params(connection, values)
        return tuple(given[slot] if slot is not None else constant for slot, constant in template)


# How `PreparedModels` turns the compiled query's rows into its answer: Django's own iterables,
# which only ask the queryset for its compiler (the ones that build dicts or named tuples also
# read the query's selected names; such a queryset is evaluated as usual).
_ITERABLES = (ModelIterable, ValuesListIterable, FlatValuesListIterable)


class _Instances(NamedTuple):
    """How Django's ModelIterable builds a query's instances from its rows, worked out once
    per compiled query rather than before each one's first row: the model's columns and
    their attribute names, the select_related populators (which keep no state between
    rows), and the annotations' columns."""

    model: type[Model]
    start: int
    end: int
    names: list[str]
    related: list
    annotations: dict[str, int]

    @classmethod
    def of(cls, compiler, alias: str) -> "_Instances":
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return cls(
            model=klass_info["model"],
            start=start,
            end=end,
            names=[column[0].target.attname for column in select[start:end]],
            related=get_related_populators(klass_info, select, alias),
            annotations=compiler.annotation_col_map,
        )

    def build(self, alias: str, rows) -> list[Model]:
        """ModelIterable's instances of `rows` (converted), with their related instances."""
        built = []
        for row in rows:
            instance = self.model.from_db(alias, self.names, row[self.start : self.end])
            for populator in self.related:
                populator.populate(row, instance)
            for name, position in self.annotations.items():
                setattr(instance, name, row[position])
            built.append(instance)
        return built


class PreparedModels(_Prepared):
    """`build(*values)`: a queryset of model instances whose parameters are `values` (and
    constants of its own); `fields[i]()`: the model field `values[i]` is compared with (it
    converts the value as Django does, e.g. a UUID to 32 hex digits on SQLite; called once,
    when the models are loaded; None for a Choice or a Window). A value may instead be a list
    of such values (an `__in` lookup), compiled once per length, or a `Choice` or a `Window`,
    compiled once per value; a queryset is not compiled (the build is evaluated as usual).
    A `values_list()` queryset (flat or not) answers its rows, as Django's iterables do."""

    def __call__(self, *values) -> list:
        """What `list(build(*values))` answers: instances, or rows."""
        connection = connections[DEFAULT_DB_ALIAS]
        compiled = self._lookup(connection, values)
        if compiled is None or (compiled[-1] and connection.get_autocommit()):
            # Not compiled; or a query that locks its rows outside a transaction, which
            # Django's own compile refuses (TransactionManagementError)
            return list(self.build(*values))
        compiler, sql, model, iterable, template, converters, composite, instances, _ = compiled
        rows = fetched(connection, sql, self._bound(connection, values, template))
        if iterable is not ModelIterable:  # rows: what the values_list iterables answer
            if compiler.has_extra_select:  # columns the query orders by but does not answer
                rows = [row[: compiler.col_count] for row in rows]
            if converters:
                rows = compiler.apply_converters(rows, converters)
            if iterable is FlatValuesListIterable:
                return [row[0] for row in rows]
            return [tuple(row) for row in rows]
        if instances is not None:
            if converters:
                rows = compiler.apply_converters(rows, converters)
            return instances.build(connection.alias, rows)
        # A composite key's columns: Django's ModelIterable builds the instances from the rows
        # fetched (as the compiler would fetch them, with the converters it would look up).
        pinned = copy.copy(compiler)
        pinned.execute_sql = lambda *args, **kwargs: [rows]
        pinned.get_converters = lambda expressions: converters
        pinned.has_composite_fields = lambda expressions: composite
        queryset = SimpleNamespace(
            db=connection.alias,
            model=model,
            query=SimpleNamespace(get_compiler=lambda using=None: pinned),
            _known_related_objects={},
        )
        return list(iterable(queryset))

    def _compile(self, connection, values) -> tuple | None:
        sentinels = self._sentinels(values)
        if sentinels is None:
            return None
        queryset = self.build(*sentinels)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            return None
        if queryset._iterable_class not in _ITERABLES:
            return None
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        template = self._template(connection, sentinels, params)
        if template is None:
            return None
        # What results_iter would look up again for every row set (the columns' converters,
        # whether any column is a composite key's)
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        composite = compiler.has_composite_fields(columns)
        features = connection.features
        locks = bool(
            queryset.query.select_for_update
            and features.has_select_for_update
            and features.supports_transactions
        )
        iterable = queryset._iterable_class
        instances = None
        if iterable is ModelIterable and not composite:
            instances = _Instances.of(compiler, connection.alias)
        return (
            compiler,
            sql,
            queryset.model,
            iterable,
            template,
            converters,
            composite,
            instances,
            locks,
        )


class _Captured(Exception):
    """Stops a query that is only being compiled before it reaches the database."""


class PreparedCount(_Prepared):
    """`build(*values).count()`, its SQL compiled once per shape (values as PreparedModels
    takes them). Django builds a count's query as it runs it, so the SQL is taken from the
    cursor as the count is about to run with the sentinel values, and stopped there: compiling
    costs no query (and none is left in the queries log)."""

    def __call__(self, *values) -> int:
        connection = connections[DEFAULT_DB_ALIAS]
        compiled = self._lookup(connection, values)
        if compiled is None:
            return self.build(*values).count()
        sql, template = compiled
        ((count,),) = fetched(connection, sql, self._bound(connection, values, template))
        return count

    def _compile(self, connection, values) -> tuple | None:
        sentinels = self._sentinels(values)
        if sentinels is None:
            return None
        taken = []

        def take(execute, sql, params, many, context):
            taken.append((sql, params))
            raise _Captured

        logged = list(connection.queries_log)
        try:
            with connection.execute_wrapper(take):
                self.build(*sentinels).count()
        except _Captured:
            pass
        finally:  # the debug cursor logs the query it was asked to run, even one stopped
            if list(connection.queries_log) != logged:
                connection.queries_log.clear()
                connection.queries_log.extend(logged)
        if len(taken) != 1:  # no query (an empty result known beforehand)
            return None
        sql, params = taken[0]
        template = self._template(connection, sentinels, list(params or ()))
        return None if template is None else (sql, template)


class PreparedList:
    """The querysets `build(*values)` (values as PreparedModels takes them) that a paginator
    counts and pages through compiled queries: `prepared_list(*values)` is the queryset,
    carrying `.prepared`, which runs `shaped(queryset, window).count()` and
    `list(shaped(queryset, window))` for the paginator's own `shaped` (its count's keys, its
    page) as PreparedCount and PreparedModels, compiled once per shape and window. Only this
    very queryset carries it: a queryset derived from it (filtered, ordered ...) is a new
    QuerySet without the attribute, counted and paged as usual.

    The queryset itself is built only when something reads its query (a page past the exact
    count's cap, a fallback): the count and page compiled never do, and building it (filters,
    joins, ordering) cost a twentieth of a whole request. Only a build that leaves nothing but
    the query different from a new queryset of its class is deferred so (checked on the
    first call with values of each shape).

    With `columns` and `row`, the compiled page is read as `values_list(*columns)` and each
    of its rows given as `row(columns' values)`, no instance built: the output must then read
    such a row as it reads an instance (a page the paginator reads otherwise, from the end
    of a long list, is instances)."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *fields: Callable[[], Field | None],
        columns: Sequence[str] = (),
        row: Callable[[tuple], object] | None = None,
    ):
        self.build = build
        self._fields = fields
        self.columns, self.row = tuple(columns), row
        self._counts: dict[Callable, PreparedCount] = {}
        self._pages: dict[Callable, PreparedModels] = {}
        self._deferrable: dict[tuple, tuple[type, type[Model]] | None] = {}

    def __call__(self, *values) -> QuerySet:
        shape = tuple(_shape(value) for value in values)
        deferrable = self._deferrable.get(shape)
        if deferrable is not None:
            queryset_class, model = deferrable
            queryset = _built_on_first_read(queryset_class)(model=model)
            queryset._build = functools.partial(self.build, *values)
        else:
            queryset = self.build(*values)
            if shape not in self._deferrable and len(self._deferrable) < 1024:
                self._deferrable[shape] = _deferrable(queryset)
        queryset.prepared = _PreparedQuerySet(self, values)
        return queryset

    def _of(self, kind: type[_Prepared], known: dict, shaped: Callable) -> _Prepared:
        if shaped not in known:
            build, columns = self.build, self.columns if kind is PreparedModels else ()

            def built(*values):
                queryset = shaped(build(*values[:-1]), values[-1])
                return queryset.values_list(*columns) if columns else queryset

            known[shaped] = kind(
                built,
                *self._fields,
                lambda: None,  # the window
            )
        return known[shaped]


def _deferrable(queryset: QuerySet) -> tuple[type, type[Model]] | None:
    """(its class, its model) when `queryset` differs from a new queryset of its class in its
    query only, so the build can wait until the query is read; else None."""
    queryset_class, model = type(queryset), queryset.model
    new = queryset_class(model=model)
    state = {key: value for key, value in vars(queryset).items() if key != "_query"}
    fresh = {key: value for key, value in vars(new).items() if key != "_query"}
    return (queryset_class, model) if state == fresh else None


@functools.cache
def _built_on_first_read(queryset_class: type[QuerySet]) -> type[QuerySet]:
    """`queryset_class` whose instance given `_build` takes the built queryset's state the
    first time its query is read (or replaced)."""

    def built(queryset):
        build = queryset.__dict__.pop("_build", None)
        if build is not None:
            state = vars(build())
            queryset.__dict__.update({key: state[key] for key in ("_query", "_db", "_hints")})

    def query_get(queryset):
        built(queryset)
        return queryset_class.query.fget(queryset)

    def query_set(queryset, value):
        built(queryset)
        queryset_class.query.fset(queryset, value)

    return type(
        queryset_class.__name__,
        (queryset_class,),
        {"query": property(query_get, query_set), "__module__": queryset_class.__module__},
    )


class _PreparedQuerySet(NamedTuple):
    source: PreparedList
    values: tuple

    def count(self, shaped: Callable[[QuerySet, Window], QuerySet], window: Window) -> int:
        """`shaped(queryset, window).count()`."""
        prepared = self.source._of(PreparedCount, self.source._counts, shaped)
        return prepared(*self.values, window)

    def rows(self, shaped: Callable[[QuerySet, Window], QuerySet], window: Window) -> list:
        """`list(shaped(queryset, window))` (or its rows, with the list's `columns`)."""
        prepared = self.source._of(PreparedModels, self.source._pages, shaped)
        found = prepared(*self.values, window)
        row = self.source.row
        return [row(columns) for columns in found] if row is not None else found


class PreparedInsert:
    def __init__(self, model: type[Model]):
        """New instances of `model` written as `model.objects.bulk_create(objs)` writes them:
        the same INSERT ... RETURNING, in one statement, the instances given their primary
        keys; no save() and no signals, as bulk_create. The statement is compiled once per
        number of rows (and database connection); each call prepares its values as Django
        does (defaults, each field's conversion) and checks their placeholders are the
        compiled ones, else (an expression as a value) runs bulk_create itself."""
        self.model = model
        self._compiled: dict[tuple[int, int], tuple | None] = {}

    def __call__(self, objs: list[Model]) -> list[Model]:
        if not objs:
            return objs
        connection = connections[DEFAULT_DB_ALIAS]
        queryset = self.model._default_manager.get_queryset()
        queryset._prepare_for_bulk_create(objs)  # bulk_create's: defaults, related keys
        if isinstance(self.model._meta.pk, AutoField) and any(o._is_pk_set() for o in objs):
            return queryset.bulk_create(objs)  # keys given: bulk_create's other statement
        compiled = once_per_shape(
            self._compiled, (id(connection), len(objs)), lambda: self._compile(connection, objs)
        )
        if compiled is None:
            return queryset.bulk_create(objs)
        compiler, fields, sql, by_column, converters = compiled
        value_rows = _value_rows(compiler, fields, objs)
        if any(hasattr(value, "as_sql") for row in value_rows for value in row):
            return queryset.bulk_create(objs)  # an expression: SQL of its own
        param_rows = _insert_params(value_rows, by_column)
        opts, ops = self.model._meta, connection.ops
        returning = opts.db_returning_fields
        _, returning_params = ops.return_insert_columns(returning)
        params = tuple(chain.from_iterable([*param_rows, returning_params]))
        atomic = transaction.atomic(using=connection.alias, savepoint=False)
        with atomic, connection.cursor() as cursor:
            cursor.execute(sql, params)
            if len(objs) > 1:
                rows = ops.fetch_returned_insert_rows(cursor)
            else:
                rows = [ops.fetch_returned_insert_columns(cursor, returning_params)]
        if converters:
            rows = compiler.apply_converters(rows, converters)
        for obj, row in zip(objs, rows, strict=True):
            for value, field in zip(row, returning, strict=True):
                setattr(obj, field.attname, value)
            obj._state.adding = False
            obj._state.db = connection.alias
        return objs

    def _compile(self, connection, objs: list[Model]) -> tuple | None:
        opts, features = self.model._meta, connection.features
        fields = [
            f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)
        ]
        if (
            not features.can_return_rows_from_bulk_insert
            or any(
                parent._meta.concrete_model is not opts.concrete_model
                for parent in opts.all_parents
            )
            or connection.ops.bulk_batch_size(fields, objs) < len(objs)
        ):
            return None  # bulk_create's other paths (batches, no RETURNING, parents)
        query = InsertQuery(self.model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = opts.db_returning_fields
        ((sql, _),) = compiler.as_sql()
        value_rows = _value_rows(compiler, fields, objs)
        # Each value one `%s`, the parameters by row or, in one array per column, by column
        # (PostgreSQL's UNNEST for several rows) as assemble_as_sql lays them out; else (a
        # field's placeholder of its own, an expression as a value) not compiled.
        _, param_rows = compiler.assemble_as_sql(fields, value_rows)
        param_rows = [list(row) for row in param_rows]
        by_column = len(objs) > 1 and len(param_rows) == 1
        if (
            any(getattr(field, "get_placeholder", None) for field in fields)
            or any(hasattr(value, "as_sql") for row in value_rows for value in row)
            or param_rows != _insert_params(value_rows, by_column)
        ):
            return None
        columns = [field.get_col(opts.db_table) for field in opts.db_returning_fields]
        return compiler, fields, sql, by_column, compiler.get_converters(columns)


class PreparedUpdate:
    def __init__(self, model: type[Model]):
        """`obj.save(update_fields=...)` of a saved `model` instance: the same UPDATE ... WHERE
        pk, compiled once per set of fields (and which of their values are null, which the
        SQL spells NULL). Each call prepares the values as save() does (`pre_save`, each
        field's conversion). With save() signal receivers for the model, an expression as
        a value, or a parent model's table, save() itself runs."""
        self.model = model
        self._compiled: dict[tuple, tuple | None] = {}

    def __call__(self, obj: Model, update_fields: Sequence[str]) -> None:
        model, opts = self.model, self.model._meta
        if (
            type(obj) is not model
            or obj._state.adding
            or not obj._is_pk_set()
            or signals.pre_save.has_listeners(model)
            or signals.post_save.has_listeners(model)
        ):
            obj.save(update_fields=update_fields)
            return
        connection = connections[DEFAULT_DB_ALIAS]
        names = frozenset(update_fields)
        fields = [
            f
            for f in opts.local_concrete_fields
            if not f.primary_key and not f.generated and (f.name in names or f.attname in names)
        ]
        if not fields or len(fields) != len(names):  # none; an unknown name: save() says which
            obj.save(update_fields=update_fields)
            return
        obj._prepare_related_fields_for_save(operation_name="save")
        values = [field.pre_save(obj, False) for field in fields]
        shape = (id(connection), *(f.attname for f in fields), *(v is None for v in values))
        compiled = once_per_shape(
            self._compiled, shape, lambda: self._compile(connection, fields, values)
        )
        if compiled is None or any(hasattr(value, "resolve_expression") for value in values):
            obj.save(update_fields=update_fields)
            return
        params = _update_params(connection, fields, values, opts.pk, obj.pk)
        rollback_on_error = transaction.mark_for_rollback_on_error(using=connection.alias)
        with rollback_on_error, connection.cursor() as cursor:
            cursor.execute(compiled, params)
            updated = cursor.rowcount
        if not updated:
            raise DatabaseError("Save with update_fields did not affect any rows.")
        obj._state.db = connection.alias

    def _compile(self, connection, fields: list[Field], values: list) -> str | None:
        opts = self.model._meta
        if opts.parents or any(hasattr(value, "resolve_expression") for value in values):
            return None
        sentinel = _sentinel(opts.pk, 0, 0)
        query = self.model._base_manager.filter(pk=sentinel).query.chain(UpdateQuery)
        query.add_update_fields([(f, None, v) for f, v in zip(fields, values, strict=True)])
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        expected = _update_params(connection, fields, values, opts.pk, sentinel)
        if list(params) != expected or any(getattr(f, "get_placeholder", None) for f in fields):
            return None
        return sql


def _update_params(connection, fields: list[Field], values: list, pk: Field, key) -> list:
    """The parameters of the UPDATE of `fields` to `values` (a null value is spelt NULL in
    the SQL, no parameter) of the row whose primary key is `key`, as save() prepares them."""
    params = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(fields, values, strict=True)
        if value is not None
    ]
    params.append(pk.get_db_prep_value(key, connection, prepared=False))
    return params


class PreparedCreate:
    def __init__(self, model: type[Model]):
        """`model.objects.create(**values)`, its row written by a PreparedInsert (the INSERT
        compiled once) when `create()` would only insert it: the model has Django's own
        `save()`, no save signals' receivers, no parent, no `order_with_respect_to`, and a
        primary key the database numbers and the values do not set. Otherwise `create()`."""
        self.model = model
        self._insert = PreparedInsert(model)

    def __call__(self, **values) -> Model:
        """The instance `model.objects.create(**values)` answers, and its row written."""
        instance = self.model(**values)
        meta = self.model._meta
        plain = (
            type(instance).save is Model.save
            and not meta.parents
            and not meta.proxy
            and meta.order_with_respect_to is None
            and meta.pk is meta.auto_field
            and instance.pk is None
            and not signals.pre_save.has_listeners(self.model)
            and not signals.post_save.has_listeners(self.model)
        )
        if not plain:
            return self.model.objects.create(**values)
        (created,) = self._insert([instance])
        return created


def _value_rows(compiler, fields: list[Field], objs: list[Model]) -> list[list]:
    """Each row's values as the INSERT's compiler prepares them (pre_save, then the field's
    conversion), as bulk_create does."""
    return [
        [compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]
        for obj in objs
    ]


def _insert_params(value_rows: list[list], by_column: bool) -> list[list]:
    if by_column:
        return [[list(column) for column in zip(*value_rows, strict=True)]]
    return [list(row) for row in value_rows]


def _hashable(value) -> object:
    # A JSON value reaches the driver in its wrapper (psycopg2's Json, which holds it as
    # `adapted`): the value is what names the parameter.
    value = getattr(value, "adapted", value)
    return (type(value).__name__, value if not isinstance(value, list) else tuple(value))


def _shape(value) -> object:
    if isinstance(value, Choice):
        return str(value)
    if isinstance(value, Window):
        return value
    if isinstance(value, list):
        return len(value)
    if isinstance(value, QuerySet):
        return "queryset"  # never compiled: the queryset's own SQL runs
    return -1


def _sentinel(field: "Field | Transformed", index: int, position: int):
    """A value of `field`'s type, distinct per parameter, that the query is only compiled with
    (see _SENTINEL_NUMBER)."""
    number = _SENTINEL_NUMBER + 1000 * index + position
    if isinstance(field, Transformed):
        return f"no-row-has-this-value-{number}-%_\\"
    internal = field.target_field.get_internal_type() if field.is_relation else None
    kind = internal or field.get_internal_type()
    if kind == "UUIDField":
        return uuid.UUID(int=number)
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "JSONField"):
        return f"(no row has this value {number})"
    if kind == "DateTimeField":
        return datetime.fromtimestamp(number, tz=UTC if settings.USE_TZ else None)
    if kind == "DateField":
        return date(3000, 1, 1) + timedelta(days=number - _SENTINEL_NUMBER)
    return number
