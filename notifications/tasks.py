"""The mail jobs: the daily and weekly digests (due reminders are daily by default)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from notifications import services
from notifications.choices import Frequency


@db_periodic_task(crontab(hour="6", minute="0"))
def daily_mail() -> int:
    """06:00 UTC, after outreach's 05:30 publication of connections due: the daily digests and
    reminders."""
    return services.digests_send(frequency=Frequency.DAILY)


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="0"))
def weekly_mail() -> int:
    """Mondays 06:00 UTC: the weekly digests."""
    return services.digests_send(frequency=Frequency.WEEKLY)
