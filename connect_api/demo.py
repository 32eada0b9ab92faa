"""Demo data shared by both APIs: the operator's superuser. Apps add theirs in <app>/demo.py."""

import copy
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password

DEMO_PASSWORD_ITERATIONS = 1_000


def set_demo_password(user, password: str) -> None:
    """The demo users' passwords are printed by `seed_demo` and written in the README: a costly
    hash protects nothing, and ten of them at the configured PBKDF2 count (a million rounds)
    were most of `seed_demo`'s time. With a PBKDF2 hasher first in PASSWORD_HASHERS (Django's
    default) they are hashed at a thousand rounds, and Django re-hashes each at the configured
    count on its first login (the hasher's must_update); any other hasher is used as it is."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        hasher = copy.copy(hasher)  # get_hasher's instances are shared
        hasher.iterations = DEMO_PASSWORD_ITERATIONS
    user.password = make_password(password, hasher=hasher)


class DemoCredential(NamedTuple):
    """A demo user `seed_demo` prints; `print_token` also issues and prints a token."""

    username: str
    password: str
    role: str
    print_token: bool = False


ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-demo-pass"


def seed() -> list[DemoCredential]:
    user_model = get_user_model()
    admin, created = user_model.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"},
    )
    if created:
        set_demo_password(admin, ADMIN_PASSWORD)
        admin.save()
    return [DemoCredential(ADMIN_USERNAME, ADMIN_PASSWORD, "superuser: Django admin at /admin/")]
