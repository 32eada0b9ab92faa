"""Account managers in the admin: the "Account managers" group (connections' migration 0011)
holds exactly what they need, seed_demo's `manager` is in it, and with it a staff user
approves, rejects with a reason, downloads an attachment and deactivates a connection, and
reaches nothing else in the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from connections.choices import ConnectionRequestStatus, ConnectionStatus
from tests.factories import (
    ConnectionFactory,
    ConnectionRequestFactory,
    StaffUserFactory,
    UploadFactory,
)

pytestmark = pytest.mark.django_db

GROUP = "Account managers"
EXPECTED = {
    "organizations.view_organization",
    "organizations.view_person",
    "uploads.view_upload",
    "connections.view_connectionrequest",
    "connections.approve_connectionrequest",
    "connections.reject_connectionrequest",
    "connections.request_changes_connectionrequest",
    "connections.view_integration",
    "connections.view_connection",
    "connections.deactivate_connection",
}
OPEN = {
    "organizations.organization",
    "organizations.person",
    "uploads.upload",
    "connections.connectionrequest",
    "connections.connection",
}
"""The admin pages the group opens (integrations are shown inside their request)."""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manager_client(client):
    manager = StaffUserFactory(username="am")
    manager.groups.add(Group.objects.get(name=GROUP))
    client.force_login(manager)
    return client


def test_the_group_holds_exactly_the_account_managers_permissions():
    group = Group.objects.get(name=GROUP)
    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == EXPECTED


def test_seed_demo_manager_is_an_account_manager():
    from organizations import demo

    demo.seed()
    assert Group.objects.get(name=GROUP).user_set.filter(username="manager").exists()


def test_the_index_shows_only_what_the_group_opens(manager_client):
    response = manager_client.get("/admin/")
    assert response.status_code == 200
    shown = {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert shown == OPEN
    assert "have permission to view or edit anything" not in response.text


@pytest.mark.parametrize(
    "model",
    [f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry],
)
def test_every_other_admin_page_is_closed(manager_client, model):
    app_label, model_name = model.split(".")
    changelist = manager_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = manager_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code == 403
    assert changelist.status_code == (200 if model in OPEN else 403)


def test_approve_reject_and_download(manager_client):
    to_approve = ConnectionRequestFactory(counterpart_name="Brightline")
    to_reject = ConnectionRequestFactory(counterpart_name="Nowhere")
    upload = UploadFactory(organization=to_approve.requester, content=b"sku,qty\nA,1\n")
    to_approve.uploaded_files.add(upload)

    page = manager_client.get(
        reverse("admin:connections_connectionrequest_change", args=[to_approve.pk])
    )
    assert 'id="decision-approve"' in page.text and 'id="decision-reject"' in page.text
    assert 'name="_save"' not in page.text  # the request's fields are read-only to them

    approved = manager_client.post(
        reverse("admin:connections_connectionrequest_approve", args=[to_approve.pk])
    )
    rejected = manager_client.post(
        reverse("admin:connections_connectionrequest_reject", args=[to_reject.pk]),
        {"reason": "Not in our network."},
    )
    download = manager_client.get(reverse("admin:uploads_upload_download", args=[upload.pk]))

    assert approved.status_code == rejected.status_code == 302
    to_approve.refresh_from_db()
    to_reject.refresh_from_db()
    assert to_approve.status == ConnectionRequestStatus.APPROVED
    assert (to_reject.status, to_reject.rejection_reason) == (
        ConnectionRequestStatus.REJECTED,
        "Not in our network.",
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"sku,qty\nA,1\n"


def test_they_cannot_edit_a_request(manager_client):
    connection_request = ConnectionRequestFactory(counterpart_name="Brightline")
    url = reverse("admin:connections_connectionrequest_change", args=[connection_request.pk])
    response = manager_client.post(url, {"counterpart_name": "Changed"})
    assert response.status_code == 403
    connection_request.refresh_from_db()
    assert connection_request.counterpart_name == "Brightline"


def test_deactivate_a_connection(manager_client):
    connection = ConnectionFactory(status=ConnectionStatus.ACTIVE)
    response = manager_client.post(
        reverse("admin:connections_connection_deactivate", args=[connection.pk])
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DEACTIVATED


def test_a_staff_user_outside_the_group_has_no_decision(client):
    client.force_login(StaffUserFactory(username="plain-staff"))
    connection_request = ConnectionRequestFactory()
    response = client.post(
        reverse("admin:connections_connectionrequest_approve", args=[connection_request.pk])
    )
    assert response.status_code == 403
