"""The preference shapes: the supplier's snake_case and the outreach app's PascalCase (the
vendor's names mapped here and nowhere else), and the platform docs' notifications. Each
output is a TypedDict (connect_api.api.outputs: the schema is derived from it) built by one
`*_data` function."""

import uuid
from typing import Annotated, Literal, TypedDict

from rest_framework import serializers

from connect_api.api.booleans import BooleanField
from connect_api.api.outputs import DateTime, Doc, MaxItems, OneOf, Uuid, iso_utc
from notifications.choices import SUPPLIER_KINDS, Frequency, MailKind, default_frequency

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


SUPPLIER_KIND_CHOICES = tuple((kind.value, kind.label) for kind in SUPPLIER_KINDS)


class SupplierPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SUPPLIER_KIND_CHOICES)
    frequency = _UpperChoiceField(choices=Frequency.choices, help_text="Any case.")


class SupplierPreferencesSerializer(serializers.Serializer):
    preferences = SupplierPreferenceSerializer(
        many=True, allow_empty=False, max_length=len(SUPPLIER_KINDS)
    )

    def validate_preferences(self, items):
        return {item["kind"]: item["frequency"] for item in items}


class SupplierPreference(TypedDict):
    kind: Annotated[str, OneOf(SUPPLIER_KIND_CHOICES)]
    description: str
    frequency: Annotated[Frequency, Doc("Any case.")]


class SupplierPreferences(TypedDict):
    preferences: Annotated[list[SupplierPreference], MaxItems(len(SUPPLIER_KINDS))]


def supplier_preferences_data(frequencies: dict[str, str]) -> SupplierPreferences:
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
    Frequency = _NamedChoiceField(OUTREACH_FREQUENCY_NAMES, help_text="Any case.")


class OutreachPreferencesSerializer(serializers.Serializer):
    Notifications = OutreachPreferenceSerializer(
        many=True, allow_empty=False, max_length=len(OUTREACH_KIND_NAMES)
    )

    def validate_Notifications(self, items):
        return {item["Kind"]: item["Frequency"] for item in items}


class OutreachPreference(TypedDict):
    Kind: Literal[tuple(OUTREACH_KIND_NAMES.values())]
    Description: str
    Frequency: Annotated[Literal[OUTREACH_FREQUENCIES], Doc("Any case.")]


class OutreachPreferences(TypedDict):
    Notifications: Annotated[list[OutreachPreference], MaxItems(len(OUTREACH_KIND_NAMES))]


def outreach_preferences_data(frequencies: dict[str, str]) -> OutreachPreferences:
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


# --- the platform docs' dashboard notifications and notification settings -------------------


class DashboardNotification(TypedDict):
    uuid: Uuid
    title: str
    created_at: DateTime
    type: Annotated[str, Doc('Where it is shown: always "Dashboard".')]


def dashboard_notification_data(event) -> DashboardNotification:
    from connect_api.events import EventName

    return {
        "uuid": str(event.uuid),
        "title": EventName(event.name).label,
        "created_at": iso_utc(event.created),
        "type": "Dashboard",
    }


SETTING_NAMESPACE = uuid.UUID("2f0f8a52-1d0b-4f7e-8d8c-5a4f1c9e3b77")
SETTING_UUIDS = {kind: uuid.uuid5(SETTING_NAMESPACE, kind) for kind in SUPPLIER_KINDS}
"""Each supplier kind of notice as a setting of the docs (a stable uuid per kind)."""

DOCS_FREQUENCIES = {
    Frequency.IMMEDIATELY: "Real-time",
    Frequency.DAILY: "Daily",
    Frequency.WEEKLY: "Weekly",
}
"""The store's frequencies as the docs spell them (NEVER is `enabled: false`)."""
FREQUENCIES_BY_DOCS_NAME = {
    "real-time": Frequency.IMMEDIATELY,
    "realtime": Frequency.IMMEDIATELY,
    "twice a day": Frequency.DAILY,  # no twice-daily digest: the daily one is the nearest
    "daily": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
}
VIAS = {"dashboard": "Dashboard", "email": "email"}


class NotificationType(TypedDict):
    notification_via: Literal["Dashboard", "email"]
    notification_frequency: Literal["Real-time", "Twice a day", "Daily", "Weekly"]
    enabled: bool


class OrgUser(TypedDict):
    uuid: Uuid


class NotificationSetting(TypedDict):
    uuid: Uuid
    notification_display_name: str
    notification_name: str
    notification_domain: str
    notification_type: list[NotificationType]
    org_user: OrgUser | None


def notification_setting_data(kind: str, frequency: str, org_user_uuid) -> NotificationSetting:
    """One kind of notice as the docs' setting. The store keeps one frequency per kind: mail
    follows it, the dashboard lists every notice as it happens."""
    enabled = frequency != Frequency.NEVER
    shown = DOCS_FREQUENCIES.get(frequency, DOCS_FREQUENCIES[default_frequency(kind)])
    return {
        "uuid": str(SETTING_UUIDS[kind]),
        "notification_display_name": MailKind(kind).label,
        "notification_name": kind,
        "notification_domain": "Miscellaneous",
        "notification_type": [
            {"notification_via": "email", "notification_frequency": shown, "enabled": enabled},
        ],
        "org_user": {"uuid": str(org_user_uuid)} if org_user_uuid else None,
    }


class _SpelledChoiceField(serializers.CharField):
    """One of `names` (a lower-cased spelling -> value), in any case."""

    def __init__(self, names: dict, **kwargs):
        self.names = names
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        value = self.names.get(text.strip().lower())
        if value is None:
            raise serializers.ValidationError(
                f"{text!r} is not one of: " + ", ".join(sorted(set(self.names))) + "."
            )
        return value


class NotificationSettingInputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    notification_via = _SpelledChoiceField(VIAS)
    enabled = BooleanField()
    notification_frequency = _SpelledChoiceField(FREQUENCIES_BY_DOCS_NAME, required=False)

    def validate_uuid(self, value):
        kinds = {setting: kind for kind, setting in SETTING_UUIDS.items()}
        if value not in kinds:
            raise serializers.ValidationError(f"No notification setting has the uuid {value}.")
        return kinds[value]

    def validate(self, data):
        """-> {"kind", "frequency"} in the store's terms."""
        if not data["enabled"]:
            frequency = Frequency.NEVER
        else:
            frequency = data.get("notification_frequency") or default_frequency(data["uuid"])
        return {"kind": data["uuid"], "frequency": frequency}
