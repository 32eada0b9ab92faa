"""A database at the head before `organizations` existed migrates forward with its data:
the tenant tables keep their rows, the upload links survive, and counterparts of requests
approved back then keep reading the files (a grant each, backfilled)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from connections.models import ConnectionRequest
from organizations.models import Organization, OrganizationMembership
from uploads.models import Upload, UploadGrant

BEFORE = [
    ("connections", "0002_rename_approved_by_decided_by"),
    ("uploads", "0001_initial"),
    ("organizations", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_apps(transactional_db):
    executor = migrate(BEFORE)
    yield executor.loader.project_state([node for node in BEFORE if node[1]]).apps
    migrate(latest())


def test_old_database_migrates_forward_with_its_data(old_apps, django_user_model):
    Old = {name: old_apps.get_model("connections", name) for name in (
        "Organization", "OrganizationMembership", "Person", "ConnectionRequest"
    )}  # fmt: skip
    OldUpload = old_apps.get_model("uploads", "Upload")
    retailer = Old["Organization"].objects.create(name="Acme Retail", org_type="RETAILER")
    supplier = Old["Organization"].objects.create(
        name="Thomas-Perkins",
        org_type="SUPPLIER",
        contact=Old["Person"].objects.create(first_name="Roger", last_name="Rabbit"),
    )
    onlooker = Old["Organization"].objects.create(name="Onlooker", org_type="SUPPLIER")
    users = {}
    for name, organization in [
        ("retailer", retailer),
        ("supplier", supplier),
        ("onlooker", onlooker),
    ]:
        users[name] = django_user_model.objects.create(username=name)
        Old["OrganizationMembership"].objects.create(
            user_id=users[name].pk, organization=organization
        )
    upload = OldUpload.objects.create(
        organization=retailer, name="items.csv", file="uploads/x", size=3, sha256="0" * 64,
        content_type="text/csv",
    )  # fmt: skip
    approved = Old["ConnectionRequest"].objects.create(
        requester=retailer, counterpart=supplier, counterpart_name="TP", contact_name="R",
        status="APPROVED",
    )  # fmt: skip
    pending = Old["ConnectionRequest"].objects.create(
        requester=retailer, counterpart=onlooker, counterpart_name="O", contact_name="O"
    )
    upload.connection_requests.add(approved, pending)

    migrate(latest())

    assert set(Organization.objects.values_list("name", flat=True)) == {
        "Acme Retail",
        "Thomas-Perkins",
        "Onlooker",
    }
    assert Organization.objects.get(pk=supplier.pk).contact.first_name == "Roger"
    assert OrganizationMembership.objects.get(user=users["retailer"]).organization_id == retailer.pk
    moved = Upload.objects.get(pk=upload.pk)
    assert set(moved.connection_requests.values_list("pk", flat=True)) == {approved.pk, pending.pk}
    assert set(ConnectionRequest.objects.get(pk=approved.pk).uploaded_files.all()) == {moved}
    assert list(UploadGrant.objects.values_list("upload_id", "organization_id")) == [
        (upload.pk, supplier.pk)
    ]
    assert list(Upload.objects.readable_by(users["supplier"])) == [moved]
    assert list(Upload.objects.readable_by(users["onlooker"])) == []
    assert list(Upload.objects.readable_by(users["retailer"])) == [moved]
    assert ContentType.objects.get_for_model(Organization).app_label == "organizations"
    assert not ContentType.objects.filter(app_label="connections", model="organization").exists()
