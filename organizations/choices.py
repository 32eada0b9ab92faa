from django.db import models


class OrganizationType(models.TextChoices):
    RETAILER = "RETAILER", "Retailer"
    SUPPLIER = "SUPPLIER", "Supplier"

    @property
    def other(self) -> "OrganizationType":
        """The kind this kind connects to (and discovers)."""
        return (
            OrganizationType.SUPPLIER
            if self == OrganizationType.RETAILER
            else OrganizationType.RETAILER
        )


class OrganizationStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    INACTIVE = "INACTIVE", "Inactive"


class PermissionVisibility(models.TextChoices):
    """Which kind of organization a permission applies to."""

    RETAILER = "RETAILER", "Retailer"
    SUPPLIER = "SUPPLIER", "Supplier"
    BOTH = "BOTH", "Both"
