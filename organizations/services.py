"""Every write of the tenant app: keyword-only, one transaction each, domain errors only."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from connect_api.errors import PermissionDenied
from organizations.choices import OrganizationStatus, OrganizationType
from organizations.models import AccountManager, Organization, Person


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


def _split_name(full_name: str) -> tuple[str, str]:
    first, _, last = full_name.strip().partition(" ")
    return first[:100], last.strip()[:100]


@transaction.atomic
def organization_create(
    *,
    name: str,
    org_type: OrganizationType,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    account_manager: AccountManager | None = None,
) -> Organization:
    """An ACTIVE organization, its contact person made from a full name ("Roger Rabbit")."""
    first_name, last_name = _split_name(contact_name)
    contact = Person.objects.create(
        first_name=first_name, last_name=last_name, email=contact_email, phone=contact_phone
    )
    return Organization.objects.create(
        name=name,
        org_type=org_type,
        status=OrganizationStatus.ACTIVE,
        active_date=timezone.now(),
        contact=contact,
        account_manager=account_manager,
    )
