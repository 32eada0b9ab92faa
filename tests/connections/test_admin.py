"""Staff decide connection requests in the admin (Django's test client, real session login):
decision buttons calling the services, the files with downloads through the admin, decided
requests that no POST can change, uploads attachable only from the requester's own."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connections.choices import ConnectionRequestStatus
from connections.models import Connection, ConnectionRequest
from tests.factories import (
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    ReviewEntryFactory,
    StaffUserFactory,
    UploadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def change_url(connection_request) -> str:
    return reverse("admin:connections_connectionrequest_change", args=[connection_request.pk])


def decide_url(connection_request, decision: str) -> str:
    return reverse(f"admin:connections_connectionrequest_{decision}", args=[connection_request.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_form(connection_request, **changes) -> dict:
    """The change form as the page posts it (the integrations inline included)."""
    integrations = list(connection_request.integrations.all())
    form = {
        "counterpart_name": connection_request.counterpart_name,
        "contact_name": connection_request.contact_name,
        "contact_phone": connection_request.contact_phone,
        "contact_email": connection_request.contact_email,
        "account_number": connection_request.account_number,
        "additional_information": "",
        "request_date_0": "2026-01-05",
        "request_date_1": "10:00:00",
        "integrations-TOTAL_FORMS": len(integrations),
        "integrations-INITIAL_FORMS": len(integrations),
    }
    for index, integration in enumerate(integrations):
        form |= {
            f"integrations-{index}-id": integration.pk,
            f"integrations-{index}-request": connection_request.pk,
            f"integrations-{index}-integration_type": integration.integration_type,
            f"integrations-{index}-update_frequency": integration.update_frequency,
            f"integrations-{index}-file_specs": "changed specs",
        }
    return form | changes


def test_approve_button_approves_and_links_the_connection(staff_client):
    connection_request = ConnectionRequestFactory(counterpart_name="Brightline")

    response = staff_client.post(decide_url(connection_request, "approve"))

    assert response.status_code == 302
    connection_request.refresh_from_db()
    assert connection_request.status == ConnectionRequestStatus.APPROVED
    assert any("approved; connection" in message for message in messages_of(response))
    page = staff_client.get(change_url(connection_request)).content.decode()
    connection = Connection.objects.get(request=connection_request)
    assert reverse("admin:connections_connection_change", args=[connection.pk]) in page
    assert 'id="decisions"' not in page and 'name="_save"' not in page


def test_approve_button_links_the_counterpart_staff_chose(staff_client):
    supplier = OrganizationFactory(org_type="SUPPLIER")
    connection_request = ConnectionRequestFactory(counterpart=supplier)

    staff_client.post(decide_url(connection_request, "approve"))

    assert Connection.objects.get(request=connection_request).supplier == supplier


def test_reject_button_needs_the_reason_and_keeps_it(staff_client):
    connection_request = ConnectionRequestFactory()

    refused = staff_client.post(decide_url(connection_request, "reject"), {"reason": "  "})
    connection_request.refresh_from_db()
    assert connection_request.status == ConnectionRequestStatus.PENDING
    assert any("needs a reason" in message for message in messages_of(refused))

    staff_client.post(decide_url(connection_request, "reject"), {"reason": "Unknown supplier"})
    connection_request.refresh_from_db()
    assert connection_request.status == ConnectionRequestStatus.REJECTED
    assert connection_request.rejection_reason == "Unknown supplier"


def test_a_second_decision_is_a_message_not_an_error(staff_client):
    connection_request = ConnectionRequestFactory(status=ConnectionRequestStatus.REJECTED)

    response = staff_client.post(decide_url(connection_request, "approve"))

    assert response.status_code == 302
    assert any("already REJECTED" in message for message in messages_of(response))
    assert not Connection.objects.exists()


def test_decision_urls_take_only_post(staff_client):
    connection_request = ConnectionRequestFactory()
    assert staff_client.get(decide_url(connection_request, "approve")).status_code == 405
    connection_request.refresh_from_db()
    assert connection_request.status == ConnectionRequestStatus.PENDING


@pytest.mark.parametrize(
    "status",
    [
        ConnectionRequestStatus.APPROVED,
        ConnectionRequestStatus.REJECTED,
        ConnectionRequestStatus.WITHDRAWN,
    ],
)
def test_a_decided_request_cannot_be_changed_by_any_post(staff_client, status):
    connection_request = ConnectionRequestFactory(status=status, counterpart_name="Before")
    integration = IntegrationFactory(request=connection_request, file_specs="before")

    page = staff_client.get(change_url(connection_request))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = staff_client.post(
        change_url(connection_request), change_form(connection_request, counterpart_name="After")
    )

    assert response.status_code == 403
    connection_request.refresh_from_db()
    integration.refresh_from_db()
    assert (connection_request.counterpart_name, integration.file_specs) == ("Before", "before")


def test_a_pending_request_is_edited_with_its_integrations(staff_client):
    connection_request = ConnectionRequestFactory(counterpart_name="Before")
    integration = IntegrationFactory(request=connection_request)

    response = staff_client.post(
        change_url(connection_request), change_form(connection_request, counterpart_name="After")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    connection_request.refresh_from_db()
    integration.refresh_from_db()
    assert (connection_request.counterpart_name, integration.file_specs) == (
        "After",
        "changed specs",
    )


def test_only_the_requesters_uploads_can_be_attached(staff_client):
    connection_request = ConnectionRequestFactory()
    own = UploadFactory(organization=connection_request.requester)
    foreign = UploadFactory(name="other-org.csv")

    page = staff_client.get(change_url(connection_request))
    offered = page.context["adminform"].form.fields["uploaded_files"].queryset
    assert list(offered) == [own]

    refused = staff_client.post(
        change_url(connection_request), change_form(connection_request, uploaded_files=[foreign.pk])
    )
    assert refused.status_code == 200
    assert "uploaded_files" in refused.context["adminform"].form.errors
    assert not connection_request.uploaded_files.exists()

    staff_client.post(
        change_url(connection_request), change_form(connection_request, uploaded_files=[own.pk])
    )
    assert list(connection_request.uploaded_files.all()) == [own]


def test_the_request_page_downloads_its_files_through_the_admin(staff_client):
    connection_request = ConnectionRequestFactory()
    upload = UploadFactory(organization=connection_request.requester, content=b"a,b\n1,2\n")
    connection_request.uploaded_files.add(upload)
    download = reverse("admin:uploads_upload_download", args=[upload.pk])

    page = staff_client.get(change_url(connection_request)).content.decode()
    assert f'href="{download}"' in page
    assert "/media/" not in page

    response = staff_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert upload.name in response["Content-Disposition"]
    upload_page = staff_client.get(reverse("admin:uploads_upload_change", args=[upload.pk]))
    assert f'href="{download}"' in upload_page.content.decode()


def test_downloads_need_staff_who_may_view_uploads(client):
    upload = UploadFactory()
    download = reverse("admin:uploads_upload_download", args=[upload.pk])

    client.force_login(UserFactory())  # not staff: the admin's login page
    assert client.get(download).status_code == 302
    staff = StaffUserFactory()
    client.force_login(staff)
    assert client.get(download).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_upload"))
    assert client.get(download).status_code == 200
    assert (
        client.get(reverse("admin:uploads_upload_download", args=[upload.pk + 1])).status_code
        == 404
    )


def test_an_integration_schedule_is_checked_as_the_api_checks_it(staff_client):
    connection_request = ConnectionRequestFactory()
    integration = IntegrationFactory(request=connection_request, update_frequency="0 2 * * *")
    form = change_form(connection_request) | {"integrations-0-update_frequency": "* * * * * * *"}

    response = staff_client.post(change_url(connection_request), form)

    assert response.status_code == 200
    [errors] = [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms]
    assert "not a valid cron expression" in str(errors["update_frequency"])
    integration.refresh_from_db()
    assert integration.update_frequency == "0 2 * * *"


def test_a_decided_request_is_not_deleted(staff_client):
    decided = ConnectionRequestFactory(status=ConnectionRequestStatus.APPROVED)
    pending = ConnectionRequestFactory()
    delete = reverse("admin:connections_connectionrequest_delete", args=[decided.pk])

    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    response = staff_client.post(
        reverse("admin:connections_connectionrequest_changelist"),
        {"action": "delete_selected", "_selected_action": [decided.pk, pending.pk], "post": "yes"},
    )

    assert response.status_code == 403  # Django's "Delete selected" asks each row
    assert ConnectionRequest.objects.count() == 2


# --- asking for changes, and the history ---------------------------------------------------


def test_request_changes_button_asks_and_the_page_shows_the_history(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    connection_request = ConnectionRequestFactory(counterpart_name="Brightline")
    IntegrationFactory(request=connection_request, update_frequency="* 20 12 3 8,9 *")
    member = OrganizationMembershipFactory(organization=connection_request.requester).user

    refused = staff_client.post(decide_url(connection_request, "request-changes"), {"message": ""})
    assert any("Say what to change" in message for message in messages_of(refused))

    page = staff_client.get(change_url(connection_request)).content.decode()
    assert 'id="decision-request-changes"' in page
    assert "It fires 60 times a minute" in page  # the reviewer sees the schedule's warning

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            decide_url(connection_request, "request-changes"), {"message": "Fire once a minute"}
        )
    assert response.status_code == 302
    connection_request.refresh_from_db()
    assert connection_request.status == ConnectionRequestStatus.CHANGES_REQUESTED
    assert [m.to for m in mailoutbox] == [[member.email]]

    page = staff_client.get(change_url(connection_request)).content.decode()
    assert "review-history" in page and "Fire once a minute" in page
    assert 'id="decision-approve"' in page  # still undecided: staff may approve or reject

    again = staff_client.post(
        decide_url(connection_request, "request-changes"), {"message": "And more"}
    )
    assert any("already CHANGES REQUESTED" in message for message in messages_of(again))


def test_the_change_page_reads_the_history_in_one_query_however_long(staff_client):
    def page_queries(connection_request) -> tuple[int, int, str]:
        staff_client.get(change_url(connection_request))  # warm: session, permissions
        with CaptureQueriesContext(connection) as captured:
            page = staff_client.get(change_url(connection_request)).content.decode()
        history = [q for q in captured if "connections_reviewentry" in q["sql"]]
        return len(captured), len(history), page

    short, long = ConnectionRequestFactory(), ConnectionRequestFactory()
    ReviewEntryFactory(request=short)
    ReviewEntryFactory.create_batch(8, request=long)

    short_count, short_history, short_page = page_queries(short)
    long_count, long_history, long_page = page_queries(long)

    assert short_page.count("Please change the schedule.") == 1
    assert long_page.count("Please change the schedule.") == 8
    assert short_history == long_history == 1
    assert short_count == long_count
