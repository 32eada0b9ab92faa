"""The create's INSERTs (services._new_requests, _new_integrations, the outbox's
events._new_events) are bulk_create's statements, compiled once: they send no save() signals,
so none of these models may have receivers (objects.create would have sent them); and the
create service runs them."""

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
    for prepared in (services._new_requests, services._new_integrations, events._new_events):
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
    assert list(services._new_requests._compiled) and all(services._new_requests._compiled.values())
    assert len(services._new_integrations._compiled) == 1
    assert len(events._new_events._compiled) == 1
    assert all(events._new_events._compiled.values())
    assert Event.objects.filter(refs__connection_request=created.pk).count() == 1
    assert all(services._new_integrations._compiled.values())
