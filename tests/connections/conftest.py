import pytest

from tests.factories import (
    ConnectionRequestFactory,
    IntegrationFactory,
)

SEED_REQUEST_UUID = "d0041bf9-ee07-4298-8298-26eee419db2d"
SEED_INTEGRATION_UUID = "3a438d7e-1234-46e1-96d2-efd9dac561d9"


@pytest.fixture
def pending_request(retailer):
    """The seed's request (its uuids), pending, with one integration."""
    connection_request = ConnectionRequestFactory(
        uuid=SEED_REQUEST_UUID,
        requester=retailer,
        counterpart_name="Old Name",
        contact_name="Old Contact",
        contact_phone="801-000-0000",
        contact_email="old@example.com",
        account_number="OLD1",
        additional_information="old info",
    )
    IntegrationFactory(
        uuid=SEED_INTEGRATION_UUID,
        request=connection_request,
        integration_type="order",
        update_frequency="0 2 * * *",
        file_locations="sftp://old",
        file_specs="old specs",
        rules="old rules",
    )
    return connection_request


def request_url(connection_request=None, suffix="") -> str:
    if connection_request is None:
        return "/organizations/connections/request/"
    return f"/organizations/connections/request/{connection_request.uuid}/{suffix}"
