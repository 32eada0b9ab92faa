"""Every write of the tenant app: keyword-only, one transaction each, domain errors only."""

import hashlib
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.http import base36_to_int, int_to_base36
from knox.models import AuthToken
from rest_framework.exceptions import Throttled

from connect_api.errors import Conflict, DomainError, NotFound, PermissionDenied
from connect_api.throttling import counter_hit
from organizations.choices import OrganizationStatus, OrganizationType, PermissionVisibility
from organizations.models import (
    AccountManager,
    Invitation,
    Organization,
    OrganizationMembership,
    Permission,
    Person,
)


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


# --- members and their permissions ---------------------------------------------------------

EDIT_USERS = "edit_org_users"


def permissions_resolve(
    *, organization: Organization, permission_uuids: list, field: str = "permission_uuids"
) -> list[Permission]:
    """The catalog's permissions by uuid, each applicable to the organization's kind: an
    unknown uuid, or a retailer-only permission for a supplier (and the reverse), is a 400
    naming the list item."""
    wanted = [str(value) for value in permission_uuids]
    found = {str(p.uuid): p for p in Permission.objects.filter(uuid__in=wanted)}
    errors = {}
    for index, value in enumerate(wanted):
        permission = found.get(value)
        if permission is None:
            errors[f"{field}.{index}"] = [f"No permission has the uuid {value}."]
        elif permission.visibility not in (PermissionVisibility.BOTH, organization.org_type):
            only = permission.get_visibility_display().lower()
            kind = organization.get_org_type_display().lower()
            errors[f"{field}.{index}"] = [
                f"Permission {permission.name!r} is for {only} organizations only: it cannot "
                f"be assigned to a member of a {kind}."
            ]
    if errors:
        raise DomainError(
            "Some permissions cannot be assigned.", code="invalid_permission", errors=errors
        )
    return list({p.pk: p for p in found.values()}.values())


def _organization_lock(organization_pk: int) -> Organization:
    """Permission changes of one organization run one at a time (the last-holder rule reads
    what another change may be writing)."""
    return Organization.objects.select_for_update().get(pk=organization_pk)


@transaction.atomic
def membership_permissions_add(*, membership: OrganizationMembership, permission_uuids: list):
    organization = _organization_lock(membership.organization_id)
    membership.permissions.add(
        *permissions_resolve(organization=organization, permission_uuids=permission_uuids)
    )


@transaction.atomic
def membership_permissions_remove(*, membership: OrganizationMembership, permission_uuids: list):
    """Take permissions away; the organization's last active holder of edit_org_users keeps
    it (409: nobody could manage its users any more)."""
    organization = _organization_lock(membership.organization_id)
    permissions = permissions_resolve(organization=organization, permission_uuids=permission_uuids)
    if any(p.name == EDIT_USERS for p in permissions) and membership.user.is_active:
        others = (
            OrganizationMembership.objects.filter(
                organization=organization,
                user__is_active=True,
                permissions__name=EDIT_USERS,
            )
            .exclude(pk=membership.pk)
            .exists()
        )
        held = membership.permissions.filter(name=EDIT_USERS).exists()
        if held and not others:
            raise Conflict(
                f"{EDIT_USERS!r} cannot be removed from the organization's last member holding "
                "it: nobody could manage its users any more.",
                code="last_user_manager",
            )
    membership.permissions.remove(*permissions)


@transaction.atomic
def membership_deactivate(*, membership: OrganizationMembership) -> None:
    """The member can no longer log in; every token they hold stops working now."""
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    AuthToken.objects.filter(user=user).delete()


@transaction.atomic
def membership_remove(*, membership: OrganizationMembership) -> None:
    """The user leaves the organization; every token they hold stops working now (a token
    without a membership would still authenticate, only to be refused everywhere)."""
    AuthToken.objects.filter(user=membership.user).delete()
    membership.delete()


# --- invitations -----------------------------------------------------------------------------

INVITATION_LIFETIME = timedelta(hours=2)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    first_name: str = "",
    last_name: str = "",
    permission_uuids: list | None = None,
    invited_by=None,
) -> Invitation:
    """Invite `email` into the organization: an inactive user and their membership (holding
    the permissions given), and an invitation whose mail the worker sends. Inviting the same
    address again revokes the earlier invitations (their links stop working).

    An address that already has an account (active, or in another organization) is a 409."""
    organization = _organization_lock(organization.pk)
    permissions = permissions_resolve(
        organization=organization, permission_uuids=permission_uuids or []
    )
    User = get_user_model()
    user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
    if user is None:
        user = User(username=email, email=email, is_active=False)
        user.set_unusable_password()
        user.save()
        person = Person.objects.create(first_name=first_name, last_name=last_name, email=email)
        membership = OrganizationMembership.objects.create(
            user=user, organization=organization, person=person
        )
    else:
        membership = OrganizationMembership.objects.filter(user=user).first()
        if user.is_active or membership is None or membership.organization_id != organization.pk:
            raise Conflict(
                f"{email} already has an account: it cannot be invited.",
                code="already_registered",
                errors={"email": ["This address already has an account."]},
            )
        if membership.person_id and (first_name or last_name):
            Person.objects.filter(pk=membership.person_id).update(
                first_name=first_name, last_name=last_name
            )
    if permissions:
        membership.permissions.add(*permissions)
    Invitation.objects.filter(membership=membership, accepted__isnull=True).update(
        revoked=timezone.now(), token_digest=None
    )
    invitation = Invitation.objects.create(
        organization=organization, membership=membership, email=email, invited_by=invited_by
    )
    transaction.on_commit(lambda: _invitation_mail_enqueue(invitation.pk))
    return invitation


def _invitation_mail_enqueue(invitation_pk: int) -> None:
    from organizations.tasks import invitation_mail_send

    invitation_mail_send(invitation_pk)


@transaction.atomic
def invitation_issue(*, invitation_pk: int) -> str | None:
    """The worker's half: a fresh one-time token for a still-open invitation (its digest
    stored, valid INVITATION_LIFETIME from now); None when revoked or accepted meanwhile."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_pk, revoked__isnull=True, accepted__isnull=True)
        .first()
    )
    if invitation is None:
        return None
    token = secrets.token_urlsafe(15)  # 20 characters, as the docs' tokens
    now = timezone.now()
    invitation.token_digest = token_digest(token)
    invitation.issued = now
    invitation.expires = now + INVITATION_LIFETIME
    invitation.save(update_fields=["token_digest", "issued", "expires"])
    return token


def invitation_by_token(token: str) -> Invitation:
    """The open invitation of a token (expired or not); 404 for any other token."""
    invitation = (
        Invitation.objects.select_related("membership__user", "organization")
        .filter(token_digest=token_digest(token), revoked__isnull=True, accepted__isnull=True)
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is invalid or was already used.")
    return invitation


@transaction.atomic
def invitation_renew(*, invitation: Invitation) -> Invitation:
    """An expired invitation replaced by a new one, mailed again (the docs' 201)."""
    return invitation_create(
        organization=invitation.organization,
        email=invitation.email,
        invited_by=invitation.invited_by,
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> OrganizationMembership:
    """Set the invited user's password (Django's validators: a 400 naming `password`) and
    make them an active member. 404 for an unknown, used, revoked or expired token."""
    invitation = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted or invitation.revoked:
        raise NotFound("This invitation link is invalid or was already used.")
    if invitation.expires is None or invitation.expires <= timezone.now():
        raise NotFound(
            "This invitation has expired: open the link again to be sent a new one.",
            code="invitation_expired",
        )
    membership = invitation.membership
    user = membership.user
    _password_validate(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted = timezone.now()
    invitation.token_digest = None
    invitation.save(update_fields=["accepted", "token_digest"])
    return membership


def _password_validate(password: str, user) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as refused:
        raise DomainError(
            "The password is too weak.", code="weak_password", errors={"password": refused.messages}
        ) from None


# --- password reset ----------------------------------------------------------------------------

RESET_TOKEN_LIFETIME = timedelta(hours=2)


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (invalid once the password or last login changes), valid
    RESET_TOKEN_LIFETIME as the docs say rather than PASSWORD_RESET_TIMEOUT."""

    key_salt = "organizations.services.ResetTokenGenerator"

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= RESET_TOKEN_LIFETIME.total_seconds()


reset_tokens = ResetTokenGenerator()


def reset_token_make(user) -> str:
    """One string, as the docs' clients carry it: the user's id and Django's token."""
    return f"{int_to_base36(user.pk)}-{reset_tokens.make_token(user)}"


def reset_token_user(token: str):
    """The active user a reset token was made for, or None (unknown, used or expired)."""
    user_id, _, user_token = (token or "").partition("-")
    try:
        pk = base36_to_int(user_id)
    except ValueError:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not reset_tokens.check_token(user, user_token):
        return None
    return user


def _reset_budget_spend(key: str, limit: int) -> None:
    hits, window_end = counter_hit(key, duration=3600, now=time.time())
    if hits > limit:
        raise Throttled(wait=max(1, window_end - int(time.time())))


def password_reset_request(*, email: str, address: str) -> None:
    """Mail a reset link if `email` is an active account's; the caller learns nothing either
    way. Limited per client address and per e-mail address (429 with Retry-After)."""
    _reset_budget_spend(
        "password-reset:address:" + address, settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR
    )
    _reset_budget_spend(
        "password-reset:email:" + token_digest(email.strip().lower()),
        settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR,
    )
    user = (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=True)
        .order_by("pk")
        .first()
    )
    if user is not None and user.has_usable_password():
        from organizations.tasks import password_reset_mail_send

        transaction.on_commit(lambda: password_reset_mail_send(user.pk))


@transaction.atomic
def password_reset_complete(*, token: str, password: str) -> None:
    """Set the new password; the token is then spent and every API token of the user revoked
    (connect_api.password_revocation runs on the save)."""
    user = reset_token_user(token)
    if user is None:
        raise NotFound("This reset token is invalid, used or expired.", code="invalid_token")
    _password_validate(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    AuthToken.objects.filter(user=user).delete()


# --- discovery participation ------------------------------------------------------------------


@transaction.atomic
def discovery_participation_set(
    *, organization: Organization, is_participating: bool, catalog_uuid, approver
) -> Organization:
    """List a supplier in the discovery catalog (with the catalog it shows) or take it out;
    a retailer is a 409."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.org_type != OrganizationType.SUPPLIER:
        raise Conflict(
            f"{organization.name!r} is a retailer: only suppliers take part in discovery.",
            code="not_a_supplier",
        )
    if is_participating:
        if organization.discoverable_since is None:
            organization.discoverable_since = timezone.now()
        organization.discovery_catalog_uuid = catalog_uuid
        organization.discovery_approved_by = account_manager_get_or_create(user=approver)
    else:
        organization.discoverable_since = None
        organization.discovery_catalog_uuid = None
    organization.save(
        update_fields=["discoverable_since", "discovery_catalog_uuid", "discovery_approved_by"]
    )
    return organization
