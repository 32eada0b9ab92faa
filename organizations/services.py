"""Every write of the tenant app: keyword-only, one transaction each, domain errors only."""

from django.db import IntegrityError, transaction

from connect_api.errors import PermissionDenied
from organizations.models import AccountManager, Person


@transaction.atomic
def account_manager_get_or_create(*, user) -> AccountManager:
    """The staff user's AccountManager, made from the user's own name and email if missing."""
    if not user.is_staff:
        raise PermissionDenied("Only staff users decide connection requests.", code="not_staff")
    manager = _account_manager_of(user)
    if manager is not None:
        return manager
    try:
        with transaction.atomic():
            person = Person.objects.create(
                first_name=user.first_name[:100] or user.get_username()[:100],
                last_name=user.last_name[:100],
                email=user.email,
            )
            return AccountManager.objects.create(user=user, person=person)
    except IntegrityError:
        # A concurrent decision by the same user created it first.
        return _account_manager_of(user)


def _account_manager_of(user) -> AccountManager | None:
    return AccountManager.objects.select_related("person").filter(user=user).first()
