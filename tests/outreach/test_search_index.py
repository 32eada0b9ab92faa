"""On PostgreSQL the individual search is served by one pg_trgm GIN index over
`Individual.search_text` (migration 0006), which replaced the five per-column ones."""

import pytest
from django.db import connection

from outreach.models import Individual
from tests.factories import IndividualFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

INDEX = "outreach_individual_search_text_trgm"


def _trigram_indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename LIKE 'outreach_%%' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        return set(cursor.fetchall())


def test_one_trigram_index_over_the_search_text():
    assert _trigram_indexes() == {("outreach_individual", INDEX)}


@pytest.mark.parametrize("query", ["wright", "john adams", "example.org", "555-01"])
def test_the_search_query_uses_it(query):
    """The index expression matches the SQL Django writes for `contains` (`search_text::text
    LIKE`, a no-op cast of a text column), once per word. (Whether the planner prefers it to
    the site's b-tree depends on the data: benchmarks/outreach_search.py prints the plans at
    50,000 and 500,000 people.)"""
    IndividualFactory(first_name="John", last_name="Wright")
    queryset = Individual.objects.search(query)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {INDEX}" in plan, plan
    index_condition = plan[plan.index("Index Cond:") :]
    assert index_condition.count("search_text ~~") == len(query.split()), plan
