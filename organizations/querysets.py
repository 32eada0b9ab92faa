"""The one tenant rule of the supplier API, as a queryset method (NetBox's
`RestrictedQuerySet.restrict(user)` is the model).

"Staff see everything, a user without an organization sees nothing, everyone else sees the
rows of their own organization." Each supplier model's queryset says only which rows are an
organization's (`owned_by`); the rule itself is written here once. The caller's
organization is the id authentication loaded with the user (or a subquery), so restricting
costs no query of its own.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from connect_api.prepared import Choice

OwnedBy = Callable[[QuerySet], Q]

EVERY_ORGANIZATION = Choice("every organization")
"""What staff see (`visible_organizations`)."""

Visible = str | list[int] | QuerySet
"""EVERY_ORGANIZATION, a list of organization ids (empty: none), or a queryset of them."""


class TenantQuerySet(QuerySet):
    def owned_by(self, organizations: QuerySet) -> Q:
        """The rows of these organizations (a queryset of organization ids)."""
        raise NotImplementedError(f"{type(self).__name__} must say which rows are whose.")

    def restrict(self, user, *, rule: OwnedBy | None = None) -> QuerySet:
        """The rows `user` may see: all for staff, none without an organization, otherwise
        those `rule` (default `owned_by`) gives the user's organization."""
        return self.visible_to(visible_organizations(user), rule=rule)

    def visible_to(self, organizations: Visible, *, rule: OwnedBy | None = None) -> QuerySet:
        """The rows of `organizations` (what `visible_organizations` answers for a user):
        every row, none, or those `rule` (default `owned_by`) gives these organizations.
        `restrict(user)` in two steps, for a query compiled once per kind of caller
        (connect_api.prepared)."""
        if organizations is EVERY_ORGANIZATION:
            return self
        if isinstance(organizations, list) and not organizations:
            return self.none()
        return self.filter((rule or self.owned_by)(organizations))


def visible_organizations(user) -> Visible:
    """Whose rows `user` sees: every organization's for staff, none unauthenticated or
    without an organization, otherwise their organization's."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_staff:
        return EVERY_ORGANIZATION
    return _organizations_of(user)


def _organizations_of(user) -> QuerySet | list[int]:
    """The user's organization ids: the literal id when authentication loaded the membership
    with the user (no query; the planner then walks the organization's own index in the
    list's order), otherwise a subquery (still no query of its own)."""
    from organizations.models import OrganizationMembership  # models build on this module

    membership = type(user).organization_membership
    if membership.is_cached(user):
        loaded = membership.related.get_cached_value(user)
        return [] if loaded is None else [loaded.organization_id]
    return OrganizationMembership.objects.filter(user_id=user.pk).values("organization_id")
