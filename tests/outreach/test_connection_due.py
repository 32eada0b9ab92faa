"""The daily `outreach_connection.due` publication: open, assigned connections due
within 7 days, once per connection and due date; used by mail and webhooks alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connect_api import events
from connect_api.events import EventName
from connect_api.models import Event
from outreach import services, tasks
from outreach.models import ConnectionDueNotice
from tests.factories import (
    ChangeRequestWorld,
    IndividualFactory,
    OutreachConnectionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    got = []
    events.event_subscribe("test", got.append)
    yield got
    events._subscribers.pop("test")


def test_due_within_seven_days_once_per_due_date(received, django_capture_on_commit_callbacks):
    world = ChangeRequestWorld.build()
    today = timezone.localdate()
    caller = IndividualFactory(site=world.site, first_name="Ann", last_name="Lee")
    contact = IndividualFactory(site=world.site, first_name="Bo", last_name="Ray", number=901)
    due = OutreachConnectionFactory(
        site=world.site,
        number=42,
        connection_type=world.connection_type,
        contact=contact,
        caller=caller,
        due_date=today + timedelta(days=2),
    )
    team = TeamFactory(site=world.site, number=9)
    OutreachConnectionFactory(site=world.site, team=team, due_date=today)  # due today: in
    OutreachConnectionFactory(site=world.site, caller=caller, due_date=today + timedelta(days=8))
    OutreachConnectionFactory(site=world.site, caller=caller, due_date=today - timedelta(days=1))
    OutreachConnectionFactory(site=world.site, due_date=today)  # nobody assigned
    OutreachConnectionFactory(
        site=world.site, caller=caller, due_date=today, completed=True
    )  # done

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.connections_due_publish.call_local() == 2
    assert len(received) == 2
    event = next(event for event in received if event.refs["connection"] == due.pk)
    assert event.name == EventName.OUTREACH_CONNECTION_DUE
    assert event.data == {
        "site": 12345,
        "connection_id": 42,
        "connection_type": world.connection_type.description,
        "contact": {"individual_id": 901, "name": "Bo Ray"},
        "due_date": (today + timedelta(days=2)).strftime("%m/%d/%Y"),
        "caller_id": caller.number,
        "team_id": None,
    }
    assert event.refs == {
        "site": world.site.pk,
        "connection": due.pk,
        "caller": caller.pk,
        "team": None,
    }

    # the same day again: nothing new; tomorrow: only the one now within 7 days
    with django_capture_on_commit_callbacks(execute=True):
        assert services.connection_due_notices_publish(today=today) == 0
        assert services.connection_due_notices_publish(today=today + timedelta(days=1)) == 1
    assert len(received) == 3

    # moved to another date: due again, once
    due.due_date = today + timedelta(days=5)
    due.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.connection_due_notices_publish(today=today) == 1
        assert services.connection_due_notices_publish(today=today) == 0
    assert ConnectionDueNotice.objects.filter(connection=due).count() == 2
    assert Event.objects.filter(name=EventName.OUTREACH_CONNECTION_DUE).count() == 4


def test_the_daily_job_is_registered():
    from huey.contrib.djhuey import HUEY

    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert "connections_due_publish" in names
