"""`with_child_rows`: a request's integrations and uploaded files (with their spec checks) as
rows, in one query each, the same answer as the related managers they replace
(`integrations.all()`, `uploaded_files.all()`, `checks.all()` with a prefetch)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections import selectors
from connections.models import ConnectionRequest
from tests.factories import (
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
    UploadFactory,
)
from uploads.models import UploadCheck

pytestmark = pytest.mark.django_db


def requests_with_children(count: int):
    """`count` requests, each with integrations and uploads created out of their order."""
    organization = OrganizationFactory()
    now = timezone.now()
    for index in range(count):
        connection_request = ConnectionRequestFactory(requester=organization)
        for minutes in (3, 1, 2):
            IntegrationFactory(
                request=connection_request, date_created=now - timedelta(minutes=minutes + index)
            )
        uploads = [UploadFactory(organization=organization) for _ in range(3)]
        for upload, minutes in zip(uploads, (5, 9, 7), strict=True):
            upload.created = now - timedelta(minutes=minutes)
            upload.save(update_fields=["created"])
        connection_request.uploaded_files.add(*reversed(uploads))
        UploadCheck.objects.create(upload=uploads[0], specs="inventory product")
        UploadCheck.objects.create(upload=uploads[0], specs="invoice orders")
    return list(ConnectionRequest.objects.filter(requester=organization))


@pytest.mark.parametrize("count", [1, 7])
def test_the_rows_answer_what_the_related_managers_answer(count):
    connection_requests = requests_with_children(count)

    selectors.with_child_rows(connection_requests)

    for connection_request in connection_requests:
        expected_uploads = list(connection_request.uploaded_files.all())
        assert [
            (row.name, row.uuid, row.checks) for row in connection_request.uploaded_file_rows
        ] == [(upload.name, upload.uuid, list(upload.checks.all())) for upload in expected_uploads]
        assert len(expected_uploads) == 3
        assert [row.uuid for row in connection_request.integration_rows] == [
            integration.uuid for integration in connection_request.integrations.all()
        ]


@pytest.mark.parametrize("count", [1, 7])
def test_as_many_queries_as_the_prefetch_they_replace(count, django_assert_num_queries):
    """One per relation, at 1 request and at 7, as `prefetch_related` (after the requests)."""
    connection_requests = requests_with_children(count)
    keys = [connection_request.pk for connection_request in connection_requests]

    with django_assert_num_queries(3):
        selectors.with_child_rows(connection_requests)
    with django_assert_num_queries(1 + 3):
        list(
            ConnectionRequest.objects.filter(pk__in=keys).prefetch_related(
                "integrations", "uploaded_files__checks"
            )
        )


def test_no_request_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.with_child_rows([]) == []
