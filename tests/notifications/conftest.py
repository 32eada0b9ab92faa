import pytest
from rest_framework.test import APIClient

from tests.notifications.flows import client_factory
from tests.ops.conftest import _once_per_ci_run  # noqa: F401 (the worker test's)


@pytest.fixture
def client_for():
    return client_factory(APIClient)
