"""The Django admin covers every outreach model (list, search and change pages render)."""

import pytest
from django.urls import reverse

from outreach import models
from outreach.choices import Right
from tests.factories import (
    ConnectionCommentFactory,
    ConnectionHistoryFactory,
    ConnectionTypeRightFactory,
    OutreachConnectionFactory,
    ResponseFactory,
    SiteMembershipFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    models.Site,
    models.SiteMembership,
    models.Individual,
    models.Team,
    models.ConnectionType,
    models.Response,
    models.Connection,
    models.ConnectionComment,
    models.ConnectionHistory,
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def rows():
    membership = SiteMembershipFactory()
    ConnectionTypeRightFactory(membership=membership, right=Right.VIEW)
    connection = OutreachConnectionFactory(site=membership.site)
    ResponseFactory(site=membership.site, connection_type=connection.connection_type)
    TeamFactory(site=membership.site, members=[membership.individual])
    ConnectionCommentFactory(connection=connection)
    ConnectionHistoryFactory(connection=connection)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_search_and_change_pages_render(admin_client, rows, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{prefix}_changelist"), {"q": "a"}).status_code == 200
    row = model.objects.first()
    assert admin_client.get(reverse(f"{prefix}_change", args=[row.pk])).status_code == 200


def test_membership_page_has_the_type_rights_inline(admin_client, rows):
    membership = models.SiteMembership.objects.get()
    page = admin_client.get(reverse("admin:outreach_sitemembership_change", args=[membership.pk]))
    assert b"type_rights-TOTAL_FORMS" in page.content


def test_connection_page_has_comments_and_history_inlines(admin_client, rows):
    connection = models.Connection.objects.get()
    page = admin_client.get(reverse("admin:outreach_connection_change", args=[connection.pk]))
    assert b"comments-TOTAL_FORMS" in page.content
    assert b"history-TOTAL_FORMS" in page.content
