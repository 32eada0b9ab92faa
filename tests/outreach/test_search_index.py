"""On PostgreSQL the individual search is served by pg_trgm GIN indexes (migration 0001)."""

import pytest
from django.db import connection

from outreach.models import Individual
from outreach.selectors import individual_search_filter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'outreach_individual' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        f"outreach_individual_{column}_trgm"
        for column in ("first_name", "last_name", "goes_by_name", "email", "phone")
    }


def test_the_search_query_can_use_them():
    """The index expressions match the SQL Django writes for `icontains` (UPPER(col::text))."""
    queryset = Individual.objects.filter(individual_search_filter("wright"))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("first_name", "last_name", "goes_by_name", "email", "phone"):
        assert f"outreach_individual_{column}_trgm" in plan
