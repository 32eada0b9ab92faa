"""Every write of this app: keyword-only, one transaction each, domain errors only."""

from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import QuerySet
from django.db.models.query import MAX_GET_RESULTS
from django.utils import timezone

from connect_api.conditional import precondition_error
from connect_api.errors import Conflict, DomainError, PermissionDenied, Unprocessable
from connect_api.events import EventName
from connect_api.prepared import PreparedCreate, PreparedInsert, PreparedModels, PreparedUpdate
from connections.choices import ConnectionRequestStatus, ConnectionStatus, ReviewAction, specs_for
from connections.events import connection_event_publish, request_event_publish
from connections.models import Connection, ConnectionRequest, Integration, ReviewEntry
from connections.selectors import integrations_of
from organizations.choices import OrganizationType
from organizations.models import AccountManager, Organization
from organizations.selectors import organization_for
from organizations.services import account_manager_get_or_create, organization_create
from uploads.selectors import uploads_for_attachment
from uploads.services import upload_checks_request, upload_grants_create

REQUEST_FIELDS = (
    "counterpart_name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "account_number",
    "additional_information",
)
INTEGRATION_FIELDS = (
    "integration_type",
    "update_frequency",
    "time_zone",
    "file_locations",
    "file_specs",
    "rules",
)


def _attach_uploads(*, connection_request: ConnectionRequest, organization, uuids: list[str]):
    """Replace the request's files with these uploads of the organization (400 naming any
    uuid that is not one of them)."""
    uploads = uploads_for_attachment(organization=organization, uuids=uuids)
    connection_request.uploaded_files.set(uploads)


def connection_request_uploads_check(*, connection_request: ConnectionRequest) -> None:
    """Have the request's files checked against the specs its integrations imply (a file
    already checked against the same specs is not checked again)."""
    kinds = connection_request.integrations.values_list("integration_type", flat=True)
    upload_checks_request(
        uploads=connection_request.uploaded_files.all(), specs=specs_for(set(kinds))
    )


# The request's save(update_fields=...), its UPDATE compiled once per set of fields.
_saved_requests = PreparedUpdate(ConnectionRequest)


def _save_changed(connection_request: ConnectionRequest, fields: list[str]) -> None:
    """Save `fields` of a locked request as a new version (its ETag and Last-Modified)."""
    connection_request.version += 1
    connection_request.updated_at = timezone.now()
    _saved_requests(connection_request, [*fields, "version", "updated_at"])


def _locking(pk: int) -> QuerySet[ConnectionRequest]:
    """The request row locked, with its requester: `.get(pk=pk)`'s query."""
    queryset = (
        ConnectionRequest.objects.select_for_update(of=("self",))
        .select_related("requester")
        .filter(pk=pk)
        .order_by()
    )
    if database.features.supports_select_for_update_with_limit:
        queryset = queryset[:MAX_GET_RESULTS]
    return queryset


# Compiled once (connect_api.prepared): every PATCH, withdrawal and decision locks the row.
_locked = PreparedModels(_locking, lambda: ConnectionRequest._meta.pk)


def _lock(connection_request: ConnectionRequest) -> ConnectionRequest:
    """`_locking(pk).get()`: the row, locked and re-read (tests/connections/test_lock.py)."""
    found = _locked(connection_request.pk)
    if not found:
        raise ConnectionRequest.DoesNotExist("ConnectionRequest matching query does not exist.")
    (locked,) = found  # by its primary key: one row at most
    return locked


# The create's INSERTs, compiled once (connect_api.prepared): the request's `create()`, and the
# integrations' bulk_create, per number of rows.
_new_request = PreparedCreate(ConnectionRequest)
_new_integrations = PreparedInsert(Integration)


@transaction.atomic
def connection_request_create(
    *, organization: Organization, user, data: dict[str, Any]
) -> ConnectionRequest:
    """The request, its integrations and its file links, all or nothing."""
    connection_request = _new_request(
        requester=organization,
        created_by=user,
        **{field: data[field] for field in REQUEST_FIELDS if field in data},
    )
    _new_integrations(
        [
            Integration(
                request=connection_request,
                **{field: item[field] for field in INTEGRATION_FIELDS if field in item},
            )
            for item in data.get("integrations", [])
        ]
    )
    if "uploaded_files" in data:
        _attach_uploads(
            connection_request=connection_request,
            organization=organization,
            uuids=data["uploaded_files"],
        )
        connection_request_uploads_check(connection_request=connection_request)
    request_event_publish(name=EventName.REQUEST_CREATED, connection_request=connection_request)
    return connection_request


@transaction.atomic
def connection_request_update(
    *,
    connection_request: ConnectionRequest,
    organization: Organization,
    data: dict[str, Any],
    expected_versions: Collection[int] | None = None,
    user=None,
) -> ConnectionRequest:
    """Change the named fields; `integrations` merge by record_uuid; `uploaded_files` replace.

    A request staff asked changes of (CHANGES REQUESTED) goes back to PENDING: the change is
    its resubmission, recorded in its history as `user`'s.

    The request row is locked and re-read first, so concurrent PATCHes apply one after the
    other and none is lost. `expected_versions` (the PATCH's If-Match) must hold the locked
    row's version, else 412 and nothing changes.
    """
    locked = _lock(connection_request)
    if expected_versions is not None and locked.version not in expected_versions:
        raise precondition_error(current=locked.version)
    if locked.status not in ConnectionRequestStatus.open():
        raise Unprocessable(
            f"Only PENDING requests can be changed; this one is {locked.status}.",
            code="not_pending",
        )
    changed = [field for field in REQUEST_FIELDS if field in data]
    for field in changed:
        setattr(locked, field, data[field])
    resubmitted = locked.status == ConnectionRequestStatus.CHANGES_REQUESTED
    if resubmitted:
        locked.status = ConnectionRequestStatus.PENDING
        changed.append("status")
        ReviewEntry.objects.create(request=locked, action=ReviewAction.RESUBMITTED, user=user)
    _save_changed(locked, changed)
    if "integrations" in data:
        integrations_merge(connection_request=locked, items=data["integrations"])
    if "uploaded_files" in data:
        _attach_uploads(
            connection_request=locked, organization=organization, uuids=data["uploaded_files"]
        )
    if "integrations" in data or "uploaded_files" in data:
        connection_request_uploads_check(connection_request=locked)
    return locked


@transaction.atomic
def integrations_merge(*, connection_request: ConnectionRequest, items: list[dict]) -> None:
    """Update (named fields only), delete or add integrations; call inside the request lock."""
    existing = integrations_of(connection_request)
    unknown = {
        f"integrations.{index}.record_uuid": [
            f"No integration {item['record_uuid']} in this connection request."
        ]
        for index, item in enumerate(items)
        if "record_uuid" in item and str(item["record_uuid"]) not in existing
    }
    if unknown:
        raise Unprocessable(
            "An integration record_uuid does not belong to this connection request.",
            code="unknown_integration",
            errors=unknown,
        )
    new = []
    for item in items:
        fields = {field: item[field] for field in INTEGRATION_FIELDS if field in item}
        if "record_uuid" not in item:
            new.append(Integration(request=connection_request, **fields))
            continue
        integration = existing[str(item["record_uuid"])]
        if item.get("delete"):
            integration.delete()
        elif fields:
            for field, value in fields.items():
                setattr(integration, field, value)
            integration.save(update_fields=list(fields))
    _new_integrations(new)


@transaction.atomic
def connection_request_withdraw(
    *, connection_request: ConnectionRequest, user=None
) -> ConnectionRequest:
    """The requester gives up a request not decided yet (PENDING or CHANGES REQUESTED)."""
    locked = _lock(connection_request)
    if locked.status not in ConnectionRequestStatus.open():
        raise Unprocessable(
            f"Only PENDING requests can be withdrawn; this one is {locked.status}.",
            code="not_pending",
        )
    locked.status = ConnectionRequestStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    _save_changed(locked, ["status", "decided_at"])
    ReviewEntry.objects.create(
        request=locked, action=ReviewAction.WITHDRAWN, user=user, created_at=locked.decided_at
    )
    return locked


def _locked_undecided(
    connection_request: ConnectionRequest, *, allowed: Collection[str] | None = None
) -> ConnectionRequest:
    """The request, locked, if its status is one of `allowed` (default: not decided yet),
    else 409: decided once, a request stays decided."""
    locked = _lock(connection_request)
    if locked.status not in (allowed or ConnectionRequestStatus.open()):
        raise Conflict(
            f"This connection request is already {locked.status}.", code="already_decided"
        )
    return locked


def _review_record(
    *, connection_request: ConnectionRequest, action: str, manager: AccountManager, **fields
) -> ReviewEntry:
    return ReviewEntry.objects.create(
        request=connection_request,
        action=action,
        account_manager=manager,
        user_id=manager.user_id,
        created_at=connection_request.decided_at or timezone.now(),
        **fields,
    )


def _concerned(*, connection_request: ConnectionRequest, field: str, uuids, known) -> list[str]:
    """`uuids` as strings, each one of `known` (the request's own), else 400 naming it."""
    wanted = [str(value) for value in uuids or ()]
    foreign = {
        f"{field}.{index}": [f"No {field[:-1].replace('_', ' ')} {value} in this request."]
        for index, value in enumerate(wanted)
        if value not in known
    }
    if foreign:
        raise DomainError(
            f"A {field[:-1].replace('_', ' ')} is not of this request.", errors=foreign
        )
    return list(dict.fromkeys(wanted))


@transaction.atomic
def connection_request_changes_request(
    *,
    connection_request: ConnectionRequest,
    user,
    message: str,
    integrations: Collection | None = None,
    uploaded_files: Collection | None = None,
) -> ConnectionRequest:
    """Staff ask the requester to change a PENDING request (instead of rejecting it): the
    request shows CHANGES REQUESTED with the message until the requester's next change puts it
    back to PENDING. `integrations` and `uploaded_files` name (by uuid) what the message is
    about; each must be the request's own."""
    manager = account_manager_get_or_create(user=user)
    if not message.strip():
        raise DomainError(
            "Asking for changes needs a message.", errors={"message": ["Say what to change."]}
        )
    locked = _locked_undecided(connection_request, allowed=(ConnectionRequestStatus.PENDING,))
    integration_uuids = _concerned(
        connection_request=locked,
        field="integrations",
        uuids=integrations,
        known={str(value) for value in locked.integrations.values_list("uuid", flat=True)},
    )
    file_uuids = _concerned(
        connection_request=locked,
        field="uploaded_files",
        uuids=uploaded_files,
        known={str(value) for value in locked.uploaded_files.values_list("uuid", flat=True)},
    )
    locked.status = ConnectionRequestStatus.CHANGES_REQUESTED
    _save_changed(locked, ["status"])
    entry = _review_record(
        connection_request=locked,
        action=ReviewAction.CHANGES_REQUESTED,
        manager=manager,
        message=message.strip(),
        integrations=integration_uuids,
        uploaded_files=file_uuids,
    )
    request_event_publish(
        name=EventName.REQUEST_CHANGES_REQUESTED, connection_request=locked, review=entry
    )
    return locked


def _counterpart_for(
    *, connection_request: ConnectionRequest, manager: AccountManager, counterpart_uuid
) -> Organization:
    wanted_type = (
        OrganizationType.SUPPLIER
        if connection_request.requester.org_type == OrganizationType.RETAILER
        else OrganizationType.RETAILER
    )
    if counterpart_uuid is not None:
        counterpart = Organization.objects.filter(
            uuid=counterpart_uuid, org_type=wanted_type
        ).first()
        if counterpart is None:
            field = f"{wanted_type.lower()}_uuid"
            raise DomainError(
                f"No {wanted_type.label.lower()} organization with this uuid.",
                errors={
                    field: [f"No {wanted_type.label.lower()} organization {counterpart_uuid}."]
                },
            )
        return counterpart
    return organization_create(
        name=connection_request.counterpart_name,
        org_type=wanted_type,
        contact_name=connection_request.contact_name,
        contact_email=connection_request.contact_email,
        contact_phone=connection_request.contact_phone,
        account_manager=manager,
    )


@transaction.atomic
def connection_request_approve(
    *,
    connection_request: ConnectionRequest,
    user,
    supplier_uuid=None,
    retailer_uuid=None,
) -> ConnectionRequest:
    """Link (or create) the counterpart organization and open a Connection awaiting its
    confirmation. `supplier_uuid` fits a retailer's request, `retailer_uuid` a supplier's."""
    manager = account_manager_get_or_create(user=user)
    locked = _locked_undecided(connection_request)
    requester = locked.requester
    given = {"supplier_uuid": supplier_uuid, "retailer_uuid": retailer_uuid}
    expected, other = (
        ("supplier_uuid", "retailer_uuid")
        if requester.org_type == OrganizationType.RETAILER
        else ("retailer_uuid", "supplier_uuid")
    )
    if given[other] is not None:
        raise DomainError(
            f"The requester is a {requester.org_type}: give {expected}.",
            errors={other: [f"The requester is a {requester.org_type}; give {expected} instead."]},
        )
    counterpart = _counterpart_for(
        connection_request=locked, manager=manager, counterpart_uuid=given[expected]
    )
    if counterpart.pk == requester.pk:
        raise DomainError(
            "An organization cannot connect to itself.", errors={expected: ["Same organization."]}
        )
    retailer, supplier = (
        (requester, counterpart)
        if requester.org_type == OrganizationType.RETAILER
        else (counterpart, requester)
    )
    account_numbers = (
        {"suppliers_retailer_account_number": locked.account_number}
        if requester.org_type == OrganizationType.RETAILER
        else {"retailers_supplier_account_number": locked.account_number}
    )
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                retailer=retailer,
                supplier=supplier,
                status=ConnectionStatus.CONFIRMATION_WAITING,
                account_manager=manager,
                request=locked,
                **account_numbers,
            )
    except IntegrityError:
        raise Conflict(
            f"{retailer.name} and {supplier.name} already have a live connection.",
            code="already_connected",
        ) from None
    locked.status = ConnectionRequestStatus.APPROVED
    locked.counterpart = counterpart
    locked.decided_by = manager
    locked.decided_at = timezone.now()
    _save_changed(locked, ["status", "counterpart", "decided_by", "decided_at"])
    _review_record(connection_request=locked, action=ReviewAction.APPROVED, manager=manager)
    # The counterpart may now read the files attached to the request.
    upload_grants_create(uploads=locked.uploaded_files.all(), organization=counterpart)
    request_event_publish(
        name=EventName.REQUEST_APPROVED, connection_request=locked, connection=connection
    )
    return locked


@transaction.atomic
def connection_request_reject(
    *, connection_request: ConnectionRequest, user, reason: str
) -> ConnectionRequest:
    """Reject with a reason. `decided_by` records who; responses show it (as `approved_by`)
    only on approval."""
    manager = account_manager_get_or_create(user=user)
    if not reason.strip():
        raise DomainError("A rejection needs a reason.", errors={"reason": ["Give a reason."]})
    locked = _locked_undecided(connection_request)
    locked.status = ConnectionRequestStatus.REJECTED
    locked.decided_by = manager
    locked.rejection_reason = reason.strip()
    locked.decided_at = timezone.now()
    _save_changed(locked, ["status", "decided_by", "rejection_reason", "decided_at"])
    _review_record(
        connection_request=locked,
        action=ReviewAction.REJECTED,
        manager=manager,
        message=locked.rejection_reason,
    )
    request_event_publish(name=EventName.REQUEST_REJECTED, connection_request=locked)
    return locked


def _lock_connection(connection: Connection) -> Connection:
    return (
        Connection.objects.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=connection.pk)
    )


def _is_side(organization: Organization | None, connection: Connection) -> bool:
    return organization is not None and organization.pk in (
        connection.retailer_id,
        connection.supplier_id,
    )


@transaction.atomic
def connection_confirm(*, connection: Connection, user) -> Connection:
    """The counterpart of the original request (or staff) makes the connection ACTIVE."""
    locked = _lock_connection(connection)
    if not user.is_staff:
        organization = organization_for(user)
        requested_by_caller = (
            organization is not None
            and locked.request_id is not None
            and locked.request.requester_id == organization.pk
        )
        if not _is_side(organization, locked) or requested_by_caller:
            raise PermissionDenied(
                "Only the counterpart of the request (or staff) can confirm this connection.",
                code="not_counterpart",
            )
    if locked.status != ConnectionStatus.CONFIRMATION_WAITING:
        raise Conflict(f"This connection is already {locked.status}.", code="not_waiting")
    locked.status = ConnectionStatus.ACTIVE
    locked.confirmed_date = timezone.now()
    locked.save(update_fields=["status", "confirmed_date"])
    connection_event_publish(name=EventName.CONNECTION_CONFIRMED, connection=locked, user=user)
    return locked


@transaction.atomic
def connection_deactivate(*, connection: Connection, user) -> Connection:
    """Either side (or staff) ends the connection."""
    locked = _lock_connection(connection)
    if not user.is_staff and not _is_side(organization_for(user), locked):
        raise PermissionDenied("Only a side of this connection can deactivate it.")
    if locked.status == ConnectionStatus.DEACTIVATED:
        raise Conflict("This connection is already DEACTIVATED.", code="already_deactivated")
    locked.status = ConnectionStatus.DEACTIVATED
    locked.deactivated_date = timezone.now()
    locked.save(update_fields=["status", "deactivated_date"])
    connection_event_publish(name=EventName.CONNECTION_DEACTIVATED, connection=locked, user=user)
    return locked
