from django.db import models


class SecurityRole(models.TextChoices):
    ADMINISTRATOR = "ADMINISTRATOR", "Administrator"
    STAFF = "STAFF", "Staff"
    LAYLEADER = "LAYLEADER", "Layleader"
    MEMBER = "MEMBER", "Member"
    NONMEMBER = "NONMEMBER", "Nonmember"


class Right(models.TextChoices):
    """A site right. For yes/no rights only GRANTED grants; for comments VIEW is read-only."""

    GRANTED = "A", "A (granted)"
    VIEW = "V", "V (view)"
    NONE = "N", "N (none)"


class ConnectionCategory(models.TextChoices):
    INWARD = "I", "Inward"
    OUTWARD = "O", "Outward"


class ChangeRequestKind(models.TextChoices):
    """The kinds of change the outreach POST describes; also the kind of a history entry."""

    ADD = "ADD", "Add"
    REASSIGN = "REASSIGN", "Reassign"
    COMPLETE = "COMPLETE", "Complete"
    MODIFY = "MODIFY", "Modify"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    APPLIED = "APPLIED", "Applied"
    REJECTED = "REJECTED", "Rejected"


class AddressType(models.IntegerChoices):
    """AddrTypeId / AddrType of an address."""

    HOME = 1, "Home"
    WORK = 2, "Work"
    MAILING = 3, "Mailing"
    VACATION = 4, "Vacation"
    OTHER = 5, "Other"


class PhoneType(models.IntegerChoices):
    """PhoneTypeId / PhoneType of a phone number."""

    HOME = 1, "Home"
    MOBILE = 2, "Mobile"
    WORK = 3, "Work"
    FAX = 4, "Fax"
    OTHER = 5, "Other"


class EmailType(models.TextChoices):
    HOME = "Home", "Home"
    WORK = "Work", "Work"
    OTHER = "Other", "Other"
