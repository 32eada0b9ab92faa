"""Input and output shapes of the tenant's own endpoints (login, discovery, the organization,
its users, passwords), as the platform's public docs show them.

Each output is a TypedDict (connect_api.api.outputs: the schema is derived from it) with one
builder, the `*_data` function returning it."""

from typing import Annotated, Literal, TypedDict

from rest_framework import serializers

from connect_api.api.booleans import BooleanField
from connect_api.api.outputs import (
    ContactOutput,
    Date,
    DateTime,
    Doc,
    Email,
    Uuid,
    iso_utc,
    or_null,
    person_data,
)
from connect_api.errors import shown
from connect_api.serializers import BoundedListField
from organizations.choices import OrganizationType
from organizations.models import Organization, OrganizationMembership, Permission
from organizations.selectors import DISCOVERY_SORT_FIELDS

# --- login -------------------------------------------------------------------------------


class UserLoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class PermissionOutput(TypedDict):
    uuid: Uuid
    name: str
    display_name: str
    description: str
    visibility: Literal["RETAILER", "SUPPLIER", "BOTH"]
    grouping: str


class PermissionAssignmentOutput(TypedDict):
    assigned: bool
    permission: PermissionOutput


class OrgUserOutput(TypedDict):
    uuid: Uuid


class PermissionAssignmentsOutput(TypedDict):
    permissions: list[PermissionAssignmentOutput]
    org_user: OrgUserOutput


class UserLoginOutput(TypedDict):
    auth_token: Annotated[str, Doc("Send it as `Authorization: Token <key>`.")]
    org_uuid: Uuid
    user_uuid: Annotated[Uuid, Doc("The organization user (membership) uuid.")]
    retailer_uuid: Annotated[str, Doc('The organization\'s uuid, or "".')]
    supplier_uuid: Annotated[str, Doc('The organization\'s uuid, or "".')]
    org_type: OrganizationType
    permission_assignments: PermissionAssignmentsOutput


def permission_data(permission: Permission) -> PermissionOutput:
    return {
        "uuid": str(permission.uuid),
        "name": permission.name,
        "display_name": permission.display_name,
        "description": permission.description,
        "visibility": permission.visibility,
        "grouping": permission.grouping,
    }


def user_login_data(
    *,
    token: str,
    membership: OrganizationMembership,
    assignments: list[tuple[Permission, bool]],
) -> UserLoginOutput:
    """The docs' login answer. The uuid of the kind the organization is not is "" (the docs
    show `"supplier_uuid": ""` for a retailer and `"retailer_uuid": ""` for a supplier)."""
    organization = membership.organization
    party = str(organization.uuid)
    is_retailer = organization.org_type == OrganizationType.RETAILER
    return {
        "auth_token": token,
        "org_uuid": party,
        "user_uuid": str(membership.uuid),
        "retailer_uuid": party if is_retailer else "",
        "supplier_uuid": "" if is_retailer else party,
        "org_type": organization.org_type,
        "permission_assignments": {
            "permissions": [
                {"assigned": assigned, "permission": permission_data(permission)}
                for permission, assigned in assignments
            ],
            "org_user": {"uuid": str(membership.uuid)},
        },
    }


# --- discovery ---------------------------------------------------------------------------


class DiscoverySortSerializer(serializers.Serializer):
    key = serializers.CharField(required=False, default="name")
    dir = serializers.CharField(required=False, default="asc")

    def validate_key(self, value):
        if value not in DISCOVERY_SORT_FIELDS:
            raise serializers.ValidationError(
                f"Unknown sort key {shown(value)!r}: use one of "
                + ", ".join(DISCOVERY_SORT_FIELDS)
                + "."
            )
        return value

    def validate_dir(self, value):
        if value.lower() not in ("asc", "desc"):
            raise serializers.ValidationError(f"{shown(value)!r} is not asc or desc.")
        return value.lower()


class DiscoveryPaginationSerializer(serializers.Serializer):
    """Checked here for its shape only; the paginator reads the numbers."""

    start = serializers.JSONField(required=False)
    limit = serializers.JSONField(required=False)


class DiscoveryInputSerializer(serializers.Serializer):
    initial_character = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, trim_whitespace=True
    )
    # Days back; bounded so the cut-off stays a date (timedelta's limit is 999,999,999 days).
    recent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=36500)
    pagination = DiscoveryPaginationSerializer(required=False)
    sort = DiscoverySortSerializer(required=False)

    def validate_initial_character(self, value):
        """Only the first character counts: a letter or digit (A-Z, a-z, 0-9) or "#"."""
        if not value:
            return None
        first = value[0]
        if first != "#" and not (first.isascii() and first.isalnum()):
            raise serializers.ValidationError(
                f"{shown(first)!r} is not a letter (A-Z, a-z), a digit (0-9) or '#'."
            )
        return first


class DiscoveryItemOutput(TypedDict):
    uuid: Uuid
    name: str
    website: str | None
    description: str | None
    fulfillment_percentage: float
    number_of_skus: int
    contact: ContactOutput | None


def discovery_item_data(organization: Organization) -> DiscoveryItemOutput:
    return {
        "uuid": str(organization.uuid),
        "name": organization.name,
        "website": or_null(organization.website),
        "description": or_null(organization.description),
        "fulfillment_percentage": float(organization.fulfillment_percentage),
        "number_of_skus": organization.number_of_skus,
        "contact": person_data(organization.contact),
    }


class PaginationOutput(TypedDict):
    total_count: int
    start: int
    limit: int


# The discovery page as `StartLimitPagination.keyed("suppliers")` builds it.
class SupplierDiscoveryOutput(TypedDict):
    suppliers: list[DiscoveryItemOutput]
    pagination: PaginationOutput


# --- organization details ----------------------------------------------------------------------


class OrganizationManagerOutput(TypedDict):
    uuid: Uuid
    person: ContactOutput


class OrganizationOutput(TypedDict):
    uuid: Uuid
    name: str
    website: str | None
    org_type: OrganizationType
    status: Literal["ACTIVE", "INACTIVE"]
    created_date: DateTime
    active_date: DateTime | None
    account_manager: OrganizationManagerOutput | None
    retailer_uuid: Annotated[str, Doc('The organization\'s uuid, or "".')]
    supplier_uuid: Annotated[str, Doc('The organization\'s uuid, or "".')]


def account_manager_data(manager) -> OrganizationManagerOutput | None:
    if manager is None:
        return None
    return {"uuid": str(manager.uuid), "person": person_data(manager.person)}


def organization_data(organization: Organization) -> OrganizationOutput:
    party = str(organization.uuid)
    is_retailer = organization.org_type == OrganizationType.RETAILER
    return {
        "uuid": party,
        "name": organization.name,
        "website": or_null(organization.website),
        "org_type": organization.org_type,
        "status": organization.status,
        "created_date": iso_utc(organization.created_date),
        "active_date": iso_utc(organization.active_date),
        "account_manager": account_manager_data(organization.account_manager),
        "retailer_uuid": party if is_retailer else "",
        "supplier_uuid": "" if is_retailer else party,
    }


# --- users and permissions -----------------------------------------------------------------------


MemberStatus = Literal["CONFIRMATION WAITING", "ACTIVE", "DEACTIVATED"]


class UserOutput(TypedDict):
    uuid: Annotated[Uuid, Doc("The organization user (membership) uuid.")]
    person: ContactOutput
    permission_assignments: PermissionAssignmentsOutput
    status: MemberStatus
    token: Annotated[str | None, Doc("Always null: invitation tokens exist only in their mail.")]


def member_status(membership: OrganizationMembership) -> MemberStatus:
    if membership.user.is_active:
        return "ACTIVE"
    return "CONFIRMATION WAITING" if getattr(membership, "invited", False) else "DEACTIVATED"


def member_person_data(membership: OrganizationMembership) -> ContactOutput:
    """The member's person; for a member without one (made outside the API), their user's
    name and address under the membership's uuid."""
    if membership.person is not None:
        return person_data(membership.person)
    user = membership.user
    return {
        "uuid": str(membership.uuid),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": or_null(user.email),
        "phone": None,
        "job_title": None,
    }


def permission_assignments_data(
    membership: OrganizationMembership, catalog: list[Permission]
) -> PermissionAssignmentsOutput:
    """Every catalog permission applicable to the member's organization, each with whether
    the member holds it (`membership.permissions` prefetched: no query)."""
    held = {p.pk for p in membership.permissions.all()}
    applicable = [p for p in catalog if p.visibility in ("BOTH", membership.organization.org_type)]
    return {
        "permissions": [
            {"assigned": p.pk in held, "permission": permission_data(p)} for p in applicable
        ],
        "org_user": {"uuid": str(membership.uuid)},
    }


def user_data(membership: OrganizationMembership, catalog: list[Permission]) -> UserOutput:
    return {
        "uuid": str(membership.uuid),
        "person": member_person_data(membership),
        "permission_assignments": permission_assignments_data(membership, catalog),
        "status": member_status(membership),
        "token": None,
    }


class PermissionUuidsInputSerializer(serializers.Serializer):
    permission_uuids = BoundedListField(
        child=serializers.UUIDField(), allow_empty=False, max_length=100
    )


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=150)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    permission_uuids = BoundedListField(
        child=serializers.UUIDField(), required=False, max_length=100
    )
    permissions = BoundedListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=100,
        help_text="Alias of permission_uuids.",
    )

    def validate(self, data):
        if "permission_uuids" in data and "permissions" in data:
            raise serializers.ValidationError(
                {"permissions": ["Send permission_uuids or permissions, not both."]}
            )
        data["permission_uuids"] = data.pop("permission_uuids", None) or data.pop("permissions", [])
        return data


# --- invitations and passwords -------------------------------------------------------------------


class PasswordInputSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class InvitationValidOutput(TypedDict):
    email: Email
    token: Annotated[str | None, Doc("null when a new mail was sent.")]


def invitation_valid_data(email: str, token: str | None) -> InvitationValidOutput:
    """An invitation token checked: its address, and the token again (None: it had expired
    and a new mail with a new one was sent)."""
    return {"email": email, "token": token}


class ResetPasswordInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class ResetPasswordOutput(TypedDict):
    reset_token: Annotated[str | None, Doc("Always null: the token is mailed to the address.")]


def reset_password_data() -> ResetPasswordOutput:
    """What a reset request answers, whether the address is known or not."""
    return {"reset_token": None}


class CompletePasswordInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class ResetTokenQuerySerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


# --- discovery participation ---------------------------------------------------------------------


class ParticipationApproverOutput(OrganizationManagerOutput):
    # The account manager's shape under the component name the generated clients know.
    pass


class ParticipationOutput(TypedDict):
    supplier_uuid: Uuid
    is_participating: bool
    discovery_catalog_uuid: Uuid | None
    date_joined: Date | None
    requested_by: ContactOutput | None
    approved_by: ParticipationApproverOutput | None


class ParticipationInputSerializer(serializers.Serializer):
    is_participating = BooleanField()
    discovery_catalog_uuid = serializers.UUIDField(required=False, allow_null=True)

    def validate(self, data):
        if data["is_participating"] and not data.get("discovery_catalog_uuid"):
            raise serializers.ValidationError(
                {"discovery_catalog_uuid": ["Required when is_participating is true."]}
            )
        return data


def participation_data(organization: Organization) -> ParticipationOutput:
    since = organization.discoverable_since
    participating = since is not None
    return {
        "supplier_uuid": str(organization.uuid),
        "is_participating": participating,
        "discovery_catalog_uuid": (
            str(organization.discovery_catalog_uuid)
            if participating and organization.discovery_catalog_uuid
            else None
        ),
        "date_joined": since.date().isoformat() if since else None,
        "requested_by": person_data(organization.discovery_requested_by),
        "approved_by": account_manager_data(organization.discovery_approved_by),
    }
