"""Role x endpoint x verb -> status. Another organization's row is 404, never 403."""

import pytest

from connections.choices import ConnectionStatus
from organizations.choices import OrganizationStatus, OrganizationType
from tests.conftest import token_header
from tests.factories import (
    AccountManagerFactory,
    ConnectionFactory,
    ConnectionRequestFactory,
    IntegrationFactory,
    OrganizationFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.supplier_fixtures import member_of

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "requester", "counterpart", "other_org", "inactive_org", "no_org", "staff"]

CREATE_BODY = {
    "organization_name": "Counterpart Co",
    "primary_contact_name": "Pat",
    "integrations": [{"type": "item", "update_frequency": "@daily"}],
}

# (endpoint, method, body, expected status per role in ROLES order)
MATRIX = [
    ("requests", "get", None, [401, 200, 200, 200, 200, 200, 200]),
    ("requests", "post", CREATE_BODY, [401, 201, 201, 201, 409, 409, 409]),
    ("request", "get", None, [401, 200, 404, 404, 404, 404, 200]),
    ("request", "patch", {"org_name": "New"}, [401, 204, 404, 404, 404, 404, 409]),
    ("request", "delete", None, [401, 204, 404, 404, 404, 404, 409]),
    ("request", "put", CREATE_BODY, [401, 405, 405, 405, 405, 405, 405]),
    ("approve", "post", {}, [401, 403, 404, 404, 404, 404, 200]),
    ("reject", "post", {"reason": "no"}, [401, 403, 404, 404, 404, 404, 200]),
    ("approve", "get", None, [401, 405, 405, 405, 405, 405, 405]),
    ("connections", "get", None, [401, 200, 200, 200, 200, 200, 200]),
    ("confirm", "post", None, [401, 403, 200, 404, 404, 404, 200]),
    ("deactivate", "post", None, [401, 200, 200, 404, 404, 404, 200]),
]


@pytest.fixture
def world():
    requester = OrganizationFactory(org_type=OrganizationType.RETAILER)
    counterpart = OrganizationFactory(org_type=OrganizationType.SUPPLIER)
    users = {
        "requester": member_of(requester),
        "counterpart": member_of(counterpart),
        "other_org": member_of(OrganizationFactory(org_type=OrganizationType.RETAILER)),
        "inactive_org": member_of(
            OrganizationFactory(
                org_type=OrganizationType.RETAILER, status=OrganizationStatus.INACTIVE
            )
        ),
        "no_org": UserFactory(),
        "staff": AccountManagerFactory(user=StaffUserFactory()).user,
    }
    pending = ConnectionRequestFactory(requester=requester)
    IntegrationFactory(request=pending)
    approved = ConnectionRequestFactory(requester=requester, counterpart=counterpart)
    connection = ConnectionFactory(
        retailer=requester,
        supplier=counterpart,
        request=approved,
        status=ConnectionStatus.CONFIRMATION_WAITING,
    )
    base = "/organizations/connections"
    urls = {
        "requests": f"{base}/request/",
        "request": f"{base}/request/{pending.uuid}/",
        "approve": f"{base}/request/{pending.uuid}/approve/",
        "reject": f"{base}/request/{pending.uuid}/reject/",
        "connections": f"{base}/",
        "confirm": f"{base}/{connection.uuid}/confirm/",
        "deactivate": f"{base}/{connection.uuid}/deactivate/",
    }
    return users, urls


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(
    ("endpoint", "method", "body", "expected"),
    MATRIX,
    ids=[f"{method.upper()} {endpoint}" for endpoint, method, _, _ in MATRIX],
)
def test_permission_matrix(api_client, world, role_index, endpoint, method, body, expected):
    users, urls = world
    role = ROLES[role_index]
    if role != "anonymous":
        api_client.credentials(HTTP_AUTHORIZATION=token_header(users[role]))
    response = getattr(api_client, method)(urls[endpoint], body, format="json")
    assert response.status_code == expected[role_index], response.content


def test_inactive_organization_cannot_change_its_own_request(token_client):
    organization = OrganizationFactory(status=OrganizationStatus.INACTIVE)
    user = member_of(organization)
    pending = ConnectionRequestFactory(requester=organization)
    client = token_client(user)
    url = f"/organizations/connections/request/{pending.uuid}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"org_name": "x"}, format="json").status_code == 409
    assert client.delete(url).status_code == 409
