"""Validation of an integration's `update_frequency` and `time_zone` (the rules live in
connections.cron)."""

from rest_framework import serializers

from connect_api.errors import shown
from connections.cron import VALID_CRON_FORMS, is_valid_cron, never_fires, time_zone_get

__all__ = ["VALID_CRON_FORMS", "is_valid_cron", "validate_time_zone", "validate_update_frequency"]


def validate_update_frequency(value: str) -> str:
    if never_fires(value):
        raise serializers.ValidationError(
            f"{shown(value)!r} never fires (no month it names has that day): " + VALID_CRON_FORMS
        )
    if not is_valid_cron(value):
        raise serializers.ValidationError(
            f"{shown(value)!r} is not a valid cron expression: " + VALID_CRON_FORMS
        )
    return value.strip()


def validate_time_zone(value: str) -> str:
    if time_zone_get(value) is None:
        raise serializers.ValidationError(
            f"{shown(value)!r} is not a known IANA time zone: use a name such as UTC, "
            "Europe/Berlin or America/New_York."
        )
    return value
