"""Every date filter of both APIs, any value: 200 with the right rows, or 400 naming the
parameter; never a 500 (offsets PostgreSQL refuses, moments UTC cannot hold on SQLite)."""

import string
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils.dateparse import parse_date, parse_datetime
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from outreach.choices import Right
from tests.factories import (
    ConnectionRequestFactory,
    ConnectionTypeFactory,
    OutreachConnectionFactory,
    SiteFactory,
    SiteMembershipFactory,
)

pytestmark = pytest.mark.django_db

REQUESTS = "/organizations/connections/request/"
ASSIGNMENTS = "/api_accessacs_mobile/v2/12345/connections/assignments/1"
STORED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DUE = date(2015, 6, 1)

over_http = hypothesis_settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Offsets up to +-23:59 (what Python accepts) and, as text, up to +-99:99.
offsets = st.one_of(
    st.just("Z"),
    st.just(""),
    st.builds(
        lambda sign, minutes: f"{sign}{minutes // 60:02d}:{minutes % 60:02d}",
        st.sampled_from("+-"),
        st.integers(0, 24 * 60 - 1),
    ),
    st.from_regex(r"\A[+-]\d{2}:?\d{2}\Z"),
)
moments = st.builds(
    lambda moment, spec, offset: moment.isoformat(timespec=spec) + offset,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"]),
    offsets,
)
iso_values = st.one_of(
    moments,
    st.dates().map(date.isoformat),
    st.sampled_from(
        [
            "7948-10-24T14:23:34.2-22:45",
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+05:00",
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "2026-06-01T12:00:00+24:00",
        ]
    ),
    st.text(alphabet=string.digits + "-:T.Z+ ", max_size=32),
    st.text(max_size=12),
)


def expected_utc(value: str, *, end_of_day: bool) -> datetime | None:
    """The UTC moment a correct server reads, None for a value it must refuse. The text is read
    by Django's ISO parsers (the shapes the API accepts); the range is checked here on its own,
    by timedelta arithmetic instead of a conversion."""
    try:
        day = parse_date(value)
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        return None
    if day is not None:
        clock = datetime.max.time() if end_of_day else datetime.min.time()
        return datetime.combine(day, clock, tzinfo=UTC)
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    offset = moment.utcoffset()
    naive = moment.replace(tzinfo=None)
    if (offset > timedelta(0) and naive - datetime.min < offset) or (
        offset < timedelta(0) and datetime.max - naive < -offset
    ):
        return None
    return (naive - offset).replace(tzinfo=UTC)


@pytest.fixture
def supplier_setup(retailer, retailer_client):
    ConnectionRequestFactory(requester=retailer, request_date=STORED)
    return retailer_client


@pytest.mark.parametrize(
    ("parameter", "end_of_day", "includes"),
    [
        ("request_date_after", False, lambda bound: bound <= STORED),
        ("request_date_before", True, lambda bound: bound >= STORED),
    ],
)
def test_supplier_request_date_filters_take_any_value(
    supplier_setup, parameter, end_of_day, includes
):
    @over_http
    @given(value=iso_values)
    def check(value):
        response = supplier_setup.get(REQUESTS, {parameter: value})
        listed = response.json().get("pagination", {}).get("total_count")
        if value == "":  # an empty parameter is no filter
            assert (response.status_code, listed) == (200, 1)
            return
        bound = expected_utc(value, end_of_day=end_of_day)
        if bound is None:
            assert response.status_code == 400, (value, response.content[:300])
            assert list(response.json()["errors"]) == [parameter], response.json()
            return
        assert response.status_code == 200, (value, response.content[:300])
        assert listed == (1 if includes(bound) else 0), (value, bound)

    check()


@pytest.mark.parametrize(
    "value",
    ["7948-10-24T14:23:34.2-22:45", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"],
)
@pytest.mark.parametrize("parameter", ["request_date_after", "request_date_before"])
def test_the_reported_values_are_400_naming_the_parameter(supplier_setup, parameter, value):
    response = supplier_setup.get(REQUESTS, {parameter: value})

    if value.startswith("7948"):
        # PostgreSQL refused the -22:45 offset; in UTC the moment is ordinary: a 200.
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


@pytest.fixture
def outreach_caller(basic_client):
    site = SiteFactory(number=12345)
    member = SiteMembershipFactory(site=site, locate_person=Right.GRANTED)
    connection_type = ConnectionTypeFactory(site=site, number=1)
    OutreachConnectionFactory(
        site=site, connection_type=connection_type, caller=member.individual, due_date=DUE
    )
    return basic_client(member.user.username)


us_values = st.one_of(
    st.dates().map(lambda day: f"{day.month:02d}/{day.day:02d}/{day.year:04d}"),
    st.from_regex(r"\A\d{1,3}/\d{1,3}/\d{1,5}\Z"),
    st.text(alphabet=string.digits + "/-: ", max_size=14),
    st.text(max_size=12),
)


@pytest.mark.parametrize(
    ("parameter", "includes"),
    [("dueDateFrom", lambda bound: bound <= DUE), ("dueDateTo", lambda bound: bound >= DUE)],
)
def test_outreach_due_date_filters_take_any_value(outreach_caller, parameter, includes):
    @over_http
    @given(value=us_values)
    def check(value):
        response = outreach_caller.get(ASSIGNMENTS, {parameter: value})
        if response.status_code == 400:
            assert list(response.json()["errors"]) == [parameter], response.json()
            return
        assert response.status_code == 200, (value, response.content[:300])
        body = response.json()
        items = body["Page"] if isinstance(body, dict) else body
        if value.strip() == "":  # an empty parameter is no filter
            assert len(items) == 1
            return
        bound = datetime.strptime(value.strip(), "%m/%d/%Y").date()
        assert len(items) == (1 if includes(bound) else 0), (value, bound)

    check()
