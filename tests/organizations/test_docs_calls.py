"""Every call of the docs' organization pages, as their Node.js snippets send it (the bytes
of `request.write`, the headers of `httpOptions`), at both prefixes and both slash forms;
answers checked against the docs' response examples (field names, nulls, types).

The docs' placeholders are replaced by real values: the token `1234567890` by a real key, and
the permission and setting uuids of the request bodies (`5188d840-...`, `e04aec97-...`,
`d1b86ae6-...` are in no catalog) by real ones at the same places of the same bytes. The user
uuid `c3fb688d-...` is used as is: the member is created with it."""

import uuid

import pytest
from django.utils import timezone

from connect_api.events import EventName
from connect_api.models import Event
from organizations.models import Organization, OrganizationMembership, Permission
from tests.factories import (
    AccountManagerFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.organizations.orgapi import docs_client, send

pytestmark = pytest.mark.django_db

DOCS_USER = "c3fb688d-4aca-42d4-9db1-cc268c465892"
NODE = {"HTTP_USER_AGENT": "node v20.11.1"}
PERSON_KEYS = {"uuid", "first_name", "last_name", "email", "phone", "job_title"}
PERMISSION_KEYS = {"uuid", "name", "display_name", "description", "visibility", "grouping"}
USER_KEYS = {"uuid", "person", "permission_assignments", "status", "token"}


def forms(path: str) -> list[str]:
    """The docs' `/timp/...` path, unprefixed, each with and without the trailing slash."""
    bare = path.removeprefix("/timp")
    return [path, path.rstrip("/"), bare, bare.rstrip("/")]


@pytest.fixture
def nick():
    """The docs' user: Nick Coleman of Doba Retailer, member c3fb688d-..., allowed everything."""
    manager = AccountManagerFactory(
        person=PersonFactory(first_name="Joe", last_name="Account", job_title="")
    )
    organization = OrganizationFactory(
        name="Doba Retailer", website="dobaretailer.com", account_manager=manager
    )
    user = UserFactory(username="nick@dobaretailer.com", email="nick@dobaretailer.com")
    membership = OrganizationMembershipFactory(
        user=user,
        organization=organization,
        uuid=uuid.UUID(DOCS_USER),
        person=PersonFactory(
            first_name="Nick", last_name="Coleman", email=user.email, phone="", job_title=""
        ),
    )
    membership.permissions.add(*Permission.objects.filter(visibility__in=["BOTH", "RETAILER"]))
    return membership


def assert_permission_assignments(body, membership):
    assert set(body) == {"permissions", "org_user"}
    assert body["org_user"] == {"uuid": str(membership.uuid)}
    for item in body["permissions"]:
        assert set(item) == {"assigned", "permission"}
        assert isinstance(item["assigned"], bool)
        assert set(item["permission"]) == PERMISSION_KEYS


def assert_user(body, membership):
    assert set(body) == USER_KEYS
    assert body["uuid"] == str(membership.uuid)
    assert set(body["person"]) == PERSON_KEYS
    assert body["status"] == "ACTIVE"
    assert body["token"] is None
    assert_permission_assignments(body["permission_assignments"], membership)


@pytest.mark.parametrize("path", forms("/timp/organizations/"))
def test_get_organization_details(path, nick):
    response = send(docs_client(nick.user), "GET", path, **NODE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "uuid", "name", "website", "org_type", "status", "created_date", "active_date",
        "account_manager", "retailer_uuid", "supplier_uuid",
    }  # fmt: skip
    assert body["name"] == "Doba Retailer"
    assert body["website"] == "dobaretailer.com"
    assert body["org_type"] == "RETAILER" and body["status"] == "ACTIVE"
    assert body["created_date"].endswith("Z")
    assert body["active_date"] is None
    assert body["retailer_uuid"] == body["uuid"] and body["supplier_uuid"] == ""
    manager = body["account_manager"]
    assert set(manager) == {"uuid", "person"}
    assert set(manager["person"]) == PERSON_KEYS
    assert manager["person"]["first_name"] == "Joe"
    assert manager["person"]["job_title"] is None


@pytest.mark.parametrize("path", forms("/timp/organizations/users/all/"))
def test_get_all_users(path, nick):
    OrganizationMembershipFactory()  # another organization's member: not listed
    response = send(docs_client(nick.user), "GET", path, b"{}", **NODE)
    assert response.status_code == 200, response.content
    (user,) = response.json()
    assert_user(user, nick)
    assert user["person"] == {
        "uuid": str(nick.person.uuid),
        "first_name": "Nick",
        "last_name": "Coleman",
        "email": "nick@dobaretailer.com",
        "phone": None,
        "job_title": None,
    }


@pytest.mark.parametrize("path", forms(f"/timp/organizations/users/detail/{DOCS_USER}/"))
def test_get_user(path, nick):
    response = send(docs_client(nick.user), "GET", path, b"{}", **NODE)
    assert response.status_code == 200, response.content
    assert_user(response.json(), nick)


@pytest.mark.parametrize("path", forms(f"/timp/organizations/users/permissions/{DOCS_USER}/"))
def test_get_user_permissions(path, nick):
    response = send(docs_client(nick.user), "GET", path, b"{}", **NODE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert_permission_assignments(body, nick)
    first = body["permissions"][0]
    assert first["permission"] == {
        "uuid": "68b1647d-b6a7-48b1-9ec2-bf2f1003b6cc",
        "name": "view_org_users",
        "display_name": "View Users",
        "description": "Ability to see the users in an organization",
        "visibility": "BOTH",
        "grouping": "ORGUSERS",
    }
    assert first["assigned"] is True


def _real_permission_body(*names) -> bytes:
    """The docs' body bytes with real uuids where its placeholders stand."""
    docs = (
        b'{"permission_uuids":["5188d840-188d-4066-af79-e073a91eb5a3",'
        b'"e04aec97-79de-450e-b619-8f909e862495"]}'
    )
    placeholders = [
        b"5188d840-188d-4066-af79-e073a91eb5a3",
        b"e04aec97-79de-450e-b619-8f909e862495",
    ]
    for placeholder, name in zip(placeholders, names, strict=True):
        docs = docs.replace(placeholder, str(Permission.objects.get(name=name).uuid).encode())
    return docs


@pytest.mark.parametrize("path", forms(f"/timp/organizations/users/permissions/{DOCS_USER}/"))
def test_add_and_remove_user_permissions(path, nick):
    colleague = OrganizationMembershipFactory(organization=nick.organization)
    target = path.replace(DOCS_USER, str(colleague.uuid))
    body = _real_permission_body("view_items", "view_order")
    added = send(docs_client(nick.user), "PATCH", target, body, **NODE)
    assert added.status_code == 200, added.content
    assigned = {p["permission"]["name"] for p in added.json()["permissions"] if p["assigned"]}
    assert assigned == {"view_items", "view_order"}
    removed = send(docs_client(nick.user), "DELETE", target, body, **NODE)
    assert removed.status_code == 200, removed.content
    assert not any(p["assigned"] for p in removed.json()["permissions"])
    assert not colleague.permissions.exists()


def test_the_docs_placeholder_permission_uuids_are_a_400_naming_each(nick):
    body = (
        b'{"permission_uuids":["5188d840-188d-4066-af79-e073a91eb5a3",'
        b'"e04aec97-79de-450e-b619-8f909e862495"]}'
    )
    path = f"/timp/organizations/users/permissions/{DOCS_USER}/"
    response = send(docs_client(nick.user), "PATCH", path, body, **NODE)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"permission_uuids.0", "permission_uuids.1"}


@pytest.mark.parametrize("path", forms("/timp/organizations/all_permissions/"))
def test_get_all_permissions(path, nick):
    response = send(docs_client(nick.user), "GET", path, b"{}", **NODE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body[0] == {
        "uuid": "68b1647d-b6a7-48b1-9ec2-bf2f1003b6cc",
        "name": "view_org_users",
        "display_name": "View Users",
        "description": "Ability to see the users in an organization",
        "visibility": "BOTH",
        "grouping": "ORGUSERS",
    }
    assert {p["visibility"] for p in body} == {"BOTH", "RETAILER"}  # a retailer's catalog


@pytest.mark.parametrize("path", forms("/timp/notifications/"))
def test_get_dashboard_notifications(path, nick):
    OrganizationMembership.objects.filter(pk=nick.pk).update(
        created_date=timezone.now() - timezone.timedelta(days=1)
    )
    before_joining = Event.objects.create(
        name=EventName.REQUEST_REJECTED, data={}, refs={"requester": nick.organization_id}
    )
    Event.objects.filter(pk=before_joining.pk).update(
        created=timezone.now() - timezone.timedelta(days=2)
    )
    other = OrganizationFactory(org_type="SUPPLIER")
    old = Event.objects.create(
        name=EventName.CONNECTION_CONFIRMED,
        data={},
        refs={"organizations": [nick.organization_id, other.pk]},
    )
    new = Event.objects.create(
        name=EventName.REQUEST_REJECTED, data={}, refs={"requester": nick.organization_id}
    )
    Event.objects.create(name=EventName.REQUEST_REJECTED, data={}, refs={"requester": other.pk})
    Event.objects.filter(pk=old.pk).update(created=timezone.now() - timezone.timedelta(minutes=1))
    body = f'{{"user_uuid":"{DOCS_USER}"}}'.encode()
    response = send(docs_client(nick.user), "GET", path, body, **NODE)
    assert response.status_code == 200, response.content
    feed = response.json()
    assert [item["uuid"] for item in feed] == [str(new.uuid), str(old.uuid)]
    for item in feed:
        assert set(item) == {"uuid", "title", "created_at", "type"}
        assert item["type"] == "Dashboard"
        assert item["created_at"].endswith("Z")
    assert feed[0]["title"] == "Connection request rejected"
    assert response["X-Total-Count"] == "2"


@pytest.mark.parametrize("path", forms("/timp/notifications/notification-settings/"))
def test_get_and_update_notification_settings(path, nick):
    response = send(docs_client(nick.user), "GET", path, b"{}", **NODE)
    assert response.status_code == 200, response.content
    settings_list = response.json()
    for item in settings_list:
        assert set(item) == {
            "uuid", "notification_display_name", "notification_name", "notification_domain",
            "notification_type", "org_user",
        }  # fmt: skip
        assert item["org_user"] == {"uuid": DOCS_USER}
        (channel,) = item["notification_type"]
        assert channel == {
            "notification_via": "email",
            "notification_frequency": "Real-time",
            "enabled": True,
        }
    target = settings_list[0]
    body = (
        b'{"notification_via":"Dashboard","enabled":"True","notification_frequency":"Daily",'
        b'"uuid":"d1b86ae6-8b70-41a0-afaa-1bc7d0bdec31"}'
    ).replace(b"d1b86ae6-8b70-41a0-afaa-1bc7d0bdec31", target["uuid"].encode())
    updated = send(docs_client(nick.user), "PUT", path, body, **NODE)
    assert updated.status_code == 200, updated.content
    assert updated.json()["uuid"] == target["uuid"]
    assert updated.json()["notification_type"][0]["notification_frequency"] == "Daily"
    # the same store as organizations/notifications/preferences
    preferences = docs_client(nick.user).get("/organizations/notifications/preferences")
    by_kind = {p["kind"]: p["frequency"] for p in preferences.json()["preferences"]}
    assert by_kind[target["notification_name"]] == "DAILY"
    off = body.replace(b'"enabled":"True"', b'"enabled":"False"')
    disabled = send(docs_client(nick.user), "PUT", path, off, **NODE)
    assert disabled.json()["notification_type"][0]["enabled"] is False


def test_unknown_setting_uuid_is_a_400_naming_uuid(nick):
    body = (
        b'{"notification_via":"Dashboard","enabled":"True","notification_frequency":"Daily",'
        b'"uuid":"d1b86ae6-8b70-41a0-afaa-1bc7d0bdec31"}'
    )
    response = send(
        docs_client(nick.user), "PUT", "/timp/notifications/notification-settings/", body
    )
    assert response.status_code == 400
    assert "uuid" in response.json()["errors"]


SUPPLIER = "963e4549-712b-42d7-8bd9-34eb21d15ea9"


@pytest.fixture
def staff_supplier():
    staff = StaffUserFactory()
    supplier = OrganizationFactory(org_type="SUPPLIER", uuid=uuid.UUID(SUPPLIER))
    return staff, supplier


@pytest.mark.parametrize("path", forms(f"/timp/discovery/participation/{SUPPLIER}/"))
def test_get_and_update_discovery_participation(path, staff_supplier):
    staff, supplier = staff_supplier
    headers = {**NODE, "HTTP_COOKIE": "sessionid=fi1us4q9rlphkjbscpo0dtz9iltj7ovp"}
    before = send(docs_client(staff), "GET", path, b"{}", **headers)
    assert before.status_code == 200, before.content
    assert before.json() == {
        "supplier_uuid": SUPPLIER,
        "is_participating": False,
        "discovery_catalog_uuid": None,
        "date_joined": None,
        "requested_by": None,
        "approved_by": None,
    }
    # The docs' update snippet posts {"": ""} to /catalog/update (broken whatever the server
    # does): the repaired call, the page's documented body to the page's path.
    body = (
        b'{"is_participating":true,"discovery_catalog_uuid":"05a46c58-9d13-4912-9167-7effc2cc7482"}'
    )
    updated = send(docs_client(staff), "POST", path, body, **NODE)
    assert updated.status_code == 204, updated.content
    after = send(docs_client(staff), "GET", path, b"{}", **headers).json()
    assert after["is_participating"] is True
    assert after["discovery_catalog_uuid"] == "05a46c58-9d13-4912-9167-7effc2cc7482"
    assert after["date_joined"] == timezone.now().date().isoformat()
    assert set(after["approved_by"]) == {"uuid", "person"}
    assert set(after["approved_by"]["person"]) == PERSON_KEYS
    supplier.refresh_from_db()
    assert supplier.discoverable_since is not None
    out = send(docs_client(staff), "POST", path, b'{"is_participating":false}', **NODE)
    assert out.status_code == 204
    assert send(docs_client(staff), "GET", path, **NODE).json()["is_participating"] is False


def test_participation_of_a_retailer_is_a_409(staff_supplier):
    staff, _ = staff_supplier
    retailer = OrganizationFactory(org_type="RETAILER")
    response = send(
        docs_client(staff),
        "POST",
        f"/timp/discovery/participation/{retailer.uuid}/",
        b'{"is_participating":true,"discovery_catalog_uuid":"05a46c58-9d13-4912-9167-7effc2cc7482"}',
    )
    assert response.status_code == 409


def test_participation_needs_a_catalog_when_participating(staff_supplier):
    staff, _ = staff_supplier
    response = send(
        docs_client(staff),
        "POST",
        f"/timp/discovery/participation/{SUPPLIER}/",
        b'{"is_participating":true}',
    )
    assert response.status_code == 400
    assert "discovery_catalog_uuid" in response.json()["errors"]


def test_the_curl_get_snippets_send_post_and_get_405(nick):
    """curl's `-d` without `-X` makes a POST: the docs' curl snippets of the read calls are not
    GETs (their HTTPie, Python and Node.js twins are). A POST there is 405, never a write."""
    response = send(docs_client(nick.user), "POST", "/timp/organizations/users/all/", b"{}")
    assert response.status_code == 405
    assert Organization.objects.count() == 1 and OrganizationMembership.objects.count() == 1
