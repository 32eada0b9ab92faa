"""POST /discovery/suppliers/ (and /timp/...), as the platform's docs call it."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.choices import OrganizationStatus, OrganizationType
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PATHS = [
    "/discovery/suppliers/",
    "/discovery/suppliers",
    "/timp/discovery/suppliers/",
    "/timp/discovery/suppliers",
]
# The docs' curl body, byte for byte (both releases), with its headers (a stale session
# cookie beside the token).
DOCS_BODY = b"""{
  "recent": 90,
  "pagination": {
    "start": 0,
    "limit": 25
  },
  "initial_character": "T",
  "sort": {
    "key": "number_of_skus",
    "dir": "desc"
  }
}"""
# The docs' Node.js snippet (both releases): the same request, compact.
NODE_BODY = (
    b'{"initial_character":"T","recent":90,"pagination":{"start":0,"limit":25},'
    b'"sort":{"key":"number_of_skus","dir":"desc"}}'
)
DOCS_HEADERS = {
    "content_type": "application/json; charset=utf-8",
    "HTTP_COOKIE": "sessionid=fi1us4q9rlphkjbscpo0dtz9iltj7ovp",
}
ITEM_KEYS = {
    "uuid",
    "name",
    "website",
    "description",
    "fulfillment_percentage",
    "number_of_skus",
    "contact",
}
CONTACT_KEYS = {"uuid", "first_name", "last_name", "email", "phone", "job_title"}


def supplier(name: str, *, days: int | None = 10, skus: int = 0, **fields):
    since = None if days is None else timezone.now() - timedelta(days=days)
    return OrganizationFactory(
        name=name,
        org_type=OrganizationType.SUPPLIER,
        discoverable_since=since,
        number_of_skus=skus,
        **fields,
    )


@pytest.fixture
def catalog():
    return {
        "Thomas-Perkins": supplier(
            "Thomas-Perkins",
            skus=5,
            website="https://romero.com",
            contact=PersonFactory(
                first_name="owner", last_name="user", job_title="Account Manager"
            ),
        ),
        "Tandem": supplier(
            "tandem textiles",
            skus=1250,
            fulfillment_percentage=Decimal("97.5"),
            description="Linens",
        ),
        "Timber, old": supplier("Timberline Tools", skus=300, days=400),
        "Tardy, never listed": supplier("Tardy Toys", skus=9000, days=None),
        "Tired, inactive": supplier("Tired Tires", skus=20, status=OrganizationStatus.INACTIVE),
        "Bright": supplier("Bright Bulbs", skus=42),
        "3 Rivers": supplier("3 Rivers Outfitters", skus=870),
        "Target, a retailer": OrganizationFactory(
            name="Target", org_type=OrganizationType.RETAILER
        ),
    }


def discover(client, body, path=PATHS[0], **headers):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return client.post(path, body, **{**DOCS_HEADERS, **headers})


@pytest.mark.parametrize("literal", [DOCS_BODY, NODE_BODY], ids=["curl", "node"])
@pytest.mark.parametrize("path", PATHS)
def test_the_docs_request_answers_the_documented_shape(catalog, retailer_client, path, literal):
    response = discover(retailer_client, literal, path)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"suppliers", "pagination"}
    # Active suppliers named T..., listed within 90 days, most SKUs first.
    assert [item["name"] for item in body["suppliers"]] == ["tandem textiles", "Thomas-Perkins"]
    assert body["pagination"] == {"total_count": 2, "start": 0, "limit": 25}
    tandem, thomas = body["suppliers"]
    for item in body["suppliers"]:
        assert set(item) == ITEM_KEYS
        assert isinstance(item["fulfillment_percentage"], float)
        assert isinstance(item["number_of_skus"], int)
    assert thomas == {
        "uuid": str(catalog["Thomas-Perkins"].uuid),
        "name": "Thomas-Perkins",
        "website": "https://romero.com",
        "description": None,  # as the docs show one nobody wrote
        "fulfillment_percentage": 0.0,
        "number_of_skus": 5,
        "contact": {
            "uuid": str(catalog["Thomas-Perkins"].contact.uuid),
            "first_name": "owner",
            "last_name": "user",
            "email": catalog["Thomas-Perkins"].contact.email,
            "phone": "801-555-0100",
            "job_title": "Account Manager",
        },
    }
    assert tandem["fulfillment_percentage"] == 97.5
    assert tandem["description"] == "Linens"
    assert tandem["contact"] is None
    assert tandem["website"] == "https://example.com"


def test_an_empty_body_lists_every_active_supplier_by_name(catalog, retailer_client):
    body = discover(retailer_client, b"{}").json()
    assert [item["name"] for item in body["suppliers"]] == [
        "3 Rivers Outfitters",
        "Bright Bulbs",
        "tandem textiles",
        "Tardy Toys",
        "Thomas-Perkins",
        "Timberline Tools",
    ]
    assert body["pagination"] == {"total_count": 6, "start": 0, "limit": 50}


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"initial_character": "#"}, ["3 Rivers Outfitters"]),
        (
            {"initial_character": "t"},
            ["tandem textiles", "Tardy Toys", "Thomas-Perkins", "Timberline Tools"],
        ),
        ({"initial_character": "Bxyz"}, ["Bright Bulbs"]),  # only the first character counts
        ({"initial_character": "3"}, ["3 Rivers Outfitters"]),
        ({"initial_character": ""}, None),
        ({"initial_character": None}, None),
        ({"recent": 30, "initial_character": "T"}, ["tandem textiles", "Thomas-Perkins"]),
        ({"recent": 0}, []),
        ({"sort": {"key": "name", "dir": "desc"}, "initial_character": "B"}, ["Bright Bulbs"]),
        (
            {"sort": {"key": "fulfillment_percentage", "dir": "DESC"}, "initial_character": "t"},
            ["tandem textiles", "Tardy Toys", "Thomas-Perkins", "Timberline Tools"],
        ),
        (
            {"sort": {"key": "date", "dir": "asc"}, "initial_character": "t"},
            ["Timberline Tools", "Thomas-Perkins", "tandem textiles", "Tardy Toys"],
        ),
        (
            {"sort": {"key": "number_of_skus"}, "initial_character": "T"},
            [
                "Thomas-Perkins",
                "Timberline Tools",
                "tandem textiles",
                "Tardy Toys",
            ],
        ),
    ],
)
def test_filters_and_sorts(catalog, retailer_client, body, names):
    response = discover(retailer_client, body)
    assert response.status_code == 200
    listed = [item["name"] for item in response.json()["suppliers"]]
    assert listed == (names if names is not None else sorted(listed, key=str.lower))
    if names is None:
        assert len(listed) == 6


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sort": {"key": "sku_id"}}, "sort.key"),
        ({"sort": {"key": "popularity", "dir": "asc"}}, "sort.key"),
        ({"sort": {"dir": "sideways"}}, "sort.dir"),
        ({"sort": "name"}, "sort"),
        ({"recent": -1}, "recent"),
        ({"recent": "soon"}, "recent"),
        ({"recent": 3327299037417.0}, "recent"),  # the fuzz run's 500: past timedelta's range
        ({"recent": 36501}, "recent"),
        ({"initial_character": "*"}, "initial_character"),
        ({"initial_character": "é"}, "initial_character"),
        ({"initial_character": ["T"]}, "initial_character"),
        ({"pagination": [0, 25]}, "pagination"),
        ({"pagination": {"start": -1}}, "pagination.start"),
        ({"pagination": {"limit": "many"}}, "pagination.limit"),
    ],
)
def test_bad_values_are_400_naming_the_field(catalog, retailer_client, body, field):
    response = discover(retailer_client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_paging_from_the_body_until_an_empty_page(catalog, retailer_client):
    seen, start = [], 0
    while True:
        body = discover(retailer_client, {"pagination": {"start": start, "limit": 4}}).json()
        if not body["suppliers"]:
            break
        seen += [item["name"] for item in body["suppliers"]]
        start += 4
    assert len(seen) == len(set(seen)) == 6
    assert body["pagination"] == {"total_count": 6, "start": 6, "limit": 4}


def test_limit_is_capped_at_100(catalog, retailer_client):
    assert (
        discover(retailer_client, {"pagination": {"limit": 500}}).json()["pagination"]["limit"]
        == 100
    )


@pytest.mark.parametrize("who", ["supplier", "staff", "inactive"])
def test_only_members_of_an_active_retailer_discover_suppliers(
    catalog, token_client, supplier_user, staff_user, inactive_user, who
):
    user = {"supplier": supplier_user, "staff": staff_user, "inactive": inactive_user}[who]
    response = discover(token_client(user), DOCS_BODY)
    assert response.status_code == 409


def test_anonymous_is_401(api_client):
    response = discover(api_client, DOCS_BODY)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_get_is_405(retailer_client):
    assert retailer_client.get(PATHS[0]).status_code == 405


def test_query_count_is_constant(retailer_client):
    """The same queries for 1 supplier as for 60: of the organization table, the caller's
    organization, the count and the page (contacts joined); the rest is authentication and
    throttling, the same for every endpoint."""

    def queries_for_a_page():
        with CaptureQueriesContext(connection) as captured:
            response = discover(retailer_client, {"pagination": {"limit": 100}})
        assert response.status_code == 200
        # The throttle's lease (once per block of hits or clock window) and the token's
        # renewal (once a minute) fall on whichever request comes at the time: not counted.
        return len(response.json()["suppliers"]), [
            query["sql"]
            for query in captured.captured_queries
            if "throttlecounter" not in query["sql"]
            and not query["sql"].startswith('UPDATE "knox_authtoken"')
        ]

    supplier("Supplier 0", contact=PersonFactory())
    discover(retailer_client, b"{}")  # the token's first use extends it: not this test's cost
    listed, few = queries_for_a_page()
    assert listed == 1
    for index in range(1, 60):
        supplier(f"Supplier {index}", contact=PersonFactory())
    listed, many = queries_for_a_page()
    assert listed == 60
    assert len(many) == len(few) <= 12
    organization_queries = [sql for sql in many if '"connections_organization"' in sql]
    assert len(organization_queries) == 3
