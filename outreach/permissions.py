"""The outreach rights model, evaluated here and nowhere else.

A user works at a site only through a SiteMembership (no membership -> 404 for every path
under the site). Yes/no rights are granted only by "A"; for comments "V" means read-only.
Administrators pass every check (and are never limited to their own assignments).
"""

from rest_framework.permissions import BasePermission

from connect_api.errors import NotFound, PermissionDenied
from connect_api.prepared import PreparedModels
from outreach.choices import Right, SecurityRole
from outreach.models import (
    Connection,
    ConnectionType,
    ConnectionTypeRight,
    Site,
    SiteMembership,
)

RIGHT_FIELDS: dict[str, str] = {
    "CreateChangeRequest": "create_change_request",
    "LocatePerson": "locate_person",
    "MemberSearch": "member_search",
    "ViewAddComments": "view_add_comments",
    "ReassignConnection": "reassign_connection",
    "AssignedContactsOnly": "assigned_contacts_only",
    "AssignContacts": "assign_contacts",
    "ViewOutreachHistory": "view_outreach_history",
    "LocateOrganizations": "locate_organizations",
    "ViewOrganizationRecord": "view_organization_record",
    "ViewStaffRoster": "view_staff_roster",
}
"""The vendor app's name of each yes/no right -> the SiteMembership field holding it."""


def membership_for(user, site_number) -> SiteMembership:
    """The user's membership at the site; else NotFound. Its per-type rights are read once,
    on the first check that needs them (most lookups never do)."""
    if user is None or not user.is_authenticated:
        raise NotFound(f"Site {site_number} not found.")
    found = _memberships(site_number, user.pk)
    if not found:
        raise NotFound(f"Site {site_number} not found.")
    (membership,) = found  # one membership per (site, user)
    return membership


def _memberships_at(site_number: int, user_id: int):
    site = Site.objects.filter(number=site_number)
    return (
        SiteMembership.objects.restrict(site)
        .select_related("site", "individual")
        .filter(user_id=user_id)
    )


_memberships = PreparedModels(
    _memberships_at,
    lambda: Site._meta.get_field("number"),
    lambda: SiteMembership._meta.get_field("user"),
)
"""The user's membership at the site, with the site and the user's individual: the query of
`_memberships_at`, compiled once (every outreach call starts with it)."""


def grants(right_value: str) -> bool:
    """Only "A" grants a yes/no right."""
    return right_value == Right.GRANTED


def is_administrator(membership: SiteMembership) -> bool:
    return membership.security_role == SecurityRole.ADMINISTRATOR


def has_right(membership: SiteMembership, right_name: str) -> bool:
    """Whether the membership holds the vendor-named yes/no right (e.g. "LocatePerson")."""
    return is_administrator(membership) or grants(getattr(membership, RIGHT_FIELDS[right_name]))


def _type_rights_by_type_id(membership: SiteMembership) -> dict[int, str]:
    cached = getattr(membership, "_type_rights_by_type_id", None)
    if cached is None:
        cached = dict(_type_rights(membership.pk))
        membership._type_rights_by_type_id = cached
    return cached


def _type_rights_of(membership_id: int):
    """`membership.type_rights.values_list("connection_type_id", "right")`."""
    rights = ConnectionTypeRight.objects.filter(membership=membership_id)
    return rights.values_list("connection_type_id", "right")


_type_rights = PreparedModels(
    _type_rights_of, lambda: ConnectionTypeRight._meta.get_field("membership")
)
"""The query of `_type_rights_of`, compiled once (every change request checks its rights)."""


def type_right(membership: SiteMembership, connection_type: ConnectionType | int) -> str:
    """The membership's "A"/"V"/"N" on a connection type (object or primary key)."""
    if is_administrator(membership):
        return Right.GRANTED
    type_id = connection_type if isinstance(connection_type, int) else connection_type.pk
    return _type_rights_by_type_id(membership).get(type_id, Right.NONE)


def has_full_right_on_some_type(membership: SiteMembership) -> bool:
    return is_administrator(membership) or any(
        grants(value) for value in _type_rights_by_type_id(membership).values()
    )


def can_locate_people(membership: SiteMembership) -> bool:
    """Individual search and lookup: LocatePerson A or MemberSearch A."""
    return has_right(membership, "LocatePerson") or has_right(membership, "MemberSearch")


def can_view_comments(membership: SiteMembership) -> bool:
    return is_administrator(membership) or membership.view_add_comments in (
        Right.GRANTED,
        Right.VIEW,
    )


def can_add_comments(membership: SiteMembership) -> bool:
    return has_right(membership, "ViewAddComments")


def can_view_outreach_history(membership: SiteMembership) -> bool:
    """A person's outreach history (`individuals/<id>/connections`): ViewOutreachHistory A."""
    return has_right(membership, "ViewOutreachHistory")


def connection_permission_level(membership: SiteMembership, connection: Connection) -> str:
    """ "ALL" exactly when the caller may change the connection: the change-request gate
    passes and the caller holds A on its type (what a complete or modify needs; a reassign
    also needs ReassignConnection A, which the app reads from the account's Rights).
    Otherwise "VIEW"."""
    if change_request_gate_missing(membership):
        return "VIEW"
    return "ALL" if grants(type_right(membership, connection.connection_type_id)) else "VIEW"


def can_reassign_connections(membership: SiteMembership) -> bool:
    return has_right(membership, "ReassignConnection")


def sees_only_assigned_connections(membership: SiteMembership) -> bool:
    """AssignedContactsOnly A: only connections assigned to the user or to the user's teams."""
    return not is_administrator(membership) and grants(membership.assigned_contacts_only)


def change_request_gate_missing(membership: SiteMembership) -> list[str]:
    """What the membership lacks to post change requests (empty: the gate passes)."""
    if is_administrator(membership):
        return []
    missing = []
    if not has_right(membership, "CreateChangeRequest"):
        missing.append("CreateChangeRequest")
    if not has_full_right_on_some_type(membership):
        missing.append("ConnectionType")
    if not can_locate_people(membership):
        missing.append("LocatePerson or MemberSearch")
    if not can_add_comments(membership):
        missing.append("ViewAddComments")
    return missing


def effective_rights(membership: SiteMembership) -> dict[str, str]:
    """The yes/no rights as the server applies them. Administrators: all A, and
    AssignedContactsOnly V: never restricted (only A restricts), while the vendor's app shows
    its "My ToDos" assignments screen only to a user whose AssignedContactsOnly is not N."""
    if not is_administrator(membership):
        return {name: getattr(membership, field) for name, field in RIGHT_FIELDS.items()}
    rights = dict.fromkeys(RIGHT_FIELDS, Right.GRANTED)
    rights["AssignedContactsOnly"] = Right.VIEW
    return rights


class SiteMember(BasePermission):
    """Every outreach view: the URL's site_number resolves to the caller's membership (404
    otherwise), stored on the request as `request.membership` and `request.site`."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        membership = membership_for(request.user, view.kwargs["site_number"])
        request.membership = membership
        request.site = membership.site
        return True


class CanLocatePeople(BasePermission):
    """Individual search and lookup (after SiteMember); the 403 names the missing right as the
    change-request gate does."""

    def has_permission(self, request, view):
        if not can_locate_people(request.membership):
            raise PermissionDenied(
                "Locating people needs the LocatePerson or MemberSearch right (A).",
                errors={"LocatePerson or MemberSearch": ["A (granted) required."]},
            )
        return True


def _require(allowed: bool, message: str, right: str, value: str) -> bool:
    if not allowed:
        raise PermissionDenied(message, errors={right: [f"{value} required."]})
    return True


class CanViewOutreachHistory(BasePermission):
    def has_permission(self, request, view):
        return _require(
            can_view_outreach_history(request.membership),
            "A person's outreach history needs the ViewOutreachHistory right (A).",
            "ViewOutreachHistory",
            "A (granted)",
        )


class CanReadOrAddComments(BasePermission):
    """Comments on people: ViewAddComments V or A reads them, only A adds one."""

    def has_permission(self, request, view):
        if request.method == "POST":
            return _require(
                can_add_comments(request.membership),
                "Adding a comment needs the ViewAddComments right (A).",
                "ViewAddComments",
                "A (granted)",
            )
        return _require(
            can_view_comments(request.membership),
            "Reading comments needs the ViewAddComments right (V or A).",
            "ViewAddComments",
            "V (view) or A (granted)",
        )


class ChangeRequestGate(BasePermission):
    """The rights to submit any change request (seed 004), checked before the body is read;
    the 403 names each missing right."""

    def has_permission(self, request, view):
        missing = change_request_gate_missing(request.membership)
        if missing:
            raise PermissionDenied(
                "You lack the rights to submit a connection change request: " + ", ".join(missing),
                errors={
                    name: ["Required to submit a connection change request."] for name in missing
                },
            )
        return True


class SiteAdministrator(BasePermission):
    """The change-request review endpoints: the site's Administrators only."""

    def has_permission(self, request, view):
        if not is_administrator(request.membership):
            raise PermissionDenied(
                "Only the site's Administrators review change requests.",
                errors={"SecurityRole": ["Administrator required."]},
            )
        return True


OUTREACH_PERMISSIONS = [SiteMember]
"""The permission classes every outreach view starts with."""
