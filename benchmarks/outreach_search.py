"""p95 of the outreach individual search at 50,000 and 500,000 individuals at one site
(PostgreSQL: the pg_trgm index over `Individual.search_text`).

    .venv/bin/python benchmarks/outreach_search.py                 # 50k then 500k, ~3-5 min
    .venv/bin/python benchmarks/outreach_search.py --sizes 50000 --repeats 5

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/connect_api_search_bench). The
site's people are seeded with SQL (generate_series; varied names: 36 first names, last names
of 1-3 of 36 syllables, a goes-by name on one in five, one email and one phone each), grown
from one size to the next, then VACUUM ANALYZE (as autovacuum would). Per size it prints:

- p95 and median of what `GET <site>/individuals?q=...` runs (the count of the matches
  bounded to 3,001, a page of 25 of them, each person's emails, phones and addresses, the
  dicts: see `PageIndexPagination.rows_counted_up_to`) for a mix of name, email and phone
  fragments of 3+ characters and two-word queries;
- the same through the endpoint (Django test client, HTTP Basic as the app sends it);
- EXPLAIN ANALYZE for a rare, a broad and a phone fragment: the count of the matches bounded
  to 3,001 (`Bitmap Index Scan on outreach_individual_search_text_trgm`), then the page read
  from those bounded matches or, past 3,000, in name order (the site's b-tree).

Before measuring, a sample of the SQL-written search texts is checked against what the saves
write (`search_text_refresh` must find nothing to change).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "connect_api.settings"
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
# The default 1200/min leases the same blocks (12 hits a round trip), never reached here
os.environ.setdefault("THROTTLE_USER", "1200/s")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/connect_api_search_bench"
)

import django

from scripts.databases import database_ensure

database_ensure(os.environ["DATABASE_URL"])  # created when missing
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from connect_api.api.pagination import PageIndexPagination  # noqa: E402
from connect_api.warmup import warm_and_freeze  # noqa: E402
from outreach.api.outputs import (  # noqa: E402
    SEARCH_EXACT_COUNT_UP_TO,
    Links,
    contact_data,
)
from outreach.choices import EmailType, PhoneType, Right  # noqa: E402
from outreach.models import Individual, Site, SiteMembership  # noqa: E402
from outreach.selectors import contact_prefetches, individuals_search  # noqa: E402
from tests.conftest import basic_header  # noqa: E402

SITE_NUMBER = 777
PAGE_SIZE = 25
USERNAME, PASSWORD = "outreach-search-bench", "bench-password"
QUERIES = [
    "wright", "Hansen", "okafor", "MARTINEZ", "chen", "ellis", "Novak", "brandt", "quill",
    "oliv", "thom", "zara", "olivia.han", "garcia7", "bennet12", "555-01", "0176", "2234",
    "801-555-9", "nonexistent", "john wright", "mary 555-12", "berg", "son",
]  # fmt: skip
"""Rare and broad name parts, email and phone fragments, two words, no match."""
EXPLAINED = ["okafor", "son", "555-01"]
FIRST_NAMES = [
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Olivia", "Liam", "Emma", "Noah", "Ava", "Zara", "Mateo",
    "Chloe", "Ethan", "Grace", "Henry", "Ruth", "Samuel", "Abigail", "Omar", "Lucia",
]  # fmt: skip
SYLLABLES = [
    "han", "sen", "ok", "afor", "mar", "tin", "ez", "chen", "el", "lis", "no", "vak", "brandt",
    "quill", "wright", "gar", "cia", "ben", "net", "ro", "ber", "son", "kov", "ski", "lee",
    "ma", "da", "vi", "ton", "ford", "ham", "well", "ing", "berg", "stein", "mann",
]  # fmt: skip

SEED_SQL = """
SELECT setseed(%(seed)s);
CREATE TEMP TABLE bench_people ON COMMIT DROP AS
SELECT number, first_name, last_name,
       CASE WHEN random() < 0.2 THEN left(first_name, 3) ELSE '' END AS goes_by_name,
       lower(first_name || '.' || last_name || (number %% 100)) || '@example.org' AS email,
       '801-555-' || lpad(floor(random() * 10000)::int::text, 4, '0') AS phone_number
FROM (
    SELECT number,
           (%(firsts)s::text[])[1 + floor(random() * %(first_count)s)::int] AS first_name,
           initcap(
               (%(syllables)s::text[])[1 + floor(random() * %(syllable_count)s)::int]
               || CASE WHEN random() < 0.6
                  THEN (%(syllables)s::text[])[1 + floor(random() * %(syllable_count)s)::int]
                  ELSE '' END
               || CASE WHEN random() < 0.3
                  THEN (%(syllables)s::text[])[1 + floor(random() * %(syllable_count)s)::int]
                  ELSE '' END
           ) AS last_name
    FROM generate_series(%(start)s, %(stop)s) AS number
) AS drawn;

INSERT INTO outreach_family (site_id, number, name, picture)
SELECT %(site)s, family_number, '', ''
FROM generate_series((%(start)s + 2) / 3, (%(stop)s + 2) / 3) AS family_number
ON CONFLICT DO NOTHING;

INSERT INTO outreach_individual (
    site_id, number, family_id, title, first_name, middle_name, last_name, goes_by_name,
    suffix, family_position, member_status, picture, search_text
)
SELECT %(site)s, p.number, f.id, '', p.first_name, '', p.last_name, p.goes_by_name, '',
       (ARRAY['Head', 'Spouse', 'Child'])[1 + p.number %% 3], 'Member', '',
       upper(concat_ws(' ', p.first_name, p.last_name, nullif(p.goes_by_name, ''), p.email,
                       p.phone_number))
FROM bench_people p
JOIN outreach_family f ON f.site_id = %(site)s AND f.number = (p.number + 2) / 3;

INSERT INTO outreach_individualemail (
    site_id, number, individual_id, email_type, email, preferred, listed
)
SELECT %(site)s, p.number, i.id, %(email_type)s, p.email, true, true
FROM bench_people p
JOIN outreach_individual i ON i.site_id = %(site)s AND i.number = p.number;

INSERT INTO outreach_phone (
    site_id, number, individual_id, phone_type, phone_number, extension, preferred, listed
)
SELECT %(site)s, p.number, i.id, %(phone_type)s, p.phone_number, '', true, true
FROM bench_people p
JOIN outreach_individual i ON i.site_id = %(site)s AND i.number = p.number;
"""


def grow(site: Site, size: int) -> None:
    """The site's people numbered 1..size (those missing added with SQL), analyzed."""
    have = site.individuals.count()
    if have < size:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                SEED_SQL,
                {
                    "seed": 0.1 + have / 10_000_000,
                    "site": site.pk,
                    "start": have + 1,
                    "stop": size,
                    "firsts": FIRST_NAMES,
                    "first_count": len(FIRST_NAMES),
                    "syllables": SYLLABLES,
                    "syllable_count": len(SYLLABLES),
                    "email_type": EmailType.HOME.value,
                    "phone_type": PhoneType.HOME.value,
                },
            )
        print(f"seeded people {have + 1}-{size} in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for table in ("outreach_individual", "outreach_individualemail", "outreach_phone"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # flushes the GIN pending list too
    sample = Individual.objects.filter(site=site).order_by("?").values_list("pk", flat=True)[:200]
    changed = Individual.objects.filter(pk__in=list(sample)).search_text_refresh()
    assert changed == 0, f"{changed} of 200 SQL-seeded search texts differ from the saves'"


def search(membership: SiteMembership, query: str, links: Links) -> dict:
    """What IndividualSearchView runs between authentication and rendering."""
    page = PageIndexPagination(0, PAGE_SIZE)
    individuals = individuals_search(membership, query).select_related("family")
    rows, page_count = page.rows_counted_up_to(
        individuals, SEARCH_EXACT_COUNT_UP_TO, contact_prefetches()
    )
    return {"Page": [contact_data(person, links) for person in rows], "PageCount": page_count}


def timed(call, repeats: int) -> tuple[float, float]:
    for query in QUERIES:  # warm the caches
        call(query)
    samples = []
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            call(query)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(samples, n=100)[94], statistics.median(samples)


def explain(membership: SiteMembership, query: str) -> None:
    """The plans of the two queries `PageIndexPagination.rows_counted_up_to` runs for `query`: the
    bounded count, then the page of those matches or, past the cap, the page in name order."""
    individuals = individuals_search(membership, query)
    matches = individuals.order_by().values("pk")[: SEARCH_EXACT_COUNT_UP_TO + 1]
    if matches.count() <= SEARCH_EXACT_COUNT_UP_TO:
        page = ("page of the bounded matches", individuals.filter(pk__in=matches)[:PAGE_SIZE])
    else:
        page = ("page in name order", individuals[: PAGE_SIZE + 1])
    for label, queryset in (("count", matches), page):
        sql, params = queryset.query.sql_with_params()
        if label == "count":  # what matches.count() runs
            sql = f"SELECT COUNT(*) FROM ({sql}) AS matches"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"  EXPLAIN ANALYZE {label} q={query!r}:")
        for line in plan:
            print(f"    {line[:150]}")  # an id list's condition is long


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000,500000")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (the trigram index exists only there).")
    call_command("migrate", verbosity=0)
    site, _ = Site.objects.get_or_create(number=SITE_NUMBER, defaults={"name": "Bench"})
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(PASSWORD)
    user.save()
    membership, _ = SiteMembership.objects.update_or_create(
        user=user, site=site, defaults={"locate_person": Right.GRANTED}
    )
    membership = SiteMembership.objects.select_related("site").get(pk=membership.pk)
    links = Links(f"http://testserver/api_accessacs_mobile/v2/{SITE_NUMBER}")
    client = Client(HTTP_AUTHORIZATION=basic_header(USERNAME, PASSWORD))
    url = f"/api_accessacs_mobile/v2/{SITE_NUMBER}/individuals"

    def through_endpoint(query: str):
        response = client.get(url, {"q": query, "pageSize": PAGE_SIZE})
        assert response.status_code == 200, response.content[:300]

    for size in (int(size) for size in args.sizes.split(",")):
        grow(site, size)
        warm_and_freeze()  # as gunicorn's workers do once loaded (gunicorn.conf.py)
        samples = args.repeats * len(QUERIES)
        print(f"{size} individuals at one site, {len(QUERIES)} queries x {args.repeats}")
        selector = timed(lambda query: search(membership, query, links), args.repeats)
        endpoint = timed(through_endpoint, args.repeats)
        for label, (p95, median) in (("query+dicts", selector), ("endpoint", endpoint)):
            print(f"  {label:>12}: p95 {p95:7.2f} ms, median {median:7.2f} ms ({samples} searches)")
        counts = {q: individuals_search(membership, q).count() for q in QUERIES}
        print("  matches: " + ", ".join(f"{q}={n}" for q, n in counts.items()))
        for query in EXPLAINED:
            explain(membership, query)


if __name__ == "__main__":
    main()
