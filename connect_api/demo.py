"""Demo data shared by both APIs: the operator's superuser. Apps add theirs in <app>/demo.py."""

from typing import NamedTuple

from django.contrib.auth import get_user_model


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
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
    return [DemoCredential(ADMIN_USERNAME, ADMIN_PASSWORD, "superuser: Django admin at /admin/")]
