"""Validation of an integration's `update_frequency` (the cron rules live in connections.cron)."""

from rest_framework import serializers

from connect_api.errors import shown
from connections.cron import VALID_CRON_FORMS, is_valid_cron

__all__ = ["VALID_CRON_FORMS", "is_valid_cron", "validate_update_frequency"]


def validate_update_frequency(value: str) -> str:
    if not is_valid_cron(value):
        raise serializers.ValidationError(
            f"{shown(value)!r} is not a valid cron expression: " + VALID_CRON_FORMS
        )
    return value.strip()
