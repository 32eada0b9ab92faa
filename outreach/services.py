"""Outreach writes. Per-site numbers are issued here, without races."""

from django.db import models, transaction
from django.db.models import Max

from outreach.models import Site


def site_number_next(*, site: Site, model: type[models.Model]) -> int:
    """The next free per-site `number` of `model` (a model with `site` and `number` fields).

    Locks the Site row (select_for_update) so concurrent issuers of the same site queue up;
    call it inside the transaction that saves the new row, so the lock lasts until commit.
    """
    with transaction.atomic():
        Site.objects.select_for_update().only("pk").get(pk=site.pk)
        highest = model.objects.filter(site=site).aggregate(highest=Max("number"))["highest"]
        return (highest or 0) + 1
