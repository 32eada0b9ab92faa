"""connect_api.prepared: a query compiled once answers what the queryset answers, in as many
queries, whatever the keys; a queryset with other parameters is evaluated as usual."""

from datetime import timedelta
from uuid import UUID

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connect_api.prepared import PreparedInsert, PreparedRows
from connections.models import ConnectionRequest, Integration
from tests.factories import ConnectionRequestFactory, IntegrationFactory

pytestmark = pytest.mark.django_db


def integrations_of(request_ids):
    return (
        Integration.objects.filter(request_id__in=request_ids)
        .order_by("date_created", "id")
        .values_list("request_id", "uuid", "integration_type", "date_created")
    )


@pytest.fixture
def requests_with_integrations():
    now = timezone.now()
    requests = ConnectionRequestFactory.create_batch(4)
    for index, connection_request in enumerate(requests):
        for minutes in (2, 5, 1):
            IntegrationFactory(
                request=connection_request, date_created=now - timedelta(minutes=minutes * index)
            )
    return [connection_request.pk for connection_request in requests]


def test_the_same_rows_and_query_count_as_the_queryset_for_any_keys(requests_with_integrations):
    prepared = PreparedRows(integrations_of)
    keys = requests_with_integrations
    for chosen in ([keys[0]], keys[1:3], keys, [keys[2], keys[0]], [keys[0]], [-1]):
        with CaptureQueriesContext(connection) as readable:
            expected = list(integrations_of(chosen))
        with CaptureQueriesContext(connection) as fast:
            found = prepared(chosen)
        assert found == expected
        assert len(fast) == len(readable) == 1
        assert fast[0]["sql"] == readable[0]["sql"]  # the same SQL, parameters and all
    assert all(isinstance(row[1], UUID) for row in prepared(keys))  # converted, on SQLite too


def test_compiled_once_per_number_of_keys(requests_with_integrations):
    built = []

    def build(request_ids):
        built.append(list(request_ids))
        return integrations_of(request_ids)

    prepared = PreparedRows(build)
    keys = requests_with_integrations
    for chosen in ([keys[0]], [keys[1]], keys[:2], keys[2:], [keys[3]]):
        prepared(chosen)

    assert len(built) == 2  # one key, two keys


def test_no_keys_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert PreparedRows(integrations_of)([]) == []


def test_a_query_with_parameters_of_its_own_is_evaluated_as_usual(requests_with_integrations):
    def pending_of(request_ids):
        return ConnectionRequest.objects.filter(pk__in=request_ids, status="PENDING").values_list(
            "pk", "status"
        )

    prepared = PreparedRows(pending_of)
    keys = requests_with_integrations

    assert sorted(prepared(keys)) == sorted(pending_of(keys))
    assert list(prepared._compiled.values()) == [None]


def test_models_the_same_instances_related_objects_and_query_count_as_the_queryset():
    from knox.models import AuthToken

    from connect_api.authentication import _tokens_by_key
    from connect_api.prepared import PreparedModels
    from tests.factories import OrganizationMembershipFactory, UserFactory

    member = OrganizationMembershipFactory().user
    loner = UserFactory()
    prepared = PreparedModels(_tokens_by_key, lambda: AuthToken._meta.get_field("token_key"))
    for user in (member, loner, member):
        token, _ = AuthToken.objects.create(user=user)
        with CaptureQueriesContext(connection) as readable:
            (expected,) = _tokens_by_key(token.token_key)
        with CaptureQueriesContext(connection) as fast:
            (found,) = prepared(token.token_key)
        assert fast[0]["sql"] == readable[0]["sql"]
        assert len(fast) == len(readable) == 1
        user_membership = getattr(user, "organization_membership", None)
        user_organization = user_membership.organization if user_membership else None
        with CaptureQueriesContext(connection) as after:
            for instance in (expected, found):
                membership = getattr(instance.user, "organization_membership", None)
                organization = membership.organization if membership else None
                assert (instance.pk, instance.user.pk, instance.user.is_active) == (
                    token.pk,
                    user.pk,
                    True,
                )
                assert organization == user_organization
                assert instance.get_deferred_fields() == expected.get_deferred_fields()
        assert len(after) == 0  # the relations came with the one query, both ways
    assert list(prepared._compiled.values()) and all(prepared._compiled.values())
    assert prepared("not a key") == []


def test_the_remembered_basic_caller_as_the_queryset_finds_it():
    """CachedBasicAuthentication's user by pk (active, with AUTH_USER_SELECT_RELATED): the
    same SQL, user and related rows as `_active_user`, in one query; inactive is none."""
    from connect_api.authentication import _active_user, _active_users
    from tests.factories import OrganizationMembershipFactory, UserFactory

    member = OrganizationMembershipFactory().user
    for user in (member, UserFactory(), member):
        with CaptureQueriesContext(connection) as readable:
            expected = list(_active_user(user.pk))
        with CaptureQueriesContext(connection) as fast:
            found = _active_users(user.pk)
        assert [query["sql"] for query in fast] == [query["sql"] for query in readable]
        assert found == expected == [user]
        with CaptureQueriesContext(connection) as after:
            assert getattr(found[0], "organization_membership", None) == getattr(
                expected[0], "organization_membership", None
            )
        assert len(after) == 0
    assert list(_active_users._compiled.values()) and all(_active_users._compiled.values())
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert _active_users(member.pk) == []


def test_a_count_compiled_once_without_a_query_of_its_own(requests_with_integrations):
    """PreparedCount: the count `build(*values).count()` answers, with its SQL, in one query
    from the first call on (compiling runs none and logs none), once per shape."""
    from connect_api.prepared import PreparedCount, Window

    built = []

    def recent(request_ids, window):
        built.append(window)
        return integrations_of(request_ids)[window.begin : window.end]

    prepared = PreparedCount(recent, lambda: Integration._meta.get_field("request"), lambda: None)
    keys = requests_with_integrations
    for chosen, window in (
        (keys[:1], Window(0, 2)),
        (keys[:1], Window(0, 2)),
        (keys[1:3], Window(0, 2)),
        (keys, Window(1, 20)),
        (keys[2:], Window(0, 2)),
    ):
        with CaptureQueriesContext(connection) as readable:
            expected = recent(chosen, window).count()
        with CaptureQueriesContext(connection) as fast:
            found = prepared(chosen, window)
        assert found == expected
        assert [q["sql"] for q in fast] == [q["sql"] for q in readable]
    # Compiled once per (number of keys, window): three shapes, one build for each, plus the
    # readable calls above.
    assert len(built) == 5 + 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_models_a_locking_query_outside_a_transaction_is_refused_as_django_refuses_it():
    """A compiled `select_for_update()` query runs in a transaction only: outside, the
    queryset runs, and Django's TransactionManagementError is the answer."""
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    from connect_api.prepared import PreparedModels

    connection_request = ConnectionRequestFactory()
    prepared = PreparedModels(
        lambda pk: ConnectionRequest.objects.select_for_update().filter(pk=pk),
        lambda: ConnectionRequest._meta.pk,
    )
    for _ in range(2):  # compiled in the first transaction, run from it in the second
        with transaction.atomic(), CaptureQueriesContext(connection) as fast:
            assert prepared(connection_request.pk) == [connection_request]
        assert fast[0]["sql"].endswith("FOR UPDATE")
    assert all(prepared._compiled.values())
    with pytest.raises(TransactionManagementError):
        prepared(connection_request.pk)


def _rows(model, objs) -> list[tuple]:
    return [
        tuple(getattr(obj, f.attname) for f in model._meta.concrete_fields)
        for obj in model.objects.filter(pk__in=[obj.pk for obj in objs]).order_by("pk")
    ]


@pytest.mark.parametrize("count", [1, 3, 1, 3])
def test_insert_the_same_statement_rows_and_keys_as_bulk_create(count):
    """The same SQL (values and all) as bulk_create of the same instances, in one query, and
    the instances given their keys; compiled once per number of rows."""
    from django.db import transaction

    from connect_api.prepared import PreparedInsert

    parent = ConnectionRequestFactory()
    now = timezone.now()

    def integrations():
        return [
            Integration(
                request=parent,
                uuid=UUID(int=index + 1),
                integration_type="item",
                update_frequency="0 2 * * *",
                rules=f"rule {index}",
                date_created=now,
            )
            for index in range(count)
        ]

    with transaction.atomic():
        with CaptureQueriesContext(connection) as readable:
            expected = Integration.objects.bulk_create(integrations())
        expected_rows = _rows(Integration, expected)
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as fast:
        found = _insert(PreparedInsert, Integration, integrations())
    assert [q["sql"] for q in fast] == [q["sql"] for q in readable]
    assert len(fast) == 1
    assert all(obj.pk and not obj._state.adding and obj._state.db == "default" for obj in found)
    strip = lambda rows: [row[1:] for row in rows]  # noqa: E731 (the keys aside)
    assert strip(_rows(Integration, found)) == strip(expected_rows)
    assert [obj.rules for obj in found] == [f"rule {index}" for index in range(count)]


_inserts: dict = {}


def _insert(cls, model, objs):
    """One PreparedInsert per model across the parametrised runs: the second run of a count
    comes from the compiled statement."""
    prepared = _inserts.setdefault(model, cls(model))
    found = prepared(objs)
    assert all(prepared._compiled.values())
    return found


def inserted_as_create_writes_it(model, fields: dict, check) -> PreparedInsert:
    """A PreparedInsert of `model` writing one row of `fields`, twice (compiling, then
    compiled): the same SQL as `model.objects.create(**fields)`; `check(instance)` runs on
    each inserted instance before its transaction is rolled back."""
    from django.db import transaction

    with transaction.atomic():
        with CaptureQueriesContext(connection) as readable:
            model.objects.create(**fields)
        transaction.set_rollback(True)
    prepared = PreparedInsert(model)
    for _ in range(2):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as fast:
                (instance,) = prepared([model(**fields)])
            check(instance)
            transaction.set_rollback(True)
        assert [q["sql"] for q in fast] == [q["sql"] for q in readable]
    return prepared


def test_insert_one_row_as_create_writes_it():
    from tests.factories import OrganizationFactory

    requester = OrganizationFactory()
    now = timezone.now()
    fields = {
        "requester": requester,
        "counterpart_name": "Thomas",
        "contact_name": "Roger",
        "uuid": UUID(int=7),
        "request_date": now,
        "updated_at": now,
    }

    def check(created):
        assert created.pk and created.version == 1 and created.status == "PENDING"

    inserted_as_create_writes_it(ConnectionRequest, fields, check)


def test_insert_an_expression_as_a_value_is_bulk_created():
    from django.db.models import Value
    from django.db.models.functions import Upper

    from connect_api.prepared import PreparedInsert

    parent = ConnectionRequestFactory()
    prepared = PreparedInsert(Integration)
    prepared([Integration(request=parent, integration_type="item", rules="plain")])
    (shouted,) = prepared(
        [Integration(request=parent, integration_type="item", rules=Upper(Value("x")))]
    )
    shouted.refresh_from_db()
    assert shouted.rules == "X"


@pytest.mark.parametrize(
    "changes",
    [
        {"contact_phone": "555-0199", "additional_information": "New hours."},
        {"status": "APPROVED", "decided_at": "now", "counterpart": "organization"},
        {"decided_at": None, "counterpart": None, "version": 7},
    ],
    ids=["text", "a date and a key", "nulls"],
)
def test_update_the_same_statement_and_row_as_save_with_update_fields(changes):
    """The same SQL (values and all) as save(update_fields=...), in one query, twice (the
    second from the compiled statement); its fields in the model's order, whatever the
    order named."""
    from django.db import transaction

    from connect_api.prepared import PreparedUpdate
    from tests.factories import OrganizationFactory

    organization, now = OrganizationFactory(), timezone.now()
    values = {
        name: {"now": now, "organization": organization}.get(value, value)
        if isinstance(value, str)
        else value
        for name, value in changes.items()
    }
    prepared = PreparedUpdate(ConnectionRequest)
    row = ConnectionRequestFactory()
    for _ in range(2):
        with transaction.atomic():
            readable_row = ConnectionRequest.objects.get(pk=row.pk)
            for name, value in values.items():
                setattr(readable_row, name, value)
            with CaptureQueriesContext(connection) as readable:
                readable_row.save(update_fields=[*reversed(values), "updated_at"])
            expected = _rows(ConnectionRequest, [row])
            transaction.set_rollback(True)
        fast_row = ConnectionRequest.objects.get(pk=row.pk)
        for name, value in values.items():
            setattr(fast_row, name, value)
        with CaptureQueriesContext(connection) as fast:
            prepared(fast_row, [*values, "updated_at"])
        assert [q["sql"] for q in fast] == [q["sql"] for q in readable]
        assert len(fast) == 1
        assert _rows(ConnectionRequest, [row]) == expected
    assert list(prepared._compiled.values()) and all(prepared._compiled.values())


def test_update_of_a_row_gone_and_of_an_expression_as_save_answers():
    from django.db import DatabaseError
    from django.db.models import F

    from connect_api.prepared import PreparedUpdate

    prepared = PreparedUpdate(ConnectionRequest)
    row = ConnectionRequestFactory(version=3)
    prepared(row, ["version"])  # compiled
    row.version = F("version") + 1
    prepared(row, ["version"])
    row.refresh_from_db()
    assert row.version == 4
    gone = ConnectionRequestFactory()
    ConnectionRequest.objects.filter(pk=gone.pk).delete()
    gone.contact_name = "Nobody"
    with pytest.raises(DatabaseError, match="Save with update_fields did not affect any rows"):
        prepared(gone, ["contact_name"])
    with pytest.raises(ValueError, match="do not exist in this model"):
        prepared(row, ["no_such_field"])


def test_insert_an_outbox_event_as_create_writes_it(monkeypatch):
    """JSON columns and a date set on insert (auto_now_add): the same SQL as create()."""
    from django.db.models import fields as model_fields

    from connect_api.models import Event

    now = timezone.now()
    monkeypatch.setattr(model_fields.timezone, "now", lambda: now)
    fields = {"uuid": UUID(int=9), "name": "connection_request.created"}
    fields |= {"data": {"a": [1, "é"]}, "refs": {"organizations": [1]}}

    def check(event):
        assert event.pk and event.created == now
        assert Event.objects.get(pk=event.pk).data == {"a": [1, "é"]}

    prepared = inserted_as_create_writes_it(Event, fields, check)
    assert all(prepared._compiled.values())


def _events_like(name, since, data):
    from connect_api.models import Event

    return Event.objects.filter(name=name, created__gte=since, data=data).order_by("-id")


def test_models_the_rows_of_a_values_list_with_a_time_and_json_compared():
    """A values_list (flat or not) answers its rows; a datetime and a JSON document are
    parameters like any other (each found where its sentinel stands, on SQLite and
    PostgreSQL)."""
    from connect_api.models import Event
    from connect_api.prepared import PreparedModels

    now = timezone.now()
    payload = {"site": 1, "ids": [3, 1], "note": "a"}
    for data in (payload, payload, {**payload, "note": "b"}):
        Event.objects.create(name="x.made", data=data)
    Event.objects.filter(data__note="b").update(created=now - timedelta(hours=1))
    fields = (
        lambda: Event._meta.get_field("name"),
        lambda: Event._meta.get_field("created"),
        lambda: Event._meta.get_field("data"),
    )
    builds = (
        lambda *values: _events_like(*values).values_list("id", "name", "created"),
        lambda *values: _events_like(*values).values_list("uuid", flat=True),
        # DISTINCT selects the column it orders by too: not part of the rows
        lambda *values: _events_like(*values).distinct().values_list("name", "created"),
    )
    for build in builds:
        prepared = PreparedModels(build, *fields)
        since = now - timedelta(minutes=10)
        for values in (
            ("x.made", since, payload),
            ("x.made", since, {**payload, "note": "b"}),
            ("x.made", now - timedelta(days=1), {**payload, "note": "b"}),
            ("y.made", since, payload),
        ):
            with CaptureQueriesContext(connection) as readable:
                expected = list(build(*values))
            with CaptureQueriesContext(connection) as fast:
                found = prepared(*values)
            assert found == expected
            assert len(fast) == len(readable) == 1
            assert fast[0]["sql"] == readable[0]["sql"]
        assert prepared("x.made", since, payload), "the two of the last minutes"
        assert list(prepared._compiled.values()) and all(prepared._compiled.values())


def test_models_a_queryset_of_dicts_is_evaluated_as_usual():
    from connect_api.models import Event
    from connect_api.prepared import PreparedModels

    Event.objects.create(name="x.made", data={})

    def build(name):
        return Event.objects.filter(name=name).values("name")

    prepared = PreparedModels(build, lambda: Event._meta.get_field("name"))
    assert prepared("x.made") == list(build("x.made")) == [{"name": "x.made"}]
    assert list(prepared._compiled.values()) == [None]


def test_create_the_row_and_instance_of_create_in_one_statement():
    """PreparedCreate writes the row `create()` writes (defaults, auto_now_add, JSON) with the
    same INSERT, and answers an instance saved as `create()` leaves it."""
    from connect_api.models import Event
    from connect_api.prepared import PreparedCreate

    prepared = PreparedCreate(Event)
    columns = ("uuid", "name", "data", "refs", "created", "dispatched")
    for data in ({"site": 1, "ids": [3]}, {"site": 2, "note": None}):
        with CaptureQueriesContext(connection) as readable:
            expected = Event.objects.create(name="x.made", data=data, refs={"site": 1})
        with CaptureQueriesContext(connection) as fast:
            found = prepared(name="x.made", data=data, refs={"site": 1})
        assert len(fast) == len(readable) == 1
        statement = fast[0]["sql"]
        assert statement.split("VALUES")[0] == readable[0]["sql"].split("VALUES")[0]
        assert statement.endswith(readable[0]["sql"][-30:])  # the same RETURNING
        assert found.pk and found.pk != expected.pk
        assert (found._state.adding, found._state.db) == (False, "default")
        stored = Event.objects.values(*columns).get(pk=found.pk)
        assert stored == {column: getattr(found, column) for column in columns}
        assert {**stored, "uuid": None, "created": None} == {
            **Event.objects.values(*columns).get(pk=expected.pk),
            "uuid": None,
            "created": None,
        }
    assert list(prepared._insert._compiled.values()) and all(prepared._insert._compiled.values())


def test_create_leaves_to_create_what_it_does_more():
    """A save signal's receiver, a model's own save() or a value that is an expression: the
    row is created by `create()`, which does what they ask."""
    from django.db.models import Value
    from django.db.models.signals import pre_save

    from connect_api.models import Event
    from connect_api.prepared import PreparedCreate
    from outreach.models import Individual
    from tests.factories import SiteFactory

    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append(instance.name)

    pre_save.connect(receiver, sender=Event)
    try:
        event = PreparedCreate(Event)(name="x.heard", data={})
    finally:
        pre_save.disconnect(receiver, sender=Event)
    assert heard == ["x.heard"] and Event.objects.get(pk=event.pk).name == "x.heard"

    person = PreparedCreate(Individual)(site=SiteFactory(), number=5, first_name=" Ann ")
    assert Individual.objects.get(pk=person.pk).search_text == person.search_text != ""

    named = PreparedCreate(Event)(name=Value("x.expressed"), data={})
    assert Event.objects.get(pk=named.pk).name == "x.expressed"


def test_compiled_reads_share_one_cursor(requests_with_integrations, cursors_opened):
    prepared = PreparedRows(integrations_of)
    keys = requests_with_integrations
    prepared(keys)  # compiled
    cursors_opened.clear()
    for _ in range(3):
        assert prepared(keys) == list(integrations_of(keys)) != []
    # the readable querysets open their own; the three compiled reads one at most, together
    assert len(cursors_opened) <= 3 + 1


def test_the_cursor_is_made_again_when_it_would_not_do(requests_with_integrations, cursors_opened):
    from django.db import connections

    from connect_api.prepared import reused_cursor

    wrapper = connections["default"]
    prepared = PreparedRows(integrations_of)
    keys = requests_with_integrations
    expected = list(integrations_of(keys))
    first = reused_cursor(wrapper)
    assert reused_cursor(wrapper) is first
    cursors_opened.clear()

    # queries logged from now on: a cursor that logs them, and they are logged
    with CaptureQueriesContext(connection) as logged:
        assert prepared(keys) == expected
    assert len(logged) == 1 and cursors_opened == ["default"]
    assert reused_cursor(wrapper) is not first  # not logging again: another cursor

    # a health check due (a new request, CONN_HEALTH_CHECKS): through connection.cursor()
    cursors_opened.clear()
    reused = reused_cursor(wrapper)
    health = (wrapper.health_check_enabled, wrapper.health_check_done)
    try:
        wrapper.health_check_enabled, wrapper.health_check_done = True, False
        assert prepared(keys) == expected
        assert cursors_opened == ["default"]
        assert reused_cursor(wrapper) is not reused
    finally:
        wrapper.health_check_enabled, wrapper.health_check_done = health


@pytest.mark.django_db(transaction=True)
def test_a_closed_connection_gets_a_new_cursor(cursors_opened):
    from django.db import connections

    from connect_api.prepared import reused_cursor

    wrapper = connections["default"]
    request = ConnectionRequestFactory()
    IntegrationFactory(request=request)
    prepared = PreparedRows(integrations_of)
    expected = list(integrations_of([request.pk]))
    assert prepared([request.pk]) == expected
    before = reused_cursor(wrapper)
    raw = wrapper.connection
    wrapper.close()
    if wrapper.connection is raw:
        pytest.skip("Django never closes an in-memory SQLite database's connection")
    cursors_opened.clear()
    assert prepared([request.pk]) == expected  # opened again, through connection.cursor()
    assert cursors_opened == ["default"]
    assert reused_cursor(wrapper) is not before


def test_models_instances_built_as_model_iterable_builds_them_without_it(monkeypatch):
    """The instances, their select_related objects (a null relation too), deferred fields and
    annotations, from what the compile worked out: Django's ModelIterable is not run."""
    from django.db.models import F, Value

    from connect_api.prepared import PreparedModels
    from tests.factories import AccountManagerFactory

    decided = ConnectionRequestFactory(decided_by=AccountManagerFactory(), status="APPROVED")
    undecided = ConnectionRequestFactory()

    def build(uuid):
        return (
            ConnectionRequest.objects.filter(uuid=uuid)
            .select_related("requester", "decided_by__person")
            .defer("requester__website", "additional_information")
            .annotate(doubled=F("version") * 2, constant=Value("x"))
        )

    prepared = PreparedModels(build, lambda: ConnectionRequest._meta.get_field("uuid"))
    prepared(decided.uuid)  # compiled
    for chosen in (decided, undecided):
        (expected,) = build(chosen.uuid)
        with monkeypatch.context() as patched:
            patched.setattr(
                "django.db.models.query.ModelIterable.__iter__",
                lambda self: pytest.fail("ModelIterable ran"),
            )
            with CaptureQueriesContext(connection) as fast:
                (found,) = prepared(chosen.uuid)
        assert len(fast) == 1
        assert found == expected and found.__dict__.keys() == expected.__dict__.keys()
        assert (found.doubled, found.constant) == (expected.doubled, expected.constant)
        assert found.get_deferred_fields() == expected.get_deferred_fields()
        assert not found._state.adding and found._state.db == "default"
        with CaptureQueriesContext(connection) as after:
            assert found.requester == expected.requester
            assert found.requester.get_deferred_fields() == {"website"}
            assert found.decided_by == expected.decided_by
            if found.decided_by is not None:
                assert found.decided_by.person == expected.decided_by.person
        assert len(after) == 0


def test_compiled_reads_run_on_the_drivers_cursor_when_nothing_reads_djangos(
    requests_with_integrations, monkeypatch
):
    """Not logged and no execute wrapper: Django's cursor layers are not run (the same rows,
    counts and instances); logged or wrapped, they are, so the query is seen."""
    from django.db import connections
    from django.db.backends.utils import CursorWrapper

    from connect_api.prepared import PreparedCount

    wrapper = connections["default"]
    keys = requests_with_integrations
    rows, count = PreparedRows(integrations_of), PreparedCount(Integration.objects.filter)
    expected_rows, expected_count = list(integrations_of(keys)), Integration.objects.count()
    rows(keys), count()  # compiled
    with monkeypatch.context() as patched:
        patched.setattr(CursorWrapper, "execute", lambda *a, **k: pytest.fail("Django's cursor"))
        assert rows(keys) == expected_rows and count() == expected_count
    seen = []

    def wrapped(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with wrapper.execute_wrapper(wrapped):
        assert rows(keys) == expected_rows
    with CaptureQueriesContext(wrapper) as logged:
        assert count() == expected_count
    assert len(seen) == 1 and len(logged) == 1


def test_a_driver_error_is_raised_as_django_raises_it():
    """A failing compiled read raises Django's exception class, not the driver's, and marks
    the connection as Django does (closed at the request's end if unusable)."""
    from django.db import DatabaseError, connections, transaction

    from connect_api.prepared import fetched

    wrapper = connections["default"]
    wrapper.errors_occurred = False
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        fetched(wrapper, "SELECT no_such_column FROM connections_integration", [])
    assert type(raised.value).__module__ == "django.db.utils"
    assert isinstance(raised.value.__cause__, wrapper.Database.Error)
    assert wrapper.errors_occurred
    wrapper.errors_occurred = False


def test_a_broken_transaction_is_refused_as_django_refuses_it():
    from django.db import connections, transaction
    from django.db.transaction import TransactionManagementError

    from connect_api.prepared import fetched

    wrapper = connections["default"]
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            fetched(wrapper, "SELECT 1", [])
        transaction.set_rollback(False)
        assert fetched(wrapper, "SELECT 1", []) == [(1,)]
