"""The change request POST's queries, each compiled once: the site's lock and highest number,
the type an add names, an id in the site, the recent duplicate and the caller's rights on the
types answer what their readable querysets answer, with the same SQL, in one query each, and
the compiled path ran."""

import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connect_api.prepared import Choice
from outreach import permissions, services
from outreach.choices import ChangeRequestKind
from outreach.models import ChangeRequest, Connection, Individual, Team, site_rows
from tests.factories import ChangeRequestFactory
from tests.seeds import OUTREACH_SEED_BODY
from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db


def same(prepared, readable, *values):
    """`prepared(*values)` answers `list(readable(*values))` with the same SQL, one query."""
    with CaptureQueriesContext(connection) as expected_queries:
        expected = list(readable(*values))
    with CaptureQueriesContext(connection) as found_queries:
        found = prepared(*values)
    assert found == expected
    assert [query["sql"] for query in found_queries] == [query["sql"] for query in expected_queries]
    assert len(found_queries) == 1
    return found


def compiled(prepared) -> bool:
    prepared = getattr(prepared, "_insert", prepared)  # a PreparedCreate's statement
    return bool(prepared._compiled) and all(prepared._compiled.values())


def test_the_site_lock_and_the_highest_number(world):
    site, other = world.site, world.other_site
    ChangeRequestFactory(site=site, submitted_by=world.caller.user)
    ChangeRequestFactory(site=site, submitted_by=world.caller.user)
    with transaction.atomic():
        assert same(services._site_locks, services._site_lock, site.pk) == [(site.pk,)]
    for model in (ChangeRequest, Connection, Team, Endpoint):
        highest = services._highest_numbers(model)
        for chosen in (site, other):
            found = same(
                highest, lambda pk, model=model: services._highest_number(model, pk), chosen.pk
            )
            aggregate = site_rows(model, chosen).aggregate(highest=Max("number"))["highest"]
            assert found == ([aggregate] if aggregate is not None else [])
        assert compiled(highest)
    assert compiled(services._site_locks)
    assert services.site_number_next(site=site, model=ChangeRequest) == 3
    assert services.site_number_next(site=other, model=ChangeRequest) == 1


def test_the_type_an_add_names_and_the_ids_in_the_site(world):
    site = world.site
    for number in (1, 2, 3):
        same(services._connection_types, services._connection_type_numbered, site.pk, number)
    assert services._connection_types(site.pk, 1) == [world.connection_type]
    assert services._connection_types(world.other_site.pk, 2) == []
    for model, numbers in ((Individual, (76, 77, 88)), (Team, (1, 2))):
        for chosen in (site, world.other_site):
            for number in numbers:
                found = same(
                    services._site_numbers(model),
                    lambda pk, n, model=model: services._site_number(model, pk, n),
                    chosen.pk,
                    number,
                )
                exists = model.objects.restrict(chosen).filter(number=number).exists()
                assert bool(found) == exists
        assert compiled(services._site_numbers(model))
    assert compiled(services._connection_types)


def test_the_recent_duplicate_of_an_add_and_of_a_change(world, caller):
    url = "/api_accessacs_mobile/v2/12345/connections"
    assert caller.post(url, json.dumps(OUTREACH_SEED_BODY), content_type="application/json")
    stored = ChangeRequest.objects.get().payload
    since = timezone.now() - timedelta(minutes=10)
    site_id, user_id = world.site.pk, world.caller.user_id
    add = Choice(ChangeRequestKind.ADD)
    (row,) = same(
        services._recent_adds, services._recent_same, site_id, user_id, add, since, stored
    )
    assert row.number == 1
    for values in (
        (site_id, user_id, add, since, {**stored, "comment": "other"}),
        (site_id, world.admin.user_id, add, since, stored),
        (site_id, user_id, add, timezone.now(), stored),
    ):
        assert same(services._recent_adds, services._recent_same, *values) == []
    change = Choice(ChangeRequestKind.COMPLETE)
    for connection_id in (world.connection.pk, world.other_connection.pk):
        same(
            services._recent_changes,
            services._recent_same,
            site_id,
            user_id,
            change,
            since,
            stored,
            connection_id,
        )
    assert compiled(services._recent_adds) and compiled(services._recent_changes)


def test_the_rights_on_the_types(world):
    for membership in (world.caller, world.admin):
        same(
            permissions._type_rights,
            lambda pk, membership=membership: membership.type_rights.values_list(
                "connection_type_id", "right"
            ),
            membership.pk,
        )
    assert dict(permissions._type_rights(world.caller.pk)) == {world.connection_type.pk: "A"}
    assert compiled(permissions._type_rights)


def test_the_change_request_written_as_create_writes_it(world):
    now = timezone.now()
    columns = [field.attname for field in ChangeRequest._meta.concrete_fields]
    for number, connection_id in ((7, None), (8, world.connection.pk)):
        values = {
            "site": world.site,
            "kind": ChangeRequestKind.ADD if connection_id is None else ChangeRequestKind.MODIFY,
            "payload": {"comment": "Test", "response_ids": []},
            "connection_id": connection_id,
            "base_version": None if connection_id is None else 1,
            "submitted_by_id": world.caller.user_id,
            "submitted_at": now,
        }
        with CaptureQueriesContext(connection) as readable, transaction.atomic():
            expected = ChangeRequest.objects.create(number=number, **values)
            transaction.set_rollback(True)
        with CaptureQueriesContext(connection) as fast:
            found = services._change_request_create(number=number, **values)
        readable_sql = [query["sql"] for query in readable if "INSERT" in query["sql"]]
        assert [query["sql"] for query in fast] == readable_sql
        assert {column: getattr(found, column) for column in columns if column != "id"} == {
            column: getattr(expected, column) for column in columns if column != "id"
        }
        assert ChangeRequest.objects.filter(pk=found.pk).values(*columns).get() == {
            column: getattr(found, column) for column in columns
        }
    assert compiled(services._change_request_create)
