"""connect_api.prepared: a query compiled once answers what the queryset answers, in as many
queries, whatever the keys; a queryset with other parameters is evaluated as usual."""

from datetime import timedelta
from uuid import UUID

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connect_api.prepared import PreparedRows
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
    assert list(prepared._compiled.values()) and all(prepared._compiled.values())


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
