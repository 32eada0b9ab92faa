"""Outreach writes: per-site numbers issued without races, and the change requests.

A change request is the mobile app's proposal (submit); nothing touches a Connection until a
site Administrator (or Django staff) applies it. Applying locks the change-request row and the
connection row, refuses a connection that moved since submission, and records every changed
field in the connection's history.
"""

import functools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from connect_api.conditional import precondition_error
from connect_api.errors import Conflict, DomainError, NotFound, PermissionDenied
from connect_api.events import EventName
from connect_api.prepared import Choice, PreparedCreate, PreparedModels
from outreach import permissions
from outreach.choices import ChangeRequestKind, ChangeRequestStatus, Right
from outreach.events import change_request_event_publish, connection_due_event_publish
from outreach.fields import CHANGE_REQUEST_FIELDS, FIELD, HISTORY, Applies, SiteRow
from outreach.models import (
    ChangeRequest,
    CommentChangeRequest,
    CommentType,
    Connection,
    ConnectionComment,
    ConnectionDueNotice,
    ConnectionHistory,
    ConnectionType,
    Individual,
    IndividualComment,
    Response,
    Site,
    SiteMembership,
    Team,
    site_rows,
)
from outreach.payload import ChangeRequestPayload, history_value
from outreach.selectors import connections_visible_to


def site_number_next(*, site: Site, model: type[models.Model]) -> int:
    """The next free per-site `number` of `model` (a model with `site` and `number` fields).

    Locks the Site row (select_for_update) so concurrent issuers of the same site queue up;
    call it inside the transaction that saves the new row, so the lock lasts until commit.
    """
    with transaction.atomic():
        if not _site_locks(site.pk):
            raise Site.DoesNotExist(f"No site {site.pk}.")
        highest = _highest_numbers(model)(site.pk)
        return (highest[0] if highest else 0) + 1


def _site_lock(site_id: int) -> QuerySet:
    return Site.objects.select_for_update().filter(pk=site_id).order_by().values_list("pk")


_site_locks = PreparedModels(_site_lock, lambda: Site._meta.get_field("id"))
"""The Site row locked (its pk): the query of `_site_lock`, compiled once."""


def _highest_number(model: type[models.Model], site_id: int) -> QuerySet:
    """The site's highest number of `model`, if any: the last entry of its (site, number)
    index (a nullable number, as a webhook endpoint's, has no entry of its own there)."""
    rows = site_rows(model, site_id).filter(number__isnull=False)
    return rows.order_by("-number").values_list("number", flat=True)[:1]


@functools.cache
def _highest_numbers(model: type[models.Model]) -> PreparedModels:
    """The query of `_highest_number` for `model`, compiled once."""
    return PreparedModels(
        functools.partial(_highest_number, model), lambda: model._meta.get_field("site")
    )


class StaleChangeRequest(Conflict):
    """The change request cannot be applied as submitted any more (it stays PENDING)."""

    code = "stale_change_request"


# --- submit ------------------------------------------------------------------------------


def change_request_submit(
    *,
    membership: SiteMembership,
    payload: ChangeRequestPayload,
    expected_versions: Collection[int] | None = None,
) -> ChangeRequest:
    """Store a PENDING change request from a POST body's (shape-checked) payload.

    Checks after the body's shape, in the contract's order: the connection exists in the
    site (404), rights on the type concerned (403), the other ids exist in the site (400).

    A retry is not a second proposal: the vendor's app sends no Idempotency-Key, so the same
    payload from the same user for the same connection (or the same add) within
    OUTREACH_DUPLICATE_WINDOW answers the change request already stored. The Site row lock
    (taken to number the new row) serialises submissions, so two identical ones at once
    store one. `expected_versions` (an If-Match) must hold the connection's version under its
    row lock, else 412 and nothing is stored.
    """
    site = membership.site
    kind = payload.kind
    connection = None
    if kind == ChangeRequestKind.ADD:
        connection_type = _connection_type_for_add(site=site, number=payload.connection_type_id)
    else:
        connection = _connection_for_change(membership=membership, number=payload.connection_id)
        connection_type = connection.connection_type
    _check_type_rights(membership=membership, connection_type=connection_type, kind=kind)
    _check_ids_exist(site=site, connection_type=connection_type, payload=payload)

    stored = payload.to_stored()
    with transaction.atomic():
        number = site_number_next(site=site, model=ChangeRequest)
        base_version = None
        if connection is not None:
            base_version = (
                Connection.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=connection.pk)
            )
            if expected_versions is not None and base_version not in expected_versions:
                raise precondition_error(current=base_version)
        duplicate = _recent_duplicate(
            membership=membership, kind=kind, connection=connection, stored=stored
        )
        if duplicate is not None:
            return duplicate
        change_request = _change_request_create(
            site=site,
            number=number,
            kind=kind,
            payload=stored,
            connection=connection,
            base_version=base_version,
            submitted_by_id=membership.user_id,
        )
        change_request_event_publish(
            name=EventName.CHANGE_REQUEST_SUBMITTED, change_request=change_request
        )
        return change_request


_change_request_create = PreparedCreate(ChangeRequest)
"""`ChangeRequest.objects.create`, its INSERT compiled once."""


def _recent_duplicate(
    *, membership: SiteMembership, kind: str, connection: Connection | None, stored: dict
) -> ChangeRequest | None:
    """The same user's identical change request of the last OUTREACH_DUPLICATE_WINDOW: the
    database compares the payloads (jsonb equality on PostgreSQL; SQLite compares `json()`
    text, which holds since every payload is written by `to_stored`), so a user who proposed
    hundreds of changes in the window costs one row read, not hundreds of payloads parsed."""
    since = timezone.now() - settings.OUTREACH_DUPLICATE_WINDOW
    site_id, user_id = membership.site_id, membership.user_id
    if kind == ChangeRequestKind.ADD:
        candidates = _recent_adds(site_id, user_id, Choice(kind), since, stored)
    else:
        candidates = _recent_changes(site_id, user_id, Choice(kind), since, stored, connection.pk)
    return next((row for row in candidates if row.payload == stored), None)


def _recent_same(site_id, user_id, kind, since, stored, connection_id=None) -> QuerySet:
    """The latest change request of `kind` with this payload by this user since `since`.
    Latest by `submitted_at`, the order of the index on (site, submitted_by, kind,
    submitted_at), which the database walks from the newest to the first match: ordered by
    `number` alone, a planner that expects many matches walks the site's every change request
    backwards by number instead, past all of them when none matches (the usual case)."""
    candidates = ChangeRequest.objects.restrict(site_id).filter(
        submitted_by_id=user_id, kind=kind, submitted_at__gte=since, payload=stored
    )
    if kind != ChangeRequestKind.ADD:  # an applied add points at the connection it made
        candidates = candidates.filter(connection=connection_id)
    return candidates.order_by("-submitted_at", "-number")[:1]


_RECENT_VALUES = (
    lambda: ChangeRequest._meta.get_field("site"),
    lambda: ChangeRequest._meta.get_field("submitted_by"),
    lambda: ChangeRequest._meta.get_field("kind"),
    lambda: ChangeRequest._meta.get_field("submitted_at"),
    lambda: ChangeRequest._meta.get_field("payload"),
)
_recent_adds = PreparedModels(_recent_same, *_RECENT_VALUES)
_recent_changes = PreparedModels(
    _recent_same, *_RECENT_VALUES, lambda: ChangeRequest._meta.get_field("connection")
)
"""The query of `_recent_same` (of an add; of a change of a connection), compiled once per
kind."""


def _connection_type_for_add(*, site, number: int) -> ConnectionType:
    """The type an add names; unknown -> 400 at once (rights cannot be checked on nothing)."""
    found = _connection_types(site.pk, number)
    connection_type = found[0] if found else None
    if connection_type is None:
        raise DomainError(
            "Unknown connection type.",
            errors={
                FIELD["connection_type_id"].wire: [f"No connection type {number} in this site."]
            },
        )
    return connection_type


def _connection_type_numbered(site_id: int, number: int) -> QuerySet:
    """`.first()` of the site's connection types numbered `number`."""
    return ConnectionType.objects.restrict(site_id).filter(number=number)[:1]


_connection_types = PreparedModels(
    _connection_type_numbered,
    lambda: ConnectionType._meta.get_field("site"),
    lambda: ConnectionType._meta.get_field("number"),
)
"""The query of `_connection_type_numbered`, compiled once."""


def _connection_for_change(*, membership: SiteMembership, number: int) -> Connection:
    connection = connections_visible_to(membership).filter(number=number).first()
    if connection is None:
        raise NotFound(
            "Connection not found.",
            errors={FIELD["connection_id"].wire: [f"No connection {number} in this site."]},
        )
    return connection


def _check_type_rights(*, membership, connection_type: ConnectionType, kind: str) -> None:
    errors = {}
    if permissions.type_right(membership, connection_type) != Right.GRANTED:
        errors[FIELD["connection_type_id"].wire] = [
            f"Full rights (A) on connection type {connection_type.number} are required."
        ]
    if kind == ChangeRequestKind.REASSIGN and not permissions.can_reassign_connections(membership):
        errors["ReassignConnection"] = ["ReassignConnection (A) is required to reassign."]
    if errors:
        raise PermissionDenied(
            "You lack the rights for this change: " + ", ".join(errors), errors=errors
        )


def _check_ids_exist(*, site, connection_type: ConnectionType, payload: ChangeRequestPayload):
    errors: dict[str, list[str]] = {}
    if payload.kind == ChangeRequestKind.ADD and not connection_type.active:
        errors[FIELD["connection_type_id"].wire] = [
            f"Connection type {connection_type.number} is no longer active."
        ]
    for spec in CHANGE_REQUEST_FIELDS:
        if spec.row is None or spec.type is not int or spec is FIELD["connection_type_id"]:
            continue  # the type was checked above; the responses are checked below, against it
        number = getattr(payload, spec.stored)
        if number is not None and not _site_numbers(spec.row.model)(site.pk, number):
            errors[spec.wire] = [f"No {spec.row.noun} {number} in this site."]
    wanted = set(payload.response_ids)
    if wanted:
        found = set(
            Response.objects.filter(connection_type=connection_type, number__in=wanted).values_list(
                "number", flat=True
            )
        )
        if wanted - found:
            unknown = ", ".join(str(number) for number in sorted(wanted - found))
            errors[FIELD["response_ids"].wire] = [
                f"Not responses of connection type {connection_type.number}: {unknown}."
            ]
    if errors:
        raise DomainError("Ids not usable in this site: " + ", ".join(errors), errors=errors)


def _site_number(model: type[models.Model], site_id: int, number: int) -> QuerySet:
    """`number` if the site has a row of `model` so numbered (an `exists()`)."""
    rows = model.objects.restrict(site_id).filter(number=number).order_by()
    return rows.values_list("number", flat=True)[:1]


@functools.cache
def _site_numbers(model: type[models.Model]) -> PreparedModels:
    """The query of `_site_number` for `model`, compiled once."""
    return PreparedModels(
        functools.partial(_site_number, model),
        lambda: model._meta.get_field("site"),
        lambda: model._meta.get_field("number"),
    )


# --- review ------------------------------------------------------------------------------


def change_request_apply(*, change_request: ChangeRequest, reviewer) -> ChangeRequest:
    """Perform the change on its Connection in one transaction and mark it APPLIED.

    Raises Conflict (409) when it was already decided, StaleChangeRequest (409) when the
    connection changed since submission or an id it names is gone; the latter's reason is
    kept on the still PENDING change request (after the failed transaction rolled back).
    """
    try:
        return _apply_locked(change_request_pk=change_request.pk, reviewer=reviewer)
    except StaleChangeRequest as error:
        _stale_record(change_request_pk=change_request.pk, reason=error.message)
        raise


@transaction.atomic
def _stale_record(*, change_request_pk: int, reason: str) -> None:
    """Keep the reason on the still PENDING change request and tell its submitter
    (`change_request.stale`: mail and webhook) once per reason: a second failed apply for
    the same reason (the next Apply all) tells nobody again."""
    stale = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("site", "connection")
        .filter(pk=change_request_pk, status=ChangeRequestStatus.PENDING)
        .first()
    )
    if stale is None or stale.failure_reason == reason:
        return
    stale.failure_reason = reason
    stale.save(update_fields=["failure_reason"])
    change_request_event_publish(name=EventName.CHANGE_REQUEST_STALE, change_request=stale)


def change_request_reject(
    *, change_request: ChangeRequest, reviewer, message: str = ""
) -> ChangeRequest:
    with transaction.atomic():
        locked = _locked_pending(change_request.pk)
        decided = locked.decide(
            status=ChangeRequestStatus.REJECTED, reviewer=reviewer, message=message
        )
        locked.save(update_fields=decided)
        change_request_event_publish(name=EventName.CHANGE_REQUEST_REJECTED, change_request=locked)
    return locked


@dataclass
class ApplyAllResult:
    applied: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def change_requests_apply_pending(*, site, reviewer) -> ApplyAllResult:
    """Apply every PENDING change request of the site, oldest first, each in its own
    transaction: one failure (a stale connection, a concurrent decision) stops nothing else."""
    result = ApplyAllResult()
    pending = (
        ChangeRequest.objects.restrict(site)
        .filter(status=ChangeRequestStatus.PENDING)
        .order_by("number")
    )
    for change_request in pending.only("pk", "number"):
        try:
            change_request_apply(change_request=change_request, reviewer=reviewer)
        except DomainError as error:
            result.failed.append((change_request.number, error.message))
        else:
            result.applied.append(change_request.number)
    return result


def connections_reassign(
    *,
    site: Site,
    connection_ids: Collection[int],
    caller: Individual | None,
    team: Team | None,
    reviewer,
) -> list[Connection]:
    """Assign each of the site's connections `connection_ids` to `caller` and/or `team` (at
    least one), in one transaction with the rows locked: each connection changed is one change
    (its version moves on, so change requests based on the old one are stale) with its
    history entry; a connection already so assigned is left alone."""
    if caller is None and team is None:
        raise DomainError("Choose a caller or a team.", errors={"caller": ["Choose one."]})
    for chosen, model, noun in ((caller, Individual, "caller"), (team, Team, "team")):
        if chosen is not None and not model.objects.restrict(site).filter(pk=chosen.pk).exists():
            raise NotFound(f"No such {noun} in this site.", errors={noun: ["Not in this site."]})
    changed = []
    with transaction.atomic():
        locked = (
            Connection.objects.restrict(site)
            .filter(pk__in=list(connection_ids))
            .select_for_update(of=("self",))
            .select_related("caller", "team")
            .order_by("pk")
        )
        now = timezone.now()
        for connection in locked:
            wanted = {"CallerIndvId": caller, "TeamId": team}
            changes = {}
            for label, new in wanted.items():
                attribute = HISTORY[label][1].attribute
                old = getattr(connection, attribute)
                if old != new:
                    changes[label] = [history_value(old), history_value(new)]
                    setattr(connection, attribute, new)
            if not changes:
                continue
            connection.version += 1
            connection.save(update_fields=["caller", "team", "version"])
            ConnectionHistory.objects.create(
                connection=connection,
                changed_by=reviewer,
                changed_at=now,
                kind=ChangeRequestKind.REASSIGN,
                changes=changes,
            )
            changed.append(connection)
    return changed


def _locked_pending(pk: int) -> ChangeRequest:
    locked = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("site", "submitted_by")
        .get(pk=pk)
    )
    if not locked.is_pending:
        raise Conflict(
            f"Change request {locked.number} was already {locked.get_status_display().lower()}.",
            code="already_decided",
        )
    return locked


@transaction.atomic
def _apply_locked(*, change_request_pk: int, reviewer) -> ChangeRequest:
    change_request = _locked_pending(change_request_pk)
    payload = ChangeRequestPayload.of(change_request)
    if change_request.kind == ChangeRequestKind.ADD:
        connection, changes = _connection_add(change_request, payload)
    else:
        connection = Connection.objects.select_for_update().get(pk=change_request.connection_id)
        if connection.version != change_request.base_version:
            raise StaleChangeRequest(
                f"Connection {connection.number} changed since change request "
                f"{change_request.number} was submitted (version {change_request.base_version}, "
                f"now {connection.version}).",
                errors={FIELD["connection_id"].wire: ["The connection changed since submission."]},
            )
        changes = _connection_change(change_request, connection, payload)
        connection.version += 1
        connection.save()

    for _, target, numbers in payload.connection_writes(Applies.REPLACES):
        changes.update(_responses_replace(connection, target.label, numbers))
    for _, target, text in payload.connection_writes(Applies.APPENDS):
        changes.update(_comment_append(change_request, connection, target.label, text))
    decided = change_request.decide(status=ChangeRequestStatus.APPLIED, reviewer=reviewer)
    ConnectionHistory.objects.create(
        connection=connection,
        changed_by=reviewer,
        changed_at=change_request.reviewed_at,
        kind=change_request.kind,
        changes=changes,
        change_request=change_request,
    )
    change_request.connection = connection
    change_request.failure_reason = ""
    change_request.save(update_fields=[*decided, "connection", "failure_reason"])
    change_request_event_publish(
        name=EventName.CHANGE_REQUEST_APPLIED, change_request=change_request
    )
    return change_request


def _connection_add(
    change_request: ChangeRequest, payload: ChangeRequestPayload
) -> tuple[Connection, dict]:
    """Create the connection an add asks for: every attribute its fields set (a number naming
    a site's row: that row, which must still exist); returns it with {field: [None, new]}."""
    site = change_request.site
    values, changes = {}, {}
    for spec, target, value in payload.connection_writes():
        values[target.attribute] = _row(spec.row, site, value) if spec.row else value
        if target.label:
            changes[target.label] = [None, history_value(value)]
    connection = Connection.objects.create(
        site=site,
        number=site_number_next(site=site, model=Connection),
        created=timezone.now(),
        **values,
    )
    return connection, changes


def _connection_change(
    change_request: ChangeRequest, connection: Connection, payload: ChangeRequestPayload
) -> dict:
    """Set the fields a complete / modify / reassign changes; returns {field: [old, new]}."""
    site = change_request.site
    changes = {}
    for spec, target, value in payload.connection_writes():
        new = _row(spec.row, site, value) if spec.row else value
        old = getattr(connection, target.attribute)
        if old != new:
            setattr(connection, target.attribute, new)
            if target.label:
                changes[target.label] = [history_value(old), history_value(new)]
    return changes


def _responses_replace(connection: Connection, label: str, numbers: tuple[int, ...]) -> dict:
    old = sorted(connection.responses.values_list("number", flat=True))
    responses = list(
        Response.objects.filter(connection_type=connection.connection_type, number__in=numbers)
    )
    if len(responses) != len(set(numbers)):
        raise StaleChangeRequest(
            "A response named by this change request no longer exists.",
            errors={FIELD["response_ids"].wire: ["A response no longer exists."]},
        )
    connection.responses.set(responses)
    new = list(numbers)
    return {label: [old, new]} if old != new else {}


def _comment_append(
    change_request: ChangeRequest, connection: Connection, label: str, text: str
) -> dict:
    if not text:
        return {}
    author = change_request.submitted_by
    ConnectionComment.objects.create(
        connection=connection,
        author=author,
        author_name=(author.get_full_name() or author.get_username()) if author else "",
        created=change_request.submitted_at,
        text=text,
    )
    return {label: [None, text]}


def _row(row: SiteRow, site, number: int | None):
    """The site's row numbered `number` (None for none); gone -> StaleChangeRequest."""
    if number is None:
        return None
    found = row.model.objects.restrict(site).filter(number=number).first()
    if found is None:
        raise StaleChangeRequest(f"The {row.noun} {number} named by this change request is gone.")
    return found


# --- comments on people -----------------------------------------------------------------
# The app posts a comment as a CoreCommentChangeRequest and tells its user "Comment has been
# submitted for approval": it is stored PENDING and written only when a site Administrator
# (or Django staff) applies it, like a connection change request.


def comment_change_request_submit(
    *,
    membership: SiteMembership,
    individual: Individual,
    comment_type: CommentType,
    text: str,
    family_comment: bool,
) -> CommentChangeRequest:
    site = membership.site
    with transaction.atomic():
        return CommentChangeRequest.objects.create(
            site=site,
            number=site_number_next(site=site, model=CommentChangeRequest),
            individual=individual,
            comment_type=comment_type,
            text=text,
            family_comment=family_comment,
            submitted_by=membership.user,
        )


def _locked_pending_comment(pk: int) -> CommentChangeRequest:
    change_request = (
        CommentChangeRequest.objects.select_for_update()
        .select_related("site", "individual")
        .get(pk=pk)
    )
    if not change_request.is_pending:
        raise Conflict(
            f"Comment change request {change_request.number} is already "
            f"{change_request.get_status_display().lower()}."
        )
    return change_request


def comment_change_request_apply(
    *, change_request: CommentChangeRequest, reviewer
) -> CommentChangeRequest:
    """Write the comment on the person (and, for a family comment, on each member of the
    person's family), each numbered per site (CommentKey)."""
    with transaction.atomic():
        change_request = _locked_pending_comment(change_request.pk)
        individual = change_request.individual
        people = [individual]
        if change_request.family_comment and individual.family_id is not None:
            people = list(
                Individual.objects.filter(family_id=individual.family_id).order_by("number")
            )
        for person in people:
            IndividualComment.objects.create(
                site=change_request.site,
                number=site_number_next(site=change_request.site, model=IndividualComment),
                individual=person,
                comment_type_id=change_request.comment_type_id,
                created=change_request.submitted_at,
                text=change_request.text,
                author=change_request.submitted_by,
                change_request=change_request,
            )
        decided = change_request.decide(status=ChangeRequestStatus.APPLIED, reviewer=reviewer)
        change_request.save(update_fields=decided)
        return change_request


def comment_change_request_reject(
    *, change_request: CommentChangeRequest, reviewer, message: str = ""
) -> CommentChangeRequest:
    with transaction.atomic():
        change_request = _locked_pending_comment(change_request.pk)
        decided = change_request.decide(
            status=ChangeRequestStatus.REJECTED, reviewer=reviewer, message=message
        )
        change_request.save(update_fields=decided)
        return change_request


DUE_WITHIN_DAYS = 7
"""`outreach_connection.due` is published for open connections falling due within this many
days (today included)."""


def connection_due_notices_publish(*, today: date) -> int:
    """Publish `outreach_connection.due` once per open, assigned connection and due date falling
    due from `today` to `today + DUE_WITHIN_DAYS`; one transaction per connection (the notice
    row's unique constraint makes a re-run, or a concurrent one, publish nothing twice).
    Returns how many were published."""
    due = (
        Connection.objects.filter(
            completed=False,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .filter(models.Q(caller__isnull=False) | models.Q(team__isnull=False))
        .exclude(due_notices__due_date=models.F("due_date"))
        .select_related("site", "connection_type", "contact", "caller", "team")
        .order_by("pk")
    )
    published = 0
    for connection in due.iterator(chunk_size=200):
        with transaction.atomic():
            _, created = ConnectionDueNotice.objects.get_or_create(
                connection=connection, due_date=connection.due_date
            )
            if created:
                connection_due_event_publish(connection=connection)
                published += 1
    return published
