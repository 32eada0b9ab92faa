"""Approval shares the request's files with the counterpart: an UploadGrant each, written
in the approval's transaction (a failed approval grants nothing)."""

import pytest

from connect_api.errors import Conflict
from connections import services
from organizations.choices import OrganizationType
from tests.factories import ConnectionFactory, ConnectionRequestFactory, UploadFactory
from uploads.models import Upload, UploadGrant

pytestmark = pytest.mark.django_db


def test_approval_grants_the_counterpart_the_attached_files(retailer, supplier, staff_user):
    attached, other = UploadFactory(organization=retailer), UploadFactory(organization=retailer)
    request = ConnectionRequestFactory(requester=retailer)
    request.uploaded_files.add(attached)

    services.connection_request_approve(
        connection_request=request, user=staff_user, supplier_uuid=supplier.uuid
    )

    assert list(UploadGrant.objects.values_list("upload", "organization")) == [
        (attached.pk, supplier.pk)
    ]
    assert other.pk not in Upload.objects.filter(grants__organization=supplier).values("pk")


def test_an_approval_that_fails_grants_nothing(retailer, supplier, staff_user):
    ConnectionFactory(retailer=retailer, supplier=supplier)  # already connected: 409
    request = ConnectionRequestFactory(requester=retailer)
    request.uploaded_files.add(UploadFactory(organization=retailer))

    with pytest.raises(Conflict):
        services.connection_request_approve(
            connection_request=request, user=staff_user, supplier_uuid=supplier.uuid
        )

    assert not UploadGrant.objects.exists()


def test_an_approval_creating_the_counterpart_grants_the_new_organization(retailer, staff_user):
    request = ConnectionRequestFactory(requester=retailer, counterpart_name="New Supplier")
    upload = UploadFactory(organization=retailer)
    request.uploaded_files.add(upload)

    approved = services.connection_request_approve(connection_request=request, user=staff_user)

    assert approved.counterpart.org_type == OrganizationType.SUPPLIER
    assert list(upload.grants.values_list("organization", flat=True)) == [approved.counterpart.pk]
