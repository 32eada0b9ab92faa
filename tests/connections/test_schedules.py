"""next_runs and schedule_description: what an integration's cron means (connections.cron)."""

from datetime import UTC, datetime

import pytest

from connections import cron
from connections.cron import describe_cron, next_runs, parse_cron

NOW = datetime(2026, 12, 1, 20, 0, 30, tzinfo=UTC)


def test_the_seed_fires_every_second_of_one_minute_on_two_days_a_year():
    assert next_runs("* 20 12 3 8,9 *", now=NOW) == [
        datetime(2027, 8, 3, 12, 20, 0, tzinfo=UTC),
        datetime(2027, 8, 3, 12, 20, 1, tzinfo=UTC),
        datetime(2027, 8, 3, 12, 20, 2, tzinfo=UTC),
    ]
    assert describe_cron("* 20 12 3 8,9 *") == (
        "Every second, at 20 minutes past the hour, between 12:00 and 12:59, "
        "on day 3 of the month, only in August and September (UTC)"
    )


@pytest.mark.parametrize(
    ("expression", "first", "description"),
    [
        ("0 2 * * *", datetime(2026, 12, 2, 2, 0, tzinfo=UTC), "At 02:00 (UTC)"),
        ("30 6,12 * * *", datetime(2026, 12, 2, 6, 30, tzinfo=UTC), "At 06:30 and 12:30 (UTC)"),
        ("0 0 2 * * *", datetime(2026, 12, 2, 2, 0, tzinfo=UTC), "At 02:00 (UTC)"),  # seconds first
        ("@daily", datetime(2026, 12, 2, 0, 0, tzinfo=UTC), "At 00:00 (UTC)"),
        ("@hourly", datetime(2026, 12, 1, 21, 0, tzinfo=UTC), "Every hour (UTC)"),
    ],
)
def test_next_runs_and_description(expression, first, description):
    runs = next_runs(expression, now=NOW)

    assert len(runs) == 3
    assert runs[0] == first
    assert runs == sorted(runs)
    assert describe_cron(expression) == description


@pytest.mark.parametrize("value", ["", "nope", "* * * * * * *", "0 0 30 2 *"])
def test_no_schedule_or_no_valid_schedule_is_none(value):
    assert next_runs(value, now=NOW) is None
    assert describe_cron(value) is None


def test_the_validator_and_the_schedule_share_one_parser():
    """6 fields are seconds first for both: `* * * * * 61` is not a valid day of week."""
    assert parse_cron("* * * * * 61") is None
    assert parse_cron("0 0 2 * * *") == cron.Cron("0 0 2 * * *", seconds_first=True)


def test_cached_runs_are_reused_only_while_none_has_passed():
    later = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    first = next_runs("0 2 * * *", now=NOW)

    assert next_runs("0 2 * * *", now=NOW.replace(hour=23)) == first
    assert next_runs("0 2 * * *", now=later)[0] == datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    # an earlier moment than the cached computation is computed afresh
    assert next_runs("0 2 * * *", now=datetime(2026, 11, 1, tzinfo=UTC))[0] == datetime(
        2026, 11, 1, 2, 0, tzinfo=UTC
    )


def test_schedule_data_formats_each_list_of_runs_once_and_answers_as_formatting_each_time():
    from connections.api import serializers as shapes

    first = shapes.schedule_data("0 2 * * *")
    again = shapes.schedule_data("0 2 * * *")
    runs = next_runs("0 2 * * *")

    assert first == again
    assert first["next_runs"] == [shapes.iso_utc(run) for run in runs]
    assert first["next_runs"] is not again["next_runs"]  # each row its own list
    assert shapes._formatted_runs[id(runs)][0] is runs
    assert shapes.schedule_data("") == {"next_runs": None, "schedule_description": None}
