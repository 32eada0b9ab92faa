"""`with_child_rows`: a request's integrations, uploaded files (with their spec checks) and
history as rows, in one query each, the same answer as the related managers they replace
(`integrations.all()`, `uploaded_files.all()`, `checks.all()`, `history` with
`review_entries()`, prefetched)."""

from datetime import timedelta

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from connections import selectors
from connections.api.serializers import review_entry_data
from connections.models import ConnectionRequest, ReviewEntry
from tests.factories import (
    AccountManagerFactory,
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
    UploadFactory,
    UserFactory,
)
from uploads.models import UploadCheck, UploadCheckStatus

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
        UploadCheck.objects.create(
            upload=uploads[0],
            specs="invoice orders",
            status=UploadCheckStatus.FAILED,
            spec="invoice",
            rows_checked=4,
            error_count=1,
            errors=[{"row": 2, "field": "qty", "message": "not a number"}],
            finished=now,
        )
        # History out of order, by an account manager, by a user with and without a name,
        # and by nobody (the user deleted).
        writers = [
            {"account_manager": AccountManagerFactory()},
            {"user": UserFactory(first_name="Ada", last_name="Lovelace")},
            {"user": UserFactory(first_name="", last_name="")},
            {},
        ]
        for minutes, writer in zip((4, 8, 6, 2), writers, strict=True):
            ReviewEntry.objects.create(
                request=connection_request,
                action="CHANGES_REQUESTED",
                message=f"written {minutes} minutes ago",
                integrations=[str(connection_request.uuid)],
                created_at=now - timedelta(minutes=minutes),
                **writer,
            )
    return list(ConnectionRequest.objects.filter(requester=organization))


CHECK_FIELDS = selectors.UploadCheckRow._fields


@pytest.mark.parametrize("count", [1, 7])
def test_the_rows_answer_what_the_related_managers_answer(count):
    connection_requests = requests_with_children(count)

    selectors.with_child_rows(connection_requests)

    for connection_request in connection_requests:
        expected_uploads = list(connection_request.uploaded_files.all())
        assert [
            (row.name, row.uuid, [tuple(check) for check in row.checks])
            for row in connection_request.uploaded_file_rows
        ] == [
            (
                upload.name,
                upload.uuid,
                [
                    tuple(getattr(check, name) for name in CHECK_FIELDS)
                    for check in upload.checks.all()
                ],
            )
            for upload in expected_uploads
        ]
        assert len(expected_uploads) == 3
        assert [row.uuid for row in connection_request.integration_rows] == [
            integration.uuid for integration in connection_request.integrations.all()
        ]
        expected_history = list(selectors.review_entries().filter(request=connection_request))
        assert len(expected_history) == 4
        assert [review_entry_data(row) for row in connection_request.history_rows] == [
            review_entry_data(entry) for entry in expected_history
        ]
        assert [row.message for row in connection_request.history_rows] == [
            f"written {minutes} minutes ago" for minutes in (8, 6, 4, 2)
        ]


@pytest.mark.parametrize("count", [1, 7])
def test_as_many_queries_as_the_prefetch_they_replace(count, django_assert_num_queries):
    """One per relation, at 1 request and at 7, as `prefetch_related` (after the requests)."""
    connection_requests = requests_with_children(count)
    keys = [connection_request.pk for connection_request in connection_requests]

    with django_assert_num_queries(4):
        selectors.with_child_rows(connection_requests)
    with django_assert_num_queries(1 + 4):
        list(
            ConnectionRequest.objects.filter(pk__in=keys).prefetch_related(
                "integrations",
                "uploaded_files__checks",
                Prefetch("history", queryset=selectors.review_entries()),
            )
        )


def test_no_request_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.with_child_rows([]) == []


def test_the_four_queries_share_one_cursor(cursors_opened):
    """The child queries of a page run on one cursor (connect_api.prepared.reused_cursor),
    compiled or not compiled yet."""
    from django.db import connections

    connection_requests = requests_with_children(2)
    cursors_opened.clear()
    connections["default"].__dict__.pop("_reused_cursor", None)
    selectors.with_child_rows(connection_requests)  # compiled now (each compile reads nothing)
    selectors.with_child_rows(connection_requests)
    assert cursors_opened == ["default"]
