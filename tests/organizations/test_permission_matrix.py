"""Every authenticated route of the organization API x both prefixes x both slash forms x
role -> status. The roles act on a supplier and one of its members (the subject):

- without: a member of the supplier holding no permission
- with: a member of the supplier holding the route's permission
- other: a member of another organization holding every permission (the subject is theirs
  to see nowhere: a 404 where the route names it)
- staff: a platform staff user (account manager)
"""

import pytest

from organizations.models import Permission
from tests.factories import OrganizationFactory, StaffUserFactory
from tests.organizations.orgapi import docs_client, member, send

pytestmark = pytest.mark.django_db

CATALOG_BOTH = "view_items"
ALL = "__all__"

# name, method, path (with {user} / {org}), body, permission, {role: status}
ROUTES = [
    ("details", "GET", "organizations/", None, None,
     {"without": 200, "with": 200, "other": 200, "staff": 409}),
    ("users", "GET", "organizations/users/all/", b"{}", "view_org_users",
     {"without": 403, "with": 200, "other": 200, "staff": 200}),
    ("user", "GET", "organizations/users/detail/{user}/", b"{}", "view_org_users",
     {"without": 403, "with": 200, "other": 404, "staff": 200}),
    ("permissions", "GET", "organizations/users/permissions/{user}/", b"{}", "view_org_users",
     {"without": 403, "with": 200, "other": 404, "staff": 200}),
    ("add", "PATCH", "organizations/users/permissions/{user}/", "grant", "edit_org_users",
     {"without": 403, "with": 200, "other": 404, "staff": 200}),
    ("remove", "DELETE", "organizations/users/permissions/{user}/", "grant", "edit_org_users",
     {"without": 403, "with": 200, "other": 404, "staff": 200}),
    ("invite", "POST", "organizations/users/invite/", b'{"email":"invitee@example.com"}',
     "edit_org_users", {"without": 403, "with": 201, "other": 201, "staff": 409}),
    ("catalog", "GET", "organizations/all_permissions/", b"{}", "view_org_users",
     {"without": 403, "with": 200, "other": 200, "staff": 200}),
    ("feed", "GET", "notifications/", b"{}", None,
     {"without": 200, "with": 200, "other": 200, "staff": 200}),
    ("settings", "GET", "notifications/notification-settings/", b"{}",
     "view_notifications_settings", {"without": 403, "with": 200, "other": 200, "staff": 200}),
    ("settings-put", "PUT", "notifications/notification-settings/", "setting",
     "edit_email_notifications_preferences",
     {"without": 403, "with": 200, "other": 200, "staff": 200}),
    ("participation", "GET", "discovery/participation/{org}/", b"{}", ALL,
     {"without": 403, "with": 403, "other": 403, "staff": 200}),
    ("participation-set", "POST", "discovery/participation/{org}/",
     b'{"is_participating":false}', ALL,
     {"without": 403, "with": 403, "other": 403, "staff": 204}),
]  # fmt: skip
CASES = [
    pytest.param(route, prefix, slash, role, id=f"{route[0]}-{prefix.strip('/') or 'bare'}"
                 f"-{'slash' if slash else 'noslash'}-{role}")
    for route in ROUTES
    for prefix in ["/timp/", "/"]
    for slash in [True, False]
    for role in ["without", "with", "other", "staff"]
]  # fmt: skip


def _body(kind):
    if kind == "grant":
        return (
            f'{{"permission_uuids":["{Permission.objects.get(name=CATALOG_BOTH).uuid}"]}}'.encode()
        )
    if kind == "setting":
        reader = docs_client(StaffUserFactory())  # reads a setting's uuid for the PUT body
        setting = reader.get("/notifications/notification-settings/").json()[0]["uuid"]
        return (
            f'{{"notification_via":"email","enabled":"True","notification_frequency":"Daily",'
            f'"uuid":"{setting}"}}'
        ).encode()
    return kind


@pytest.mark.parametrize(("route", "prefix", "slash", "role"), CASES)
def test_matrix(route, prefix, slash, role):
    name, method, path, body, permission, expected = route
    supplier = OrganizationFactory(org_type="SUPPLIER")
    subject = member(supplier, CATALOG_BOTH)
    every = list(Permission.objects.values_list("name", flat=True))
    if role == "without":
        user = member(supplier).user
    elif role == "with":
        names = every if permission in (None, ALL) else [permission]
        user = member(supplier, *names).user
    elif role == "other":
        user = member(OrganizationFactory(org_type="SUPPLIER"), *every).user
    else:
        user = StaffUserFactory()
    client = docs_client(user)
    url = prefix + path.format(user=subject.uuid, org=supplier.uuid)
    if not slash:
        url = url.rstrip("/")
    response = send(client, method, url, _body(body))
    assert response.status_code == expected[role], response.content
    if role == "other" and name == "users":
        assert str(subject.uuid) not in response.content.decode()
    if role == "without" and response.status_code == 403 and permission not in (None, ALL):
        assert permission in response.json()["detail"]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_no_credentials_is_401_with_token_challenge(method):
    subject = member(None)
    response = send(
        docs_client(), method, f"/timp/organizations/users/permissions/{subject.uuid}/", b"{}"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
