"""Webhook writes: endpoints registered and changed, deliveries created per event, attempted,
retried with backoff, re-delivered; endpoints failing for days disabled (owner told)."""

import base64
import json
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from connect_api.errors import Conflict, DomainError
from connect_api.events import EventName
from connect_api.models import Event
from organizations.models import Organization
from outreach.choices import SecurityRole
from outreach.models import Site, SiteMembership
from outreach.services import site_number_next
from webhooks.choices import DeliveryStatus, EndpointStatus
from webhooks.models import Delivery, Endpoint
from webhooks.targets import Outcome, TargetRefused, target_post, target_resolve

SECRET_PREFIX = "whsec_"
PAUSED_BY_OWNER = "Disabled by its owner."


def _secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _events_checked(events: list[str], field: str) -> list[str]:
    unknown = [name for name in events if name not in EventName.values]
    if unknown:
        raise DomainError(
            f"Unknown event {unknown[0]!r}.",
            errors={
                field: [
                    f"{name!r} is not one of: {', '.join(EventName.values)}." for name in unknown
                ]
            },
        )
    if not events:
        raise DomainError("Name at least one event.", errors={field: ["Name at least one event."]})
    return list(dict.fromkeys(events))


# --- endpoints -----------------------------------------------------------------------------


def endpoint_create(
    *,
    url: str,
    events: list[str],
    description: str = "",
    organization: Organization | None = None,
    site: Site | None = None,
    status: str = EndpointStatus.ACTIVE,
    fields: dict[str, str] | None = None,
) -> Endpoint:
    """Register an endpoint of an organization or a site (the URL checked for SSRF first),
    ACTIVE unless registered paused (DISABLED).

    `fields` maps `url`/`events` to the names the caller's API uses, for error messages."""
    names = {"url": "url", "events": "events", **(fields or {})}
    target_resolve(url, field=names["url"])
    events = _events_checked(events, names["events"])
    paused = status == EndpointStatus.DISABLED
    with transaction.atomic():
        return Endpoint.objects.create(
            organization=organization,
            site=site,
            number=site_number_next(site=site, model=Endpoint) if site else None,
            url=url,
            events=events,
            description=description,
            secret=_secret_new(),
            status=status,
            disabled_date=timezone.now() if paused else None,
            disabled_reason=PAUSED_BY_OWNER if paused else "",
        )


def endpoint_update(
    *, endpoint: Endpoint, data: dict, fields: dict[str, str] | None = None
) -> Endpoint:
    """Change any of `url`, `events`, `description`, `status` (ACTIVE re-enables a disabled
    endpoint and forgets its failures; DISABLED pauses it)."""
    names = {"url": "url", "events": "events", **(fields or {})}
    if "url" in data:
        target_resolve(data["url"], field=names["url"])
    if "events" in data:
        data = {**data, "events": _events_checked(data["events"], names["events"])}
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        for name in ("url", "events", "description"):
            if name in data:
                setattr(endpoint, name, data[name])
        status = data.get("status")
        if status == EndpointStatus.ACTIVE and not endpoint.is_active:
            endpoint.status = EndpointStatus.ACTIVE
            endpoint.failing_since = None
            endpoint.disabled_date = None
            endpoint.disabled_reason = ""
            endpoint.owner_notified_date = None
        elif status == EndpointStatus.DISABLED and endpoint.is_active:
            _endpoint_disable(endpoint, reason=PAUSED_BY_OWNER)
        endpoint.save()
    return endpoint


def endpoint_secret_rotate(*, endpoint: Endpoint) -> Endpoint:
    """A new signing secret (returned on the endpoint, to show once); the one it replaces keeps
    signing beside it for WEBHOOKS_SECRET_OVERLAP, then is forgotten."""
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires = timezone.now() + settings.WEBHOOKS_SECRET_OVERLAP
        endpoint.secret = _secret_new()
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires"])
    return endpoint


def signing_secrets(endpoint: Endpoint, *, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one
    during the overlap after a rotation."""
    expires = endpoint.previous_secret_expires
    if endpoint.previous_secret and expires is not None and now < expires:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


def endpoint_delete(*, endpoint: Endpoint) -> None:
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).delete()


def _endpoint_disable(endpoint: Endpoint, *, reason: str) -> None:
    """Mark the (locked) endpoint disabled and give up its pending deliveries."""
    endpoint.status = EndpointStatus.DISABLED
    endpoint.disabled_date = timezone.now()
    endpoint.disabled_reason = reason
    Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="The endpoint is disabled."
    )


# --- deliveries ----------------------------------------------------------------------------


def _endpoints_for_event(event: Event):
    """The active endpoints of the event's audience (the organizations or the site in its
    refs) that asked for its name."""
    refs = event.refs or {}
    endpoints = Endpoint.objects.none()
    if refs.get("organizations"):
        endpoints = Endpoint.objects.filter(organization_id__in=refs["organizations"])
    elif refs.get("site"):
        endpoints = Endpoint.site_objects.restrict(refs["site"])
    return [
        endpoint
        for endpoint in endpoints.filter(status=EndpointStatus.ACTIVE)
        if event.name in endpoint.events
    ]


def deliveries_create_for_event(event: Event) -> list[Delivery]:
    """The event subscriber: one delivery per interested endpoint, each attempted by a job.

    Idempotent: a dispatch that runs again finds the (event, endpoint) rows and starts no
    second delivery."""
    from webhooks.tasks import webhook_deliver

    created = []
    for endpoint in _endpoints_for_event(event):
        with transaction.atomic():
            delivery, is_new = Delivery.objects.get_or_create(
                event=event, endpoint=endpoint, defaults={"next_attempt_at": timezone.now()}
            )
        if is_new:
            created.append(delivery)
            transaction.on_commit(lambda pk=delivery.pk: webhook_deliver(pk))
    return created


def delivery_redeliver(*, delivery: Delivery) -> Delivery:
    """Send the delivery again now, with a fresh round of retries (409 while its endpoint is
    disabled: enable it first)."""
    from webhooks.tasks import webhook_deliver

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        endpoint = Endpoint.objects.get(pk=delivery.endpoint_id)
        if not endpoint.is_active:
            raise Conflict(
                "The endpoint is disabled: enable it (status ACTIVE) before re-delivering.",
                code="webhook_endpoint_disabled",
            )
        delivery.status = DeliveryStatus.PENDING
        delivery.round_attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "round_attempts", "next_attempt_at"])
        transaction.on_commit(lambda: webhook_deliver(delivery.pk))
    return delivery


def delivery_body(event: Event) -> str:
    """The JSON a delivery POSTs (Standard Webhooks' recommended envelope)."""
    envelope = {
        "type": event.name,
        "timestamp": event.created.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)


def delivery_headers(
    *, signing: list[str], event: Event, body: str, now: datetime
) -> dict[str, str]:
    """Standard Webhooks headers: the event's uuid as webhook-id, the attempt's time, one
    signature per secret, space-separated (a receiver accepts any one it can verify)."""
    signature = " ".join(
        Webhook(secret).sign(msg_id=str(event.uuid), timestamp=now, data=body) for secret in signing
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": "connect-api-webhooks/1.0",
        "webhook-id": str(event.uuid),
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def _attempt_claim(delivery_pk: int, now: datetime) -> Delivery | None:
    """The due delivery, its next attempt moved past this attempt's time-out (so another job
    for it finds nothing due); None if nothing is due."""
    lease = timedelta(
        seconds=settings.WEBHOOKS_CONNECT_TIMEOUT + settings.WEBHOOKS_READ_TIMEOUT + 30
    )
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "The endpoint is disabled."
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return None
        delivery.next_attempt_at = now + lease
        delivery.save(update_fields=["next_attempt_at"])
        return delivery


def delivery_attempt(*, delivery_pk: int) -> datetime | None:
    """One attempt of a due delivery; returns when the next one is due (None: delivered,
    given up, or nothing was due). The URL is checked again (SSRF) before connecting."""
    now = timezone.now()
    delivery = _attempt_claim(delivery_pk, now)
    if delivery is None:
        return None
    endpoint, event = delivery.endpoint, delivery.event
    try:
        target = target_resolve(endpoint.url)
    except TargetRefused as refused:
        outcome = Outcome(code=None, milliseconds=0, error=f"Refused: {refused.message}"[:500])
    else:
        body = delivery_body(event)
        headers = delivery_headers(
            signing=signing_secrets(endpoint, now=now), event=event, body=body, now=now
        )
        outcome = target_post(target, body=body.encode(), headers=headers)
    return _attempt_record(delivery_pk=delivery.pk, endpoint_pk=endpoint.pk, outcome=outcome)


def _attempt_record(*, delivery_pk: int, endpoint_pk: int, outcome: Outcome) -> datetime | None:
    from webhooks.tasks import webhook_endpoint_disabled_notify

    now = timezone.now()
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_pk)
        delivery = Delivery.objects.select_for_update().get(pk=delivery_pk)
        delivery.attempts += 1
        delivery.round_attempts += 1
        delivery.last_attempt_date = now
        delivery.last_response_code = outcome.code
        delivery.last_response_ms = outcome.milliseconds
        delivery.last_response_excerpt = outcome.excerpt
        delivery.last_error = outcome.error
        if outcome.succeeded:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.next_attempt_at = None
            endpoint.failing_since = None
        else:
            delays = settings.WEBHOOKS_RETRY_DELAYS
            if delivery.round_attempts <= len(delays):
                delay = timedelta(seconds=delays[delivery.round_attempts - 1])
                delivery.next_attempt_at = now + delay
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            endpoint.failing_since = endpoint.failing_since or now
        delivery.save()
        if endpoint.is_active and (
            endpoint.failing_since is not None
            and now - endpoint.failing_since >= settings.WEBHOOKS_DISABLE_AFTER
        ):
            _endpoint_disable(
                endpoint,
                reason="Every delivery attempt failed since "
                f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC.",
            )
            transaction.on_commit(lambda: webhook_endpoint_disabled_notify(endpoint.pk))
            delivery.refresh_from_db()
        endpoint.save()
    return delivery.next_attempt_at


def _owner_addresses(endpoint: Endpoint) -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if endpoint.organization_id:
        users = users.filter(organization_membership__organization_id=endpoint.organization_id)
    else:
        administrators = SiteMembership.objects.restrict(endpoint.site_id).filter(
            security_role=SecurityRole.ADMINISTRATOR
        )
        users = users.filter(pk__in=administrators.values("user_id"))
    return sorted(set(users.values_list("email", flat=True)))


def endpoint_owner_notify(*, endpoint_pk: int) -> bool:
    """Tell the owner (the organization's members, the site's Administrators) that the
    endpoint was disabled; once per disabling (a retried job sends no second mail)."""
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_pk)
        if endpoint.is_active or endpoint.owner_notified_date is not None:
            return False
        recipients = _owner_addresses(endpoint)
        if recipients:
            owner = endpoint.organization or endpoint.site
            send_mail(
                subject=f"Webhook endpoint disabled: {endpoint.url}",
                message=(
                    f"The webhook endpoint {endpoint.url} of {owner} was disabled.\n\n"
                    f"{endpoint.disabled_reason}\n\n"
                    "No more events are sent to it. Fix the receiver, then enable the endpoint "
                    "again (status ACTIVE) and re-deliver the deliveries you missed."
                ),
                from_email=None,
                recipient_list=recipients,
            )
        endpoint.owner_notified_date = timezone.now()
        endpoint.save(update_fields=["owner_notified_date"])
    return bool(recipients)
