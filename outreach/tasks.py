"""Outreach work that does not belong in a request: `apply all` for a site with many pending,
and the daily publication of connections falling due."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from connect_api.jobs import job_task
from outreach import services
from outreach.choices import ChangeRequestStatus
from outreach.models import ChangeRequest, Site


def apply_all_runs_as_job(*, site: Site) -> bool:
    """More PENDING change requests than OUTREACH_APPLY_ALL_SYNC_MAX: answer 202, run a job.

    Each apply locks and writes a few rows (~10-20 ms); up to 25 finish well inside a request,
    so small batches keep the synchronous 200 existing clients read.
    """
    pending = ChangeRequest.objects.restrict(site).filter(status=ChangeRequestStatus.PENDING)
    return pending[: settings.OUTREACH_APPLY_ALL_SYNC_MAX + 1].count() > (
        settings.OUTREACH_APPLY_ALL_SYNC_MAX
    )


@job_task("outreach.change_requests_apply_all")
def change_requests_apply_all(*, site_pk: int, reviewer_pk: int) -> dict:
    """The same work and the same answer as the synchronous `POST <site>/changerequests/apply`."""
    from outreach.api.serializers import apply_all_data

    site = Site.objects.get(pk=site_pk)
    reviewer = get_user_model().objects.get(pk=reviewer_pk)
    return apply_all_data(services.change_requests_apply_pending(site=site, reviewer=reviewer))


@db_periodic_task(crontab(hour="5", minute="30"))
def connections_due_publish() -> int:
    """Daily (05:30 UTC, before the reminder mails): `outreach_connection.due` for each open
    connection falling due within DUE_WITHIN_DAYS, once per connection and due date."""
    return services.connection_due_notices_publish(today=timezone.localdate())
