import pytest
from rest_framework.test import APIClient

from tests.notifications.flows import client_factory


@pytest.fixture
def client_for():
    return client_factory(APIClient)
