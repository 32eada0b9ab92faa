"""p95 of the outreach individual search at 50,000 individuals, with and without pg_trgm.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/connect_api_outreach_bench \\
        .venv/bin/python benchmarks/outreach_search.py

Runs what `GET <site>/individuals?q=...` runs (count, first page of 25 with each person's
emails, phones and addresses, dict building) for a mix of name, email and phone fragments
(emails and phones are rows of their own tables, one UNION of the three). "without" drops
the trigram indexes inside a transaction that is rolled back (DDL is transactional on
PostgreSQL), so the database keeps them. PostgreSQL only: the indexes do not exist elsewhere.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/connect_api_outreach_bench"
)

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from outreach.api.outputs import Links, contact_data  # noqa: E402
from outreach.models import (  # noqa: E402
    Family,
    Individual,
    IndividualEmail,
    Phone,
    Site,
    SiteMembership,
)
from outreach.selectors import contact_prefetches, individuals_search  # noqa: E402

INDIVIDUALS = 50_000
SITE_NUMBER = 777
PAGE_SIZE = 25
REPEATS = 15
QUERIES = [
    "wright", "Hansen", "okafor", "MARTINEZ", "chen", "ellis", "Novak", "brandt", "quill",
    "oliv", "thom", "zara", "olivia.han", "garcia7", "bennet12", "555-01", "0176", "2234",
    "801-555-9", "nonexistent",
]  # fmt: skip
TRIGRAM_INDEXES = [
    *(
        f"outreach_individual_{column}_trgm"
        for column in ("first_name", "last_name", "goes_by_name")
    ),
    "outreach_individualemail_email_trgm",
    "outreach_phone_phone_number_trgm",
]
LINKS = Links("http://bench/api_accessacs_mobile/v2/777")
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


def populate(site: Site) -> None:
    """INDIVIDUALS people in families of three, each with one preferred email and phone."""
    if site.individuals.count() == INDIVIDUALS:
        return
    site.individuals.all().delete()
    site.families.all().delete()
    rng = random.Random(5)
    families = Family.objects.bulk_create(
        Family(site=site, number=number) for number in range(1, INDIVIDUALS // 3 + 2)
    )
    people, emails, phones = [], [], []
    for number in range(1, INDIVIDUALS + 1):
        first = rng.choice(FIRST_NAMES)
        last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).title()
        people.append(
            Individual(
                site=site,
                number=number,
                family=families[number // 3],
                first_name=first,
                last_name=last,
                goes_by_name=first[:3] if rng.random() < 0.2 else "",
                family_position=rng.choice(["Head", "Spouse", "Child"]),
                member_status="Member",
            )
        )
        emails.append(f"{first}.{last}{number % 100}@example.org".lower())
        phones.append(f"801-555-{rng.randint(0, 9999):04d}")
    people = Individual.objects.bulk_create(people, batch_size=5000)
    IndividualEmail.objects.bulk_create(
        (
            IndividualEmail(site=site, number=n, individual=p, email=e, preferred=True)
            for n, (p, e) in enumerate(zip(people, emails, strict=True), 1)
        ),
        batch_size=5000,
    )
    Phone.objects.bulk_create(
        (
            Phone(site=site, number=n, individual=p, phone_number=t, preferred=True)
            for n, (p, t) in enumerate(zip(people, phones, strict=True), 1)
        ),
        batch_size=5000,
    )


def search(membership: SiteMembership, query: str) -> dict:
    individuals = individuals_search(membership, query).select_related("family")
    total = individuals.count()
    page = individuals.prefetch_related(*contact_prefetches())[:PAGE_SIZE]
    return {
        "Page": [contact_data(individual, LINKS) for individual in page],
        "PageCount": -(-total // PAGE_SIZE),
    }


def p95_ms(membership: SiteMembership) -> tuple[float, float]:
    for query in QUERIES:  # warm the caches
        search(membership, query)
    samples = []
    for _ in range(REPEATS):
        for query in QUERIES:
            started = time.perf_counter()
            search(membership, query)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(samples, n=100)[94], statistics.median(samples)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (the trigram indexes are created only there).")
    call_command("migrate", verbosity=0)
    site, _ = Site.objects.get_or_create(number=SITE_NUMBER, defaults={"name": "Bench"})
    populate(site)
    with connection.cursor() as cursor:
        # As autovacuum would: flushes the GIN pending lists and refreshes the statistics.
        for table in ("outreach_individual", "outreach_individualemail", "outreach_phone"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    user, _ = get_user_model().objects.get_or_create(username="outreach_bench")
    membership, _ = SiteMembership.objects.get_or_create(user=user, site=site)

    with_index = p95_ms(membership)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in TRIGRAM_INDEXES:
                cursor.execute(f"DROP INDEX {name}")
        without_index = p95_ms(membership)
        transaction.set_rollback(True)

    samples = REPEATS * len(QUERIES)
    print(f"{INDIVIDUALS} individuals, {len(QUERIES)} queries x {REPEATS} = {samples} searches")
    for label, (p95, median) in [("with pg_trgm", with_index), ("without", without_index)]:
        print(f"{label:>12}: p95 {p95:7.2f} ms, median {median:7.2f} ms")


if __name__ == "__main__":
    main()
