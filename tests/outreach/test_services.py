"""Per-site numbers are issued in sequence per site and without races."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from outreach.models import Connection, Individual, Site
from outreach.services import site_number_next
from tests.factories import IndividualFactory, SiteFactory


@pytest.mark.django_db
def test_numbers_are_per_site():
    site, other = SiteFactory(number=12345), SiteFactory(number=54321)
    IndividualFactory(site=site, number=76)
    assert site_number_next(site=site, model=Individual) == 77
    assert site_number_next(site=other, model=Individual) == 1
    assert site_number_next(site=site, model=Connection) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_never_get_the_same_number():
    site = SiteFactory(number=12345)
    workers = 6
    barrier = threading.Barrier(workers)
    issued, errors = [], []

    def issue():
        try:
            barrier.wait()
            with transaction.atomic():
                locked_site = Site.objects.get(pk=site.pk)
                number = site_number_next(site=locked_site, model=Individual)
                IndividualFactory(site=locked_site, number=number)
            issued.append(number)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(issued) == list(range(1, workers + 1))
