from django.db import models


class OrganizationType(models.TextChoices):
    RETAILER = "RETAILER", "Retailer"
    SUPPLIER = "SUPPLIER", "Supplier"


class OrganizationStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    INACTIVE = "INACTIVE", "Inactive"


class ConnectionRequestStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class IntegrationType(models.TextChoices):
    ITEM = "item", "Item"
    ORDER = "order", "Order"
    ALLOCATION = "allocation", "Allocation"
    TRACKING = "tracking", "Tracking"
    OTHER = "other", "Other"


class ConnectionStatus(models.TextChoices):
    CONFIRMATION_WAITING = "CONFIRMATION WAITING", "Confirmation waiting"
    ACTIVE = "ACTIVE", "Active"
    DEACTIVATED = "DEACTIVATED", "Deactivated"
