"""On PostgreSQL the individual search is served by pg_trgm GIN indexes (migrations 0001 for
names, 0004 for the emails and phones tables)."""

import pytest
from django.db import connection

from outreach.models import Individual
from outreach.selectors import individual_search_filter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

INDEXES = {
    "outreach_individual": {
        f"outreach_individual_{column}_trgm"
        for column in ("first_name", "last_name", "goes_by_name")
    },
    "outreach_individualemail": {"outreach_individualemail_email_trgm"},
    "outreach_phone": {"outreach_phone_phone_number_trgm"},
}


@pytest.mark.parametrize("table", sorted(INDEXES))
def test_trigram_indexes_exist(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s "
            "AND indexdef LIKE '%%gin_trgm_ops%%'",
            [table],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == INDEXES[table]


def test_the_search_query_can_use_them():
    """The index expressions match the SQL Django writes for `icontains` (UPPER(col::text)),
    in each part of the UNION (names, emails, phones)."""
    queryset = Individual.objects.filter(individual_search_filter("wright"))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for name in set().union(*INDEXES.values()):
        assert name in plan
