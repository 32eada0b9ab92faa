"""Input and output shapes of the tenant's own endpoints (login, discovery), as the
platform's public docs show them.

Each output has one builder (`user_login_data`, `discovery_item_data`); the serializer
classes beside them declare the same fields for the schema."""

from rest_framework import serializers

from connect_api.errors import shown
from organizations.choices import OrganizationType
from organizations.models import Organization, OrganizationMembership, Permission, Person
from organizations.selectors import DISCOVERY_SORT_FIELDS


def or_null(value: str | None) -> str | None:
    """An optional text field as the docs show it: never set (stored "") is null."""
    return value or None


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


def person_data(person: Person | None) -> dict | None:
    """A person (an organization's contact, an account manager) as every supplier response
    shows one."""
    if person is None:
        return None
    return {
        "uuid": str(person.uuid),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": or_null(person.email),
        "phone": or_null(person.phone),
        "job_title": or_null(person.job_title),
    }


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
