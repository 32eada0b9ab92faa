"""Input and output shapes of the tenant's own endpoints (login, discovery), as the
platform's public docs show them.

Each output has one builder (`user_login_data`, `discovery_item_data`); the serializer
classes beside them declare the same fields for the schema."""

from rest_framework import serializers

from connect_api.api.booleans import BooleanField
from connect_api.api.outputs import or_null, person_data
from connect_api.errors import shown
from connect_api.serializers import BoundedListField
from organizations.choices import OrganizationType
from organizations.models import Organization, OrganizationMembership, Permission
from organizations.selectors import DISCOVERY_SORT_FIELDS

# --- login -------------------------------------------------------------------------------


class UserLoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class PermissionOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    description = serializers.CharField()
    visibility = serializers.ChoiceField(choices=["RETAILER", "SUPPLIER", "BOTH"])
    grouping = serializers.CharField()


class PermissionAssignmentOutputSerializer(serializers.Serializer):
    assigned = serializers.BooleanField()
    permission = PermissionOutputSerializer()


class OrgUserOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()


class PermissionAssignmentsOutputSerializer(serializers.Serializer):
    permissions = PermissionAssignmentOutputSerializer(many=True)
    org_user = OrgUserOutputSerializer()


class UserLoginOutputSerializer(serializers.Serializer):
    auth_token = serializers.CharField(help_text="Send it as `Authorization: Token <key>`.")
    org_uuid = serializers.UUIDField()
    user_uuid = serializers.UUIDField(help_text="The organization user (membership) uuid.")
    retailer_uuid = serializers.CharField(help_text='The organization\'s uuid, or "".')
    supplier_uuid = serializers.CharField(help_text='The organization\'s uuid, or "".')
    org_type = serializers.ChoiceField(choices=OrganizationType.choices)
    permission_assignments = PermissionAssignmentsOutputSerializer()


def permission_data(permission: Permission) -> dict:
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
) -> dict:
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


class ContactOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    job_title = serializers.CharField(allow_null=True)


class DiscoveryItemOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    website = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    fulfillment_percentage = serializers.FloatField()
    number_of_skus = serializers.IntegerField()
    contact = ContactOutputSerializer(allow_null=True)


def discovery_item_data(organization: Organization) -> dict:
    return {
        "uuid": str(organization.uuid),
        "name": organization.name,
        "website": or_null(organization.website),
        "description": or_null(organization.description),
        "fulfillment_percentage": float(organization.fulfillment_percentage),
        "number_of_skus": organization.number_of_skus,
        "contact": person_data(organization.contact),
    }


class PaginationOutputSerializer(serializers.Serializer):
    total_count = serializers.IntegerField()
    start = serializers.IntegerField()
    limit = serializers.IntegerField()


class SupplierDiscoveryOutputSerializer(serializers.Serializer):
    suppliers = DiscoveryItemOutputSerializer(many=True)
    pagination = PaginationOutputSerializer()


# --- organization details ----------------------------------------------------------------------


def moment(value) -> str | None:
    """A date-time as every supplier answer shows one (ISO 8601, UTC, `Z`)."""
    return serializers.DateTimeField().to_representation(value) if value else None


class OrganizationManagerOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    person = ContactOutputSerializer()


class OrganizationOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    website = serializers.CharField(allow_null=True)
    org_type = serializers.ChoiceField(choices=OrganizationType.choices)
    status = serializers.ChoiceField(choices=["ACTIVE", "INACTIVE"])
    created_date = serializers.DateTimeField()
    active_date = serializers.DateTimeField(allow_null=True)
    account_manager = OrganizationManagerOutputSerializer(allow_null=True)
    retailer_uuid = serializers.CharField(help_text='The organization\'s uuid, or "".')
    supplier_uuid = serializers.CharField(help_text='The organization\'s uuid, or "".')


def account_manager_data(manager) -> dict | None:
    if manager is None:
        return None
    return {"uuid": str(manager.uuid), "person": person_data(manager.person)}


def organization_data(organization: Organization) -> dict:
    party = str(organization.uuid)
    is_retailer = organization.org_type == OrganizationType.RETAILER
    return {
        "uuid": party,
        "name": organization.name,
        "website": or_null(organization.website),
        "org_type": organization.org_type,
        "status": organization.status,
        "created_date": moment(organization.created_date),
        "active_date": moment(organization.active_date),
        "account_manager": account_manager_data(organization.account_manager),
        "retailer_uuid": party if is_retailer else "",
        "supplier_uuid": "" if is_retailer else party,
    }


# --- users and permissions -----------------------------------------------------------------------


class UserOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The organization user (membership) uuid.")
    person = ContactOutputSerializer()
    permission_assignments = PermissionAssignmentsOutputSerializer()
    status = serializers.ChoiceField(choices=["CONFIRMATION WAITING", "ACTIVE", "DEACTIVATED"])
    token = serializers.CharField(
        allow_null=True, help_text="Always null: invitation tokens exist only in their mail."
    )


def member_status(membership: OrganizationMembership) -> str:
    if membership.user.is_active:
        return "ACTIVE"
    return "CONFIRMATION WAITING" if getattr(membership, "invited", False) else "DEACTIVATED"


def member_person_data(membership: OrganizationMembership) -> dict:
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
) -> dict:
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


def user_data(membership: OrganizationMembership, catalog: list[Permission]) -> dict:
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


class InvitationValidOutputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    token = serializers.CharField(allow_null=True, help_text="null when a new mail was sent.")


class ResetPasswordInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class ResetPasswordOutputSerializer(serializers.Serializer):
    reset_token = serializers.CharField(
        allow_null=True, help_text="Always null: the token is mailed to the address."
    )


class CompletePasswordInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class ResetTokenQuerySerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


# --- discovery participation ---------------------------------------------------------------------


class ParticipationApproverOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    person = ContactOutputSerializer()


class ParticipationOutputSerializer(serializers.Serializer):
    supplier_uuid = serializers.UUIDField()
    is_participating = serializers.BooleanField()
    discovery_catalog_uuid = serializers.UUIDField(allow_null=True)
    date_joined = serializers.DateField(allow_null=True)
    requested_by = ContactOutputSerializer(allow_null=True)
    approved_by = ParticipationApproverOutputSerializer(allow_null=True)


class ParticipationInputSerializer(serializers.Serializer):
    is_participating = BooleanField()
    discovery_catalog_uuid = serializers.UUIDField(required=False, allow_null=True)

    def validate(self, data):
        if data["is_participating"] and not data.get("discovery_catalog_uuid"):
            raise serializers.ValidationError(
                {"discovery_catalog_uuid": ["Required when is_participating is true."]}
            )
        return data


def participation_data(organization: Organization) -> dict:
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
