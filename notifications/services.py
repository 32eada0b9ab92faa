"""Mail writes: owe a mail per (event, recipient, kind), send it once, set preferences.

Nothing here runs inside an API request: `event_mail` is the event outbox's subscriber (run by
the `event_dispatch` job after the business transaction commits), the digests are periodic jobs
(notifications/tasks.py). A MailDelivery row is claimed under a row lock and marked SENT in the
same transaction as the send, so a retried job or a second dispatch of the event never sends
it again (a send that raises leaves the row PENDING for the retry).
"""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from connect_api.errors import NotFound
from connect_api.models import Event
from notifications import selectors
from notifications.choices import DeliveryStatus, Frequency
from notifications.mail import Unsubscribe, mail_build, subject_of
from notifications.models import MailDelivery, MailPreference
from outreach.models import Site


def event_mail(event: Event) -> None:
    """The outbox subscriber: one MailDelivery per recipient of the event (none for those who
    chose never); the immediate ones are sent now, the others wait for their digest."""
    for audience in selectors.audiences_for(event):
        frequencies = selectors.frequencies_for(audience.users, audience.kind, audience.site)
        context = {"event": event.name, "data": event.data, **audience.context}
        context["subject"] = subject_of(audience.kind, context)
        for user in audience.users:
            frequency = frequencies[user.pk]
            if frequency == Frequency.NEVER:
                continue
            delivery, _ = MailDelivery.objects.get_or_create(
                event=event,
                recipient=user,
                kind=audience.kind,
                defaults={
                    "site": audience.site,
                    "frequency": frequency,
                    "status": DeliveryStatus.PENDING
                    if frequency == Frequency.IMMEDIATELY
                    else DeliveryStatus.QUEUED,
                    "context": context,
                },
            )
            if delivery.status == DeliveryStatus.PENDING:
                delivery_send(delivery=delivery)


def delivery_send(*, delivery: MailDelivery) -> bool:
    """Send one PENDING delivery (False: already sent, nothing done)."""
    with transaction.atomic():
        locked = (
            MailDelivery.objects.select_for_update()
            .filter(pk=delivery.pk, status=DeliveryStatus.PENDING)
            .select_related("recipient")
            .first()
        )
        if locked is None:
            return False
        mail_build(
            recipient=locked.recipient,
            kind=locked.kind,
            site_pk=locked.site_id,
            template=locked.kind,
            context=locked.context,
        ).send()
        locked.status, locked.sent_at = DeliveryStatus.SENT, timezone.now()
        locked.save(update_fields=["status", "sent_at"])
    return True


def digests_send(*, frequency: str) -> int:
    """Send every digest of the frequency (daily or weekly): one mail per recipient, site and
    kind gathering its QUEUED deliveries. Returns how many mails were sent."""
    groups = (
        selectors.deliveries_queued(frequency=frequency)
        .order_by()
        .values_list("recipient_id", "site_id", "kind")
        .distinct()
    )
    return sum(
        digest_send(recipient_pk=recipient_pk, site_pk=site_pk, kind=kind, frequency=frequency)
        for recipient_pk, site_pk, kind in list(groups)
    )


def digest_send(*, recipient_pk: int, site_pk: int | None, kind: str, frequency: str) -> bool:
    """One digest: its rows locked, sent together, marked SENT (False: nothing left to send)."""
    with transaction.atomic():
        rows = list(
            selectors.deliveries_queued(frequency=frequency)
            .select_for_update()
            .restrict(site_pk)
            .filter(recipient_id=recipient_pk, kind=kind)
            .select_related("recipient")
            .order_by("created", "pk")
        )
        if not rows:
            return False
        items = [row.context for row in rows]
        if len(items) == 1:  # a digest of one is that notice's own mail
            template, context = kind, items[0]
        else:
            template = "digest"
            context = {
                "items": items,
                "count": len(items),
                "frequency": Frequency(frequency).label,
                "site_name": items[0].get("site_name"),
                "subject": f"{Frequency(frequency).label}: {len(items)} x "
                f"{selectors.kind_label(kind)}",
            }
        mail_build(
            recipient=rows[0].recipient,
            kind=kind,
            site_pk=site_pk,
            template=template,
            context=context,
        ).send()
        MailDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now()
        )
    return True


def preferences_set(*, user, site: Site | None, frequencies: dict[str, str]) -> None:
    """The user's frequency of each given kind (at the site); other kinds unchanged."""
    with transaction.atomic():
        for kind, frequency in frequencies.items():
            MailPreference.objects.restrict(site).update_or_create(
                user=user,
                kind=kind,
                defaults={"frequency": frequency},
                create_defaults={"site": site, "frequency": frequency},
            )
        if Frequency.NEVER in frequencies.values():
            never = [kind for kind, value in frequencies.items() if value == Frequency.NEVER]
            MailDelivery.objects.restrict(site).filter(
                recipient=user, kind__in=never, status=DeliveryStatus.QUEUED
            ).delete()


def unsubscribe_apply(*, token: str) -> Unsubscribe:
    """The one-click unsubscribe: the token's kind set to never (idempotent)."""
    from django.contrib.auth import get_user_model

    try:
        unsubscribe = Unsubscribe.from_token(token)
    except signing.BadSignature:
        raise NotFound("This unsubscribe link is not valid.") from None
    user = get_user_model().objects.filter(pk=unsubscribe.user_pk).first()
    site = Site.objects.filter(pk=unsubscribe.site_pk).first() if unsubscribe.site_pk else None
    if user is None or (unsubscribe.site_pk and site is None):
        raise NotFound("This unsubscribe link is not valid.")
    preferences_set(user=user, site=site, frequencies={unsubscribe.kind: Frequency.NEVER})
    return unsubscribe
