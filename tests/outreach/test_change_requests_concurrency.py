"""Four reviewers applying one change request at once: exactly one applies it (PostgreSQL row
locks; SQLite serialises writers anyway, so this runs only on PostgreSQL)."""

import threading

import pytest
from django.db import connection as db_connection

from connect_api.errors import Conflict
from outreach.choices import ChangeRequestStatus
from outreach.services import change_request_apply
from tests.factories import ChangeRequestFactory, ChangeRequestWorld

THREADS = 4


def apply_concurrently(change_request, reviewer) -> list[str]:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            change_request_apply(change_request=change_request, reviewer=reviewer)
            outcome = "applied"
        except Conflict as error:
            outcome = error.code
        finally:
            db_connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["modify", "add"])
def test_four_concurrent_applies_give_one_success_and_conflicts(kind):
    world = ChangeRequestWorld.build()
    if kind == "add":
        change_request = ChangeRequestFactory(site=world.site, add=True)
    else:
        change_request = ChangeRequestFactory(site=world.site, connection=world.connection)
    connections_before = world.site.connections.count()

    outcomes = apply_concurrently(change_request, world.admin.user)

    assert outcomes == ["already_decided"] * (THREADS - 1) + ["applied"]
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.APPLIED
    history = change_request.history.all()
    assert history.count() == 1
    if kind == "add":
        assert world.site.connections.count() == connections_before + 1
    else:
        world.connection.refresh_from_db()
        assert world.connection.version == 2
        assert world.connection.comments.count() == 1
