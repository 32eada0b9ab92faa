"""The services' row lock (`services._lock`): the request `_locking(pk).get()` answers, locked
and re-read with its requester, by the same SQL compiled once, in one query."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from connections import services
from connections.models import ConnectionRequest
from tests.factories import ConnectionRequestFactory

pytestmark = pytest.mark.django_db


def test_the_same_row_requester_and_sql_as_the_queryset():
    requests = ConnectionRequestFactory.create_batch(2)
    services._locked._compiled.clear()
    for connection_request in (*requests, requests[0]):  # the last from the compiled SQL
        with transaction.atomic():
            with CaptureQueriesContext(connection) as readable:
                expected = services._locking(connection_request.pk).get()
            with CaptureQueriesContext(connection) as fast:
                locked = services._lock(connection_request)
            with CaptureQueriesContext(connection) as after:
                assert locked.requester == expected.requester == connection_request.requester
        assert len(fast) == len(readable) == 1 and len(after) == 0
        assert fast[0]["sql"] == readable[0]["sql"]
        assert locked is not connection_request
        assert [
            (f.attname, getattr(locked, f.attname)) for f in ConnectionRequest._meta.fields
        ] == [(f.attname, getattr(expected, f.attname)) for f in ConnectionRequest._meta.fields]
    assert list(services._locked._compiled.values()) and all(services._locked._compiled.values())


def test_a_row_gone_is_does_not_exist_as_get_says():
    gone = ConnectionRequestFactory()
    ConnectionRequest.objects.filter(pk=gone.pk).delete()
    with transaction.atomic():
        with pytest.raises(ConnectionRequest.DoesNotExist) as raised:
            services._locking(gone.pk).get()
        with pytest.raises(ConnectionRequest.DoesNotExist) as raised_fast:
            services._lock(gone)
    assert str(raised_fast.value) == str(raised.value)


@pytest.mark.postgres
def test_locks_the_row_for_update():
    connection_request = ConnectionRequestFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services._lock(connection_request)
    assert 'FOR UPDATE OF "connections_connectionrequest"' in queries[0]["sql"]
