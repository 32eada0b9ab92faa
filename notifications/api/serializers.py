"""The preference shapes: the supplier's snake_case and the outreach app's PascalCase (the
vendor's names mapped here and nowhere else)."""

from rest_framework import serializers

from notifications.choices import SUPPLIER_KINDS, Frequency, MailKind

OUTREACH_KIND_NAMES = {
    MailKind.CHANGE_REQUEST_SUBMITTED: "ChangeRequestSubmitted",
    MailKind.CHANGE_REQUEST_REVIEWED: "ChangeRequestReviewed",
    MailKind.CONNECTION_DUE: "ConnectionDue",
}
OUTREACH_FREQUENCY_NAMES = {
    Frequency.IMMEDIATELY: "Immediately",
    Frequency.DAILY: "Daily",
    Frequency.WEEKLY: "Weekly",
    Frequency.NEVER: "Never",
}
OUTREACH_FREQUENCIES = tuple(OUTREACH_FREQUENCY_NAMES.values())
"""The outreach spelling's enum in the schema (ENUM_NAME_OVERRIDES), apart from the supplier's."""


class _UpperChoiceField(serializers.ChoiceField):
    """A choice given in any case."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data.upper() in self.choices:
            return data.upper()
        return super().to_internal_value(data)


# --- supplier -------------------------------------------------------------------------------


class SupplierPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in SUPPLIER_KINDS])
    description = serializers.CharField(read_only=True)
    frequency = _UpperChoiceField(choices=Frequency.choices, help_text="Any case.")


class SupplierPreferencesSerializer(serializers.Serializer):
    preferences = SupplierPreferenceSerializer(
        many=True, allow_empty=False, max_length=len(SUPPLIER_KINDS)
    )

    def validate_preferences(self, items):
        return {item["kind"]: item["frequency"] for item in items}


def supplier_preferences_data(frequencies: dict[str, str]) -> dict:
    return {
        "preferences": [
            {"kind": kind, "description": MailKind(kind).label, "frequency": frequency}
            for kind, frequency in frequencies.items()
        ]
    }


# --- outreach -------------------------------------------------------------------------------


class _NamedChoiceField(serializers.ChoiceField):
    """One of the vendor's names (any case) -> our value."""

    def __init__(self, names: dict, **kwargs):
        self.values_by_name = {name.lower(): value for value, name in names.items()}
        super().__init__(choices=list(names.values()), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and data.lower() in self.values_by_name:
            return self.values_by_name[data.lower()]
        self.fail("invalid_choice", input=data)


class OutreachPreferenceSerializer(serializers.Serializer):
    Kind = _NamedChoiceField(OUTREACH_KIND_NAMES)
    Description = serializers.CharField(read_only=True)
    Frequency = _NamedChoiceField(OUTREACH_FREQUENCY_NAMES, help_text="Any case.")


class OutreachPreferencesSerializer(serializers.Serializer):
    Notifications = OutreachPreferenceSerializer(
        many=True, allow_empty=False, max_length=len(OUTREACH_KIND_NAMES)
    )

    def validate_Notifications(self, items):
        return {item["Kind"]: item["Frequency"] for item in items}


def outreach_preferences_data(frequencies: dict[str, str]) -> dict:
    return {
        "Notifications": [
            {
                "Kind": OUTREACH_KIND_NAMES[kind],
                "Description": MailKind(kind).label,
                "Frequency": OUTREACH_FREQUENCY_NAMES[frequency],
            }
            for kind, frequency in frequencies.items()
        ]
    }
