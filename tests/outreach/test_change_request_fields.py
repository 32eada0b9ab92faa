"""The change-request field table: each name said once, every attribute it writes a real one,
and the history in the Connection's order."""

import json

import pytest

from outreach.fields import CHANGE_REQUEST_FIELDS, CONNECTION_WRITES, HISTORY, Applies
from outreach.models import Connection
from tests.seeds import OUTREACH_SEED_BODY

BASE = "/api_accessacs_mobile/v2/12345"


def test_each_history_label_and_term_is_said_once():
    targets = [target for spec in CHANGE_REQUEST_FIELDS for target in spec.connection]
    labels = [target.label for target in targets if target.label]
    terms = [target.term for target in targets if target.term]
    assert len(set(labels)) == len(labels) == len(HISTORY)
    assert len(set(terms)) == len(terms)


def test_every_written_attribute_is_the_connections():
    for spec, target in CONNECTION_WRITES:
        field = Connection._meta.get_field(target.attribute)
        if target.applies is Applies.REPLACES:
            assert field.many_to_many, target
        elif target.applies is Applies.APPENDS:
            assert field.one_to_many, target
        if spec.row is not None and target.applies is Applies.SETS:
            assert field.related_model is spec.row.model, target


@pytest.mark.django_db
def test_an_add_records_each_of_its_fields(world, caller, admin):
    """In a JSON column: PostgreSQL's jsonb keeps no key order, so the set is what holds."""
    response = caller.post(
        f"{BASE}/connections", json.dumps(OUTREACH_SEED_BODY), content_type="application/json"
    )
    number = response.json()
    assert admin.post(f"{BASE}/changerequests/{number}/apply").status_code == 200

    connection = Connection.objects.get(change_requests__number=number)
    assert set(connection.history.get().changes) == {
        "ConnectionTypeId",
        "ContactIndvId",
        "FamilyConnection",
        "CallerIndvId",
        "TeamId",
        "DueDate",
        "Completed",
        "Comment",
    }
