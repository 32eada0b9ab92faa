"""Reads of the tenant itself: whose organization a caller is, what it may do, and which
organizations it can discover."""

from datetime import timedelta
from functools import reduce
from operator import or_

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from connect_api.errors import Conflict, NotFound
from organizations.choices import OrganizationStatus, OrganizationType, PermissionVisibility
from organizations.models import Invitation, Organization, OrganizationMembership, Permission


def organization_for(user) -> Organization | None:
    """The caller's organization, or None for staff, anonymous users and users without one.

    Token and Basic authentication load the membership and its organization with the user
    (AUTH_USER_SELECT_RELATED, same query): then this costs no query; otherwise one."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    membership = type(user).organization_membership
    if membership.is_cached(user):
        loaded = membership.related.get_cached_value(user)  # None: the user has none
        if loaded is None:
            return None
        if OrganizationMembership.organization.is_cached(loaded):
            return loaded.organization
    return Organization.objects.filter(memberships__user_id=user.pk).first()


def active_organization_for(user, *, to: str) -> Organization:
    """The caller's organization, which must be ACTIVE `to` act (e.g. "request connections",
    "upload files"); 409 for staff, users without one and inactive organizations."""
    organization = organization_for(user)
    if organization is None:
        who = "Staff users" if user.is_staff else "Users without an organization"
        raise Conflict(
            f"{who} cannot {to}: only members of an active retailer or supplier organization can.",
            code="no_active_organization",
        )
    if organization.status != OrganizationStatus.ACTIVE:
        raise Conflict(
            f"Organization {organization.name!r} is not active: it cannot {to}.",
            code="organization_inactive",
        )
    return organization


def login_membership_for(user) -> OrganizationMembership:
    """The membership a supplier-platform login answers for: the user's, in an ACTIVE
    organization (409 otherwise, as every other call of the organization would be)."""
    organization = active_organization_for(user, to="log in to the supplier platform")
    return OrganizationMembership.objects.select_related("organization").get(
        user_id=user.pk, organization=organization
    )


def permission_assignments_for(membership: OrganizationMembership) -> list[tuple[Permission, bool]]:
    """Every permission of the catalog that applies to the member's kind of organization
    (in the docs' order: view_org_users, edit_org_users, ...), each with whether the member
    holds it (two queries)."""
    held = set(membership.permissions.values_list("pk", flat=True))
    applicable = Permission.objects.filter(
        visibility__in=[PermissionVisibility.BOTH, membership.organization.org_type]
    ).order_by("id")  # the catalog's order, as the docs list it
    return [(permission, permission.pk in held) for permission in applicable]


DISCOVERY_SORT_FIELDS = {
    "name": "name",
    "number_of_skus": "number_of_skus",
    "fulfillment_percentage": "fulfillment_percentage",
    "date": "discoverable_since",
}
"""Discovery's `sort.key` values and the field each orders by."""


def discoverable_organizations(
    *,
    kind: OrganizationType,
    initial_character: str | None = None,
    recent_days: int | None = None,
    sort_key: str = "name",
    descending: bool = False,
) -> QuerySet[Organization]:
    """ACTIVE organizations of `kind`, with their contact: `initial_character` a letter or
    digit (any case) their name starts with, or "#" for any digit; `recent_days` those that
    entered the discovery catalog within that many days."""
    queryset = Organization.objects.filter(
        org_type=kind, status=OrganizationStatus.ACTIVE
    ).select_related("contact")
    if initial_character == "#":
        queryset = queryset.filter(
            reduce(or_, (Q(name__startswith=digit) for digit in "0123456789"))
        )
    elif initial_character:
        queryset = queryset.filter(name__istartswith=initial_character)
    if recent_days is not None:
        since = timezone.now() - timedelta(days=recent_days)
        queryset = queryset.filter(discoverable_since__gte=since)
    field = F(DISCOVERY_SORT_FIELDS[sort_key])
    if sort_key == "name":
        field = Lower("name")  # the docs treat upper and lower case the same
    order = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return queryset.order_by(order, Lower("name"), "id")


# --- members -----------------------------------------------------------------------------------


def members_for(user) -> QuerySet[OrganizationMembership]:
    """The members the caller may see (staff: every organization's), with what their answer
    shows: user, person, organization and permissions loaded, and whether an invitation is
    open (`invited`). Three queries for any number of members."""
    open_invitations = Invitation.objects.filter(
        membership=OuterRef("pk"), accepted__isnull=True, revoked__isnull=True
    )
    return (
        OrganizationMembership.objects.restrict(user)
        .select_related("user", "person", "organization")
        .prefetch_related("permissions")
        .annotate(invited=Exists(open_invitations))
        .order_by("id")
    )


def member_get(user, *, uuid) -> OrganizationMembership:
    """One member the caller may see; another organization's is a 404."""
    membership = members_for(user).filter(uuid=uuid).first()
    if membership is None:
        raise NotFound("No user with this uuid in your organization.")
    return membership


def permission_catalog() -> list[Permission]:
    """The whole catalog, in its own order (the docs' order)."""
    return list(Permission.objects.order_by("id"))


def applicable(catalog: list[Permission], org_type: str | None) -> list[Permission]:
    """The catalog's permissions for a kind of organization (None: all of them)."""
    if org_type is None:
        return catalog
    return [p for p in catalog if p.visibility in (PermissionVisibility.BOTH, org_type)]


def organization_details_for(user) -> Organization:
    """The caller's organization with its account manager (409 for staff and users without
    one)."""
    organization = organization_for(user)
    if organization is None:
        who = "Staff users have" if user.is_staff else "You have"
        raise Conflict(f"{who} no organization.", code="no_organization")
    return (
        Organization.objects.select_related("account_manager__person")
        .filter(pk=organization.pk)
        .get()
    )


def organization_get(user, *, uuid) -> Organization:
    """Any organization for staff; for a member only their own; otherwise 404."""
    queryset = Organization.objects.select_related(
        "discovery_requested_by", "discovery_approved_by__person"
    )
    if not user.is_staff:
        queryset = queryset.filter(memberships__user_id=user.pk)
    organization = queryset.filter(uuid=uuid).first()
    if organization is None:
        raise NotFound("No organization with this uuid.")
    return organization
