"""The PostgreSQL health check reads the socket's state: no round trip, and a connection the
server has ended is still replaced before the request's first query."""

import select

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database():
    database = connections["default"]
    if database.vendor != "postgresql":
        pytest.skip("the backend is PostgreSQL's")
    assert type(database).__module__ == "connect_api.postgresql.base"
    database.ensure_connection()
    return database


def health_check(database) -> None:
    """What Django runs before a request's first query with CONN_HEALTH_CHECKS."""
    database.health_check_enabled = True
    database.health_check_done = False
    database.close_if_health_check_failed()


class CountingCursors:
    """The driver's connection, counting the cursors opened on it (Django's stock check opens
    one for its `SELECT 1`, past CaptureQueriesContext)."""

    def __init__(self, raw):
        self.raw, self.opened = raw, 0

    def cursor(self, *args, **kwargs):
        self.opened += 1
        return self.raw.cursor(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def test_a_live_connection_is_kept_without_a_round_trip(database):
    raw = database.connection
    pid = raw.get_backend_pid()
    database.connection = counting = CountingCursors(raw)
    try:
        with CaptureQueriesContext(database) as queries:
            health_check(database)
        kept = database.connection is counting
    finally:
        database.connection = raw

    assert (counting.opened, len(queries), kept) == (0, 0, True)
    assert raw.get_backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(database):
    pid = database.connection.get_backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    select.select([database.connection.fileno()], [], [], 5)  # the server's notice arrives

    health_check(database)
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()

    assert new_pid != pid
