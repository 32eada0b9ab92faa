"""POST /organizations/user-login/ (and /timp/...), as the platform's docs call it."""

import uuid

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from organizations.choices import OrganizationStatus, OrganizationType
from organizations.models import Permission
from tests.conftest import basic_header
from tests.factories import OrganizationFactory, OrganizationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PATHS = [
    "/organizations/user-login/",
    "/organizations/user-login",
    "/timp/organizations/user-login/",
    "/timp/organizations/user-login",
]
# The docs' Node.js snippets, byte for byte (current release, then v1), with their headers:
# `-u ':'` in the curl is `Authorization: Basic Og==`, an empty username and password.
TIMP_BODY = b'{"username":"nick@dobaretailer.com","password":"thanos_rocks"}'
V1_BODY = b'{"username":"user@mycompany.com","password":"crux_is_awesome"}'
DOCS_HEADERS = {
    "HTTP_AUTHORIZATION": "Basic Og==",
    "content_type": "application/json; charset=utf-8",
}
PERMISSION_KEYS = {"uuid", "name", "display_name", "description", "visibility", "grouping"}


def member(username: str, password: str, org_type: str, **organization):
    user = UserFactory(username=username, password=password)
    membership = OrganizationMembershipFactory(
        user=user, organization=OrganizationFactory(org_type=org_type, **organization)
    )
    return membership


def login(body: bytes, path: str = PATHS[0], client: APIClient | None = None, **headers):
    return (client or APIClient()).post(path, body, **{**DOCS_HEADERS, **headers})


@pytest.mark.parametrize("path", PATHS)
def test_the_docs_retailer_login_answers_the_documented_fields(path):
    membership = member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)
    view_users = Permission.objects.get(name="view_org_users")
    membership.permissions.add(view_users)

    response = login(TIMP_BODY, path)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "auth_token",
        "org_uuid",
        "user_uuid",
        "retailer_uuid",
        "supplier_uuid",
        "org_type",
        "permission_assignments",
    }
    organization = membership.organization
    assert isinstance(body["auth_token"], str) and body["auth_token"]
    assert body["org_uuid"] == str(organization.uuid)
    assert body["retailer_uuid"] == str(organization.uuid)
    assert body["supplier_uuid"] == ""  # as the docs show for a retailer
    assert body["org_type"] == "RETAILER"
    assert body["user_uuid"] == str(membership.uuid)
    uuid.UUID(body["user_uuid"])
    assignments = body["permission_assignments"]
    assert set(assignments) == {"permissions", "org_user"}
    assert assignments["org_user"] == {"uuid": body["user_uuid"]}
    for item in assignments["permissions"]:
        assert set(item) == {"assigned", "permission"}
        assert isinstance(item["assigned"], bool)
        assert set(item["permission"]) == PERMISSION_KEYS
        assert all(isinstance(value, str) for value in item["permission"].values())
    by_name = {item["permission"]["name"]: item for item in assignments["permissions"]}
    assert list(by_name)[:2] == ["view_org_users", "edit_org_users"]  # the docs' order
    assert by_name["view_org_users"] == {
        "assigned": True,
        "permission": {
            "uuid": "68b1647d-b6a7-48b1-9ec2-bf2f1003b6cc",  # the docs' uuid
            "name": "view_org_users",
            "display_name": "View Users",
            "description": "Ability to see the users in an organization",
            "visibility": "BOTH",
            "grouping": "ORGUSERS",
        },
    }
    assert by_name["edit_org_users"]["assigned"] is False
    # A retailer is shown what applies to retailers: both kinds' and its own, no supplier's.
    assert "create_order" in by_name
    assert "allocate_order" not in by_name
    assert {item["permission"]["visibility"] for item in by_name.values()} == {"BOTH", "RETAILER"}


def test_the_v1_docs_supplier_login():
    membership = member("user@mycompany.com", "crux_is_awesome", OrganizationType.SUPPLIER)

    body = login(V1_BODY).json()

    assert body["org_type"] == "SUPPLIER"
    assert body["supplier_uuid"] == str(membership.organization.uuid)
    assert body["retailer_uuid"] == ""
    names = {item["permission"]["name"] for item in body["permission_assignments"]["permissions"]}
    assert {"allocate_order", "view_org_users"} <= names
    assert "create_order" not in names


def test_the_token_is_an_ordinary_expiring_revocable_token():
    membership = member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)
    key = login(TIMP_BODY).json()["auth_token"]

    token = AuthToken.objects.get(user=membership.user)
    assert token.expiry is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/organizations/connections/request/").status_code == 200
    assert client.get("/timp/organizations/connections/request/").status_code == 200

    assert client.post("/api/token/logout/").status_code == 204

    assert client.get("/organizations/connections/request/").status_code == 401
    assert not AuthToken.objects.filter(user=membership.user).exists()


def test_a_form_encoded_or_header_credentialed_login_is_not_needed_but_json_without_charset_works():
    member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)
    response = APIClient().post(PATHS[0], TIMP_BODY, content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b'{"username":"nick@dobaretailer.com","password":"wrong"}', 401, None),
        (b'{"username":"nobody@example.com","password":"thanos_rocks"}', 401, None),
        (b'{"username":"nick@dobaretailer.com"}', 400, "password"),
        (b'{"password":"thanos_rocks"}', 400, "username"),
        (b'{"username":["nick"],"password":"thanos_rocks"}', 400, "username"),
        (b"[]", 400, None),
        (b"{", 400, None),
    ],
    ids=["wrong password", "unknown user", "no password", "no username", "list", "array", "bad"],
)
def test_bad_logins_issue_no_token(body, status, field):
    membership = member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)

    response = login(body)

    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"
    if field:
        assert field in response.json()["errors"]
    assert not AuthToken.objects.filter(user=membership.user).exists()


def test_a_login_body_of_another_content_type_is_415():
    member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)
    response = APIClient().post(PATHS[0], TIMP_BODY, content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize("who", ["staff", "no organization", "inactive organization"])
def test_valid_credentials_without_an_active_organization_are_409(who):
    if who == "staff":
        user = UserFactory(username="nick@dobaretailer.com", password="thanos_rocks", is_staff=True)
    elif who == "no organization":
        user = UserFactory(username="nick@dobaretailer.com", password="thanos_rocks")
    else:
        user = member(
            "nick@dobaretailer.com",
            "thanos_rocks",
            OrganizationType.RETAILER,
            status=OrganizationStatus.INACTIVE,
        ).user

    response = login(TIMP_BODY)

    assert response.status_code == 409
    assert not AuthToken.objects.filter(user=user).exists()


class TestLockout:
    """The login counts failures with /api/token/ and HTTP Basic, per username and address."""

    @staticmethod
    def wrong(attempt: int) -> bytes:
        return b'{"username":"nick@dobaretailer.com","password":"wrong-%d"}' % attempt

    def test_ten_failures_lock_the_pair_with_retry_after(self):
        member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)
        client = APIClient(REMOTE_ADDR="10.1.0.1")
        statuses = [login(self.wrong(n), client=client).status_code for n in range(10)]
        assert statuses == [401] * 10

        locked = login(TIMP_BODY, client=client)

        assert locked.status_code == 429
        assert 0 < int(locked["Retry-After"]) <= 15 * 60
        assert login(TIMP_BODY, client=APIClient(REMOTE_ADDR="10.1.0.2")).status_code == 200

    def test_failures_add_up_with_the_token_endpoint_and_basic(self):
        member("nick@dobaretailer.com", "thanos_rocks", OrganizationType.RETAILER)
        client = APIClient(REMOTE_ADDR="10.1.0.3")
        for attempt in range(4):
            login(self.wrong(attempt), "/timp/organizations/user-login/", client=client)
        for attempt in range(3):
            client.post(
                "/api/token/",
                {"username": "nick@dobaretailer.com", "password": f"token-wrong-{attempt}"},
                format="json",
            )
        for attempt in range(3):
            basic = APIClient(REMOTE_ADDR="10.1.0.3")
            basic.credentials(
                HTTP_AUTHORIZATION=basic_header("nick@dobaretailer.com", f"basic-wrong-{attempt}")
            )
            assert basic.get("/organizations/connections/request/").status_code == 401

        assert login(TIMP_BODY, client=client).status_code == 429
        token = client.post(
            "/api/token/",
            {"username": "nick@dobaretailer.com", "password": "thanos_rocks"},
            format="json",
        )
        assert token.status_code == 429
