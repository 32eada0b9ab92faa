"""The rules behind the organization's user calls: the last user manager, permissions of the
other kind, tenancy, query counts, and staff inviting from the admin."""

import pytest
from django.core import mail
from django.test import Client

from organizations import services
from organizations.models import Invitation, OrganizationMembership, Permission
from tests.factories import OrganizationFactory, StaffUserFactory
from tests.organizations.orgapi import docs_client, link_in, mails_to, member, send

pytestmark = pytest.mark.django_db


def body_of(*names) -> bytes:
    uuids = ",".join(f'"{Permission.objects.get(name=n).uuid}"' for n in names)
    return f'{{"permission_uuids":[{uuids}]}}'.encode()


def test_the_last_holder_cannot_remove_their_own_edit_org_users():
    admin = member(None, "edit_org_users", "view_org_users")
    path = f"/timp/organizations/users/permissions/{admin.uuid}/"
    response = send(docs_client(admin.user), "DELETE", path, body_of("edit_org_users"))
    assert response.status_code == 409
    assert "edit_org_users" in response.json()["detail"]
    assert admin.permissions.filter(name="edit_org_users").exists()


def test_with_a_second_holder_it_can_be_removed():
    admin = member(None, "edit_org_users")
    member(admin.organization, "edit_org_users")
    path = f"/timp/organizations/users/permissions/{admin.uuid}/"
    response = send(docs_client(admin.user), "DELETE", path, body_of("edit_org_users"))
    assert response.status_code == 200
    assert not admin.permissions.filter(name="edit_org_users").exists()


def test_an_inactive_second_holder_does_not_count():
    admin = member(None, "edit_org_users")
    gone = member(admin.organization, "edit_org_users")
    gone.user.is_active = False
    gone.user.save()
    path = f"/timp/organizations/users/permissions/{admin.uuid}/"
    response = send(docs_client(admin.user), "DELETE", path, body_of("edit_org_users"))
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("org_type", "name"), [("SUPPLIER", "create_order"), ("RETAILER", "allocate_order")]
)
def test_a_permission_of_the_other_kind_is_a_400_naming_it(org_type, name):
    admin = member(OrganizationFactory(org_type=org_type), "edit_org_users")
    colleague = member(admin.organization)
    path = f"/timp/organizations/users/permissions/{colleague.uuid}/"
    response = send(docs_client(admin.user), "PATCH", path, body_of("view_items", name))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"permission_uuids.1"}
    assert name in errors["permission_uuids.1"][0]
    assert not colleague.permissions.exists()  # all or nothing


def test_a_malformed_body_is_a_400_naming_the_field():
    admin = member(None, "edit_org_users")
    path = f"/timp/organizations/users/permissions/{admin.uuid}/"
    response = send(docs_client(admin.user), "PATCH", path, b'{"permission_uuids":["nope"]}')
    assert response.status_code == 400
    assert "permission_uuids.0" in response.json()["errors"]
    missing = send(docs_client(admin.user), "PATCH", path, b"{}")
    assert "permission_uuids" in missing.json()["errors"]


def test_the_catalog_of_a_supplier_has_no_retailer_permission():
    someone = member(OrganizationFactory(org_type="SUPPLIER"), "view_org_users")
    body = docs_client(someone.user).get("/organizations/all_permissions").json()
    assert {p["visibility"] for p in body} == {"BOTH", "SUPPLIER"}


def test_a_removed_membership_sees_no_users():
    someone = member(None, "view_org_users")
    client = docs_client(someone.user)
    OrganizationMembership.objects.filter(pk=someone.pk).delete()
    response = client.get("/timp/organizations/users/all/")
    assert response.status_code == 403  # no organization holds anything for them


@pytest.mark.parametrize("rows", [1, 100])
def test_the_user_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    admin = member(None, "view_org_users", "edit_org_users", "view_items")
    for _ in range(rows - 1):
        member(admin.organization, "view_items", "view_order")
    client = docs_client(admin.user)
    # token+user, permission check, (the throttle's block lease), catalog, members, their
    # permissions
    with django_assert_max_num_queries(6):
        response = client.get("/timp/organizations/users/all/")
    assert response.status_code == 200
    assert len(response.json()) == rows


@pytest.mark.parametrize("rows", [1, 100])
def test_the_feed_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    from connect_api.events import EventName
    from connect_api.models import Event

    someone = member(None)
    Event.objects.bulk_create(
        Event(name=EventName.REQUEST_REJECTED, data={}, refs={"requester": someone.organization_id})
        for _ in range(rows)
    )
    client = docs_client(someone.user)
    # token+user, membership, (the throttle's block lease), count, page
    with django_assert_max_num_queries(5):
        response = client.get("/timp/notifications/?limit=100")
    assert len(response.json()) == rows


def test_the_feed_pages_by_start_and_limit():
    from connect_api.events import EventName
    from connect_api.models import Event

    someone = member(None)
    for _ in range(5):
        Event.objects.create(
            name=EventName.REQUEST_REJECTED, data={}, refs={"requester": someone.organization_id}
        )
    page = docs_client(someone.user).get("/notifications/?start=1&limit=2")
    assert len(page.json()) == 2
    assert page["X-Total-Count"] == "5"
    bad = docs_client(someone.user).get("/notifications/?limit=x")
    assert bad.status_code == 400 and "limit" in bad.json()["errors"]


def test_the_feed_tells_the_requester_that_changes_were_requested():
    from connect_api.events import EventName
    from connect_api.models import Event

    someone = member(None)
    stranger = member(None)
    for organization in (someone.organization, stranger.organization):
        Event.objects.create(
            name=EventName.REQUEST_CHANGES_REQUESTED, data={}, refs={"requester": organization.pk}
        )
    feed = docs_client(someone.user).get("/notifications/").json()
    assert [entry["title"] for entry in feed] == [EventName.REQUEST_CHANGES_REQUESTED.label]


def test_another_members_feed_needs_view_org_users_and_the_same_organization():
    someone = member(None)
    colleague = member(someone.organization)
    stranger = member(None)
    body = f'{{"user_uuid":"{colleague.uuid}"}}'.encode()
    assert send(docs_client(someone.user), "GET", "/notifications/", body).status_code == 403
    someone.permissions.add(Permission.objects.get(name="view_org_users"))
    assert send(docs_client(someone.user), "GET", "/notifications/", body).status_code == 200
    foreign = f'{{"user_uuid":"{stranger.uuid}"}}'.encode()
    assert send(docs_client(someone.user), "GET", "/notifications/", foreign).status_code == 404


def test_staff_invite_into_any_organization_from_the_admin(django_capture_on_commit_callbacks):
    supplier = OrganizationFactory(org_type="SUPPLIER")
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    assert client.get("/admin/organizations/invitation/add/").status_code == 200
    view_items = Permission.objects.get(name="view_items")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/organizations/invitation/add/",
            {
                "organization": supplier.pk,
                "email": "from.admin@example.com",
                "first_name": "From",
                "last_name": "Admin",
                "permissions": [view_items.pk],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.organization == supplier
    assert list(invitation.membership.permissions.all()) == [view_items]
    path = link_in(mails_to("from.admin@example.com")[0])
    accepted = send(docs_client(), "POST", path, b'{"password":"crux_is_awesome"}')
    assert accepted.status_code == 204
    assert client.get("/admin/organizations/invitation/").status_code == 200
    assert client.get(f"/admin/organizations/invitation/{invitation.pk}/change/").status_code == 200


def test_the_admin_shows_a_refused_invitation_as_a_form_error():
    retailer = OrganizationFactory(org_type="RETAILER")
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.post(
        "/admin/organizations/invitation/add/",
        {
            "organization": retailer.pk,
            "email": "x@example.com",
            "permissions": [Permission.objects.get(name="allocate_order").pk],
        },
    )
    assert response.status_code == 200
    assert "allocate_order" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invitation_service_revokes_open_invitations_only_of_that_member():
    organization = OrganizationFactory()
    first = services.invitation_create(organization=organization, email="a@example.com")
    other = services.invitation_create(organization=organization, email="b@example.com")
    services.invitation_create(organization=organization, email="a@example.com")
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.revoked is not None
    assert other.revoked is None


def test_a_member_removed_in_the_admin_loses_every_token_at_once():
    from django.contrib.admin.sites import site
    from django.test import RequestFactory
    from knox.models import AuthToken

    from organizations.models import Organization

    leaving = member(None)
    staying = member(leaving.organization)
    _, key = AuthToken.objects.create(user=leaving.user)
    AuthToken.objects.create(user=staying.user)
    assert (
        docs_client().get("/timp/organizations/", HTTP_AUTHORIZATION=f"Token {key}").status_code
        == 200
    )

    organization_admin = site._registry[Organization]
    request = RequestFactory().post("/")
    request.user = StaffUserFactory(is_superuser=True)
    organization = leaving.organization
    formset_class, _inline = next(
        organization_admin.get_formsets_with_inlines(request, organization)
    )
    memberships = list(OrganizationMembership.objects.filter(organization=organization))
    data = {
        f"{formset_class.get_default_prefix()}-TOTAL_FORMS": str(len(memberships)),
        f"{formset_class.get_default_prefix()}-INITIAL_FORMS": str(len(memberships)),
    }
    prefix = formset_class.get_default_prefix()
    for index, membership in enumerate(memberships):
        data[f"{prefix}-{index}-id"] = str(membership.pk)
        data[f"{prefix}-{index}-organization"] = str(organization.pk)
        data[f"{prefix}-{index}-user"] = str(membership.user_id)
        data[f"{prefix}-{index}-permissions"] = []
        if membership == leaving:
            data[f"{prefix}-{index}-DELETE"] = "on"
    formset = formset_class(data, instance=organization, prefix=prefix)
    assert formset.is_valid(), formset.errors
    organization_admin.save_formset(request, None, formset, change=True)

    assert not OrganizationMembership.objects.filter(pk=leaving.pk).exists()
    assert not AuthToken.objects.filter(user=leaving.user).exists()
    assert AuthToken.objects.filter(user=staying.user).count() == 1
    refused = docs_client().get("/timp/organizations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401
