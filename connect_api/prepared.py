"""A hot path's query compiled once and run again with new keys (or a new row's values).

Django compiles a queryset's SQL on every evaluation; for the small fixed-shape queries every
request of a hot path runs (a page's children by their parents' keys), compiling cost more than
the database's answer. `PreparedRows(build)` compiles `build(keys)` once per number of keys
(and database connection), checks that the keys are the query's only parameters, and then
runs that SQL through a cursor with the new keys, applying the same field converters Django
applies (UUIDs and datetimes on SQLite). `PreparedModels(build, *fields)` does the same for a
queryset of model instances whose parameters are the values it is called with (the token
lookup: the token, its user, the membership and organization; a request by its uuid within
the caller's organizations), building the instances as Django does (`ModelIterable`, with
the compiled SQL), or the rows of a `values_list()` queryset (the outreach POST's checks: a
type, an id in the site, the highest number, a recent duplicate). The answer and the query
count are the queryset's (tests/foundation/test_prepared.py); a queryset whose parameters are
not just the keys is simply evaluated as usual. `PreparedCreate(model)` is `create()` with the
row's INSERT compiled once (the outreach POST's change request).
"""

import copy
import functools
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Field, Model, QuerySet, signals
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable
from django.db.models.sql import InsertQuery

# The values a query is compiled with (never run), so its parameters can be recognised: in the
# range of a 32-bit positive integer field, as Django answers a lookup outside a field's range
# with no query at all (EmptyResultSet: nothing to compile).
_SENTINEL_NUMBER = 2_146_000_000


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


# How `PreparedModels` turns the compiled query's rows into its answer: Django's own iterables,
# which only ask the queryset for its compiler (the ones that build dicts or named tuples also
# read the query's selected names; such a queryset is evaluated as usual).
_ITERABLES = (ModelIterable, ValuesListIterable, FlatValuesListIterable)


class PreparedModels:
    def __init__(self, build: Callable[..., QuerySet], *fields: Callable[[], Field]):
        """`build(*values)`: a queryset of model instances, or a `values_list()` (flat or not),
        whose parameters are `values` (and constants of its own); `fields[i]()`: the model
        field `values[i]` is compared with (it converts the value as Django does, e.g. a UUID
        to 32 hex digits on SQLite; called once, when the models are loaded). A value may
        instead be a list of such values (an `__in` lookup), compiled once per length, or a
        `Choice`, compiled once per choice; a queryset is not compiled (the build is evaluated
        as usual)."""
        self.build = build
        self._fields = fields
        self._compiled: dict[tuple, tuple | None] = {}

    @functools.cached_property
    def fields(self) -> list[Field]:
        return [field() for field in self._fields]

    def __call__(self, *values) -> list:
        """What `list(build(*values))` answers: instances, or rows."""
        connection = connections[DEFAULT_DB_ALIAS]
        shape = (id(connection), *(_shape(value) for value in values))
        if shape not in self._compiled:
            if len(self._compiled) >= 1024:
                self._compiled.clear()
            self._compiled[shape] = self._compile(connection, values)
        compiled = self._compiled[shape]
        if compiled is None:
            return list(self.build(*values))
        compiler, sql, model, iterable, template, converters = compiled
        given = self._params(connection, values)
        params = tuple(given[slot] if slot is not None else constant for slot, constant in template)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if iterable is not ModelIterable:  # rows: what the values_list iterables answer
            if compiler.has_extra_select:  # columns the query orders by but does not answer
                rows = [row[: compiler.col_count] for row in rows]
            if converters:
                rows = compiler.apply_converters(rows, converters)
            if iterable is FlatValuesListIterable:
                return [row[0] for row in rows]
            return [tuple(row) for row in rows]
        # Django's ModelIterable builds the instances from the rows fetched (as the compiler
        # would fetch them, with the converters it would look up) and the compile's columns.
        pinned = copy.copy(compiler)
        pinned.execute_sql = lambda *args, **kwargs: [rows]
        pinned.get_converters = lambda expressions: converters
        queryset = SimpleNamespace(
            db=connection.alias,
            model=model,
            query=SimpleNamespace(get_compiler=lambda using=None: pinned),
            _known_related_objects={},
        )
        return list(iterable(queryset))

    def _params(self, connection, values) -> list:
        params = []
        for field, value in zip(self.fields, values, strict=True):
            if isinstance(value, Choice):
                continue
            for one in value if isinstance(value, list) else (value,):
                params.append(field.get_db_prep_value(one, connection, prepared=False))
        return params

    def _compile(self, connection, values) -> tuple | None:
        sentinels = []
        for index, (field, value) in enumerate(zip(self.fields, values, strict=True)):
            if isinstance(value, list):
                sentinels.append([_sentinel(field, index, n) for n in range(len(value))])
            elif isinstance(value, Choice):
                sentinels.append(value)
            elif isinstance(value, QuerySet):
                return None
            else:
                sentinels.append(_sentinel(field, index, 0))
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
        # Each parameter is one of the values (where its sentinel stands: once, or more than once,
        # as `retailer IN (...) OR supplier IN (...)`) or a constant of the query's own
        # (`is_active=True`, a default ordering's), kept as compiled.
        slots = {}
        for slot, sentinel in enumerate(self._params(connection, sentinels)):
            slots[_hashable(sentinel)] = slot
        template = [(slots.get(_hashable(param)), param) for param in params]
        found = [slot for slot, _ in template if slot is not None]
        if set(found) != set(range(len(slots))):  # a value the SQL does not use
            return None
        # What results_iter would look up again for every row set (the columns' converters)
        converters = compiler.get_converters(
            [column[0] for column in compiler.select[: compiler.col_count]]
        )
        return compiler, sql, queryset.model, queryset._iterable_class, template, converters


class PreparedCreate:
    def __init__(self, model: type[Model]):
        """`model.objects.create(**values)` with its INSERT compiled once per database
        connection: one row's statement is the same for every row of a model (its columns,
        placeholders and RETURNING), only the values change. Each value is prepared by its
        field as `save()` prepares it (`pre_save`, then `get_db_prep_save`), and the instance
        gets its primary key and saved state as `create()` gives them. A model `create()` does
        more for (its own `save()`, save signals' receivers, a parent or an ordering of
        `order_with_respect_to`, a primary key set or not numbered by the database, an
        expression as a value, a field with a placeholder of its own) is created by `create()`."""
        self.model = model
        self._compiled: dict[int, tuple | None] = {}

    @functools.cached_property
    def fields(self) -> list[Field]:
        """The columns `save()` inserts: every concrete field but the generated ones and the
        primary key (numbered by the database)."""
        meta = self.model._meta
        return [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]

    def __call__(self, **values) -> Model:
        """The instance `model.objects.create(**values)` answers, and its row written."""
        connection = connections[DEFAULT_DB_ALIAS]
        instance = self.model(**values)
        if not self._plain(instance):
            return self.model.objects.create(**values)
        instance._prepare_related_fields_for_save(operation_name="save")
        params = []
        for field in self.fields:
            value = field.pre_save(instance, add=True)
            if hasattr(value, "resolve_expression"):  # SQL of its own
                instance.save(force_insert=True, using=connection.alias)
                return instance
            params.append(field.get_db_prep_save(value, connection))
        if id(connection) not in self._compiled:
            self._compiled[id(connection)] = self._compile(connection, instance)
        compiled = self._compiled[id(connection)]
        if compiled is None:
            instance.save(force_insert=True, using=connection.alias)
            return instance
        sql, returning_fields, compiler, converters = compiled
        with (
            transaction.mark_for_rollback_on_error(using=connection.alias),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
            rows = [connection.ops.fetch_returned_insert_columns(cursor, [])]
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        for value, field in zip(rows[0], returning_fields, strict=True):
            setattr(instance, field.attname, value)
        instance._state.adding = False
        instance._state.db = connection.alias
        return instance

    def _plain(self, instance: Model) -> bool:
        """Whether `create()` would only insert the row (no more than this class does)."""
        meta = self.model._meta
        return (
            type(instance).save is Model.save
            and not meta.parents
            and not meta.proxy
            and meta.order_with_respect_to is None
            and meta.pk is meta.auto_field
            and instance.pk is None
            and not signals.pre_save.has_listeners(self.model)
            and not signals.post_save.has_listeners(self.model)
        )

    def _compile(self, connection, instance: Model) -> tuple | None:
        """The statement of `instance`'s row (whose values are all plain values)."""
        meta = self.model._meta
        if not connection.features.can_return_columns_from_insert or any(
            hasattr(field, "get_placeholder") for field in self.fields
        ):
            return None
        returning_fields = meta.db_returning_fields
        query = InsertQuery(self.model)
        query.insert_values(self.fields, [instance], raw=True)  # pre_save has run
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = returning_fields
        ((sql, params),) = compiler.as_sql()
        if compiler.returning_params or len(params) != len(self.fields):
            return None
        converters = compiler.get_converters(
            [field.get_col(meta.db_table) for field in returning_fields]
        )
        return sql, returning_fields, compiler, converters


def _hashable(value) -> object:
    # A JSON value reaches the driver in its wrapper (psycopg2's Json, which holds it as
    # `adapted`): the value is what names the parameter.
    value = getattr(value, "adapted", value)
    return (type(value).__name__, value if not isinstance(value, list) else tuple(value))


def _shape(value) -> object:
    if isinstance(value, Choice):
        return str(value)
    if isinstance(value, list):
        return len(value)
    if isinstance(value, QuerySet):
        return "queryset"  # never compiled: the queryset's own SQL runs
    return -1


def _sentinel(field: Field, index: int, position: int):
    """A value of `field`'s type, distinct per parameter, that the query is only compiled with
    (see _SENTINEL_NUMBER)."""
    number = _SENTINEL_NUMBER + 1000 * index + position
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
