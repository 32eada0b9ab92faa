import pytest
from django.contrib.auth.hashers import MD5PasswordHasher


@pytest.fixture
def hashes(monkeypatch):
    """Every password hash computed (the tests' hasher is MD5; a check is one hash)."""
    computed = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        computed.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return computed
