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

    for zone in ("UTC", "Europe/Berlin"):
        first = shapes.schedule_data("0 2 * * *", zone)
        again = shapes.schedule_data("0 2 * * *", zone)
        runs = next_runs("0 2 * * *", time_zone=zone)

        assert first == again
        assert first["next_runs"] == [shapes.iso_local(run) for run in runs]
        assert first["next_runs_utc"] == [shapes.iso_utc(run) for run in runs]
        assert first["next_runs"] is not again["next_runs"]  # each row its own list
        assert first["next_runs_utc"] is not again["next_runs_utc"]
        assert shapes._formatted_runs[id(runs)][0] is runs
    empty = shapes.schedule_data("", "UTC")
    assert (empty["next_runs"], empty["next_runs_utc"], empty["schedule_description"]) == (
        None,
        None,
        None,
    )


# --- time zones -----------------------------------------------------------------------------


def test_next_runs_are_read_in_the_zone_across_a_daylight_saving_change():
    """02:30 does not exist in Berlin on 2027-03-28: that run comes at the first moment after
    the jump (03:00 CEST); the others at 02:30 of their day, whatever its offset."""
    runs = next_runs("30 2 * * *", time_zone="Europe/Berlin", now=datetime(2027, 3, 26, tzinfo=UTC))

    assert [run.isoformat() for run in runs] == [
        "2027-03-26T02:30:00+01:00",
        "2027-03-27T02:30:00+01:00",
        "2027-03-28T03:00:00+02:00",
    ]
    assert runs[0] == datetime(2027, 3, 26, 1, 30, tzinfo=UTC)


def test_the_description_names_the_zone():
    assert describe_cron("0 2 * * *", "America/New_York") == "At 02:00 (America/New_York)"
    assert describe_cron("0 2 * * *") == "At 02:00 (UTC)"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "utc", "localtime", None, "../etc/passwd"])
def test_an_unknown_zone_is_none(name):
    assert cron.time_zone_get(name) is None
    assert next_runs("0 2 * * *", time_zone=name or "Mars/Olympus", now=NOW) is None


# --- warnings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "warning"),
    [
        ("* 20 12 3 8,9 *", "It fires 60 times a minute"),  # the seed's
        ("*/10 * * * * *", "It fires 6 times a minute"),
        ("* * * * *", "It fires as often as every minute"),
        ("*/2 9-17 * * 1-5", "It fires as often as every 2 minutes"),
        ("0,58 * * * *", "It fires as often as every 2 minutes"),  # across the hour
        ("0 0 29 2 *", "It fires only in some years (never in 2026, 2027, 2029)"),
    ],
)
def test_schedules_that_are_almost_surely_mistakes_warn(expression, warning):
    (text,) = cron.schedule_warnings(expression, now=NOW)
    assert text.startswith(warning), text


def test_the_seeds_warning_says_how_to_fix_it():
    (text,) = cron.schedule_warnings("* 20 12 3 8,9 *", now=NOW)
    assert "put 0 there ('0 20 12 3 8,9 *')" in text
    (text,) = cron.schedule_warnings("0 0 29 2 *", now=NOW)
    assert text.endswith("29 February comes only in leap years.")


@pytest.mark.parametrize(
    "expression",
    [
        "*/5 * * * *",
        "0,58 3 * * *",  # 58 then 0 of another day
        "0 2 * * *",
        "0 0 2 * * *",
        "30 6,12 * * *",
        "@hourly",
        "@yearly",
        "0 0 31 * *",  # not every month, but every year
        "0 0 29 2 1",  # 29 February or any Monday of February: every year
        "",
        "nope",
    ],
)
def test_sensible_schedules_do_not_warn(expression):
    assert cron.schedule_warnings(expression, now=NOW) == []
