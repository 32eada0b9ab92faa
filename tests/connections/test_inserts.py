"""The create's INSERTs (services._new_request, _new_integrations, the outbox's
events._new_event) are compiled once and run by the create service. The integrations' is
bulk_create's statement, which sends no save() signals; the request's and the event's are
`create()`'s, which falls back to create() itself for a model with receivers. None of these
models has any (objects.create would have sent them)."""

import pytest
from django.db.models import signals

from connect_api import events
from connect_api.models import Event
from connections import services
from connections.models import ConnectionRequest, Integration
from tests.factories import OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [ConnectionRequest, Integration, Event])
def test_no_save_signal_receivers(model):
    for signal in (signals.pre_save, signals.post_save):
        assert not signal.has_listeners(model)


def test_the_create_service_runs_the_compiled_inserts():
    membership = OrganizationMembershipFactory()
    inserts = (services._new_request._insert, services._new_integrations, events._new_event._insert)
    for prepared in inserts:
        prepared._compiled.clear()
    for _ in range(2):
        created = services.connection_request_create(
            organization=membership.organization,
            user=membership.user,
            data={
                "counterpart_name": "Thomas",
                "contact_name": "Roger",
                "integrations": [{"integration_type": "item"}, {"integration_type": "order"}],
            },
        )
        created.refresh_from_db()
        assert sorted(created.integrations.values_list("integration_type", flat=True)) == [
            "item",
            "order",
        ]
    requests = services._new_request._insert._compiled
    assert list(requests) and all(requests.values())
    assert len(services._new_integrations._compiled) == 1
    assert len(events._new_event._insert._compiled) == 1
    assert all(events._new_event._insert._compiled.values())
    assert Event.objects.filter(refs__connection_request=created.pk).count() == 1
    assert all(services._new_integrations._compiled.values())
