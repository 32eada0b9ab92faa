"""Outreach reads: every queryset scoped to the caller's site (another site's ids are simply
not found) and, where the rights say so, to the caller's own assignments."""

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet

from connect_api.errors import NotFound
from outreach import permissions
from outreach.models import (
    ChangeRequest,
    Connection,
    ConnectionComment,
    ConnectionType,
    Individual,
    IndividualEmail,
    Phone,
    Response,
    Site,
    SiteMembership,
    Team,
)


def _one(queryset: QuerySet, not_found: str):
    """The one row a unique lookup finds (no ORDER BY: `first()` would join the models'
    default orderings in for a single row), else NotFound."""
    try:
        return queryset.get()
    except queryset.model.DoesNotExist:
        raise NotFound(not_found) from None


def connection_types_for(membership: SiteMembership) -> list[tuple[ConnectionType, str]]:
    """The site's active types with the caller's permission on each; types with N left out."""
    types = ConnectionType.objects.filter(site_id=membership.site_id, active=True).order_by(
        "number"
    )
    with_rights = [
        (connection_type, permissions.type_right(membership, connection_type))
        for connection_type in types
    ]
    return [(connection_type, right) for connection_type, right in with_rights if right != "N"]


def connection_type_get(membership: SiteMembership, number: int) -> ConnectionType:
    return _one(
        ConnectionType.objects.filter(site_id=membership.site_id, number=number),
        f"Connection type {number} not found.",
    )


def responses_for(membership: SiteMembership, connection_type_number: int) -> QuerySet[Response]:
    """Responses of a type the caller may see (a type with N is not found, as in the type list)."""
    connection_type = connection_type_get(membership, connection_type_number)
    if permissions.type_right(membership, connection_type) == "N":
        raise NotFound(f"Connection type {connection_type_number} not found.")
    return Response.objects.filter(connection_type=connection_type).order_by("number")


def teams_for(membership: SiteMembership) -> QuerySet[Team]:
    return (
        Team.objects.filter(site_id=membership.site_id)
        .annotate(member_count=Count("members"))
        .order_by("number")
    )


def individuals_search(membership: SiteMembership, query: str = "") -> QuerySet[Individual]:
    """Case-insensitive substring search on names, emails and phones (pg_trgm-indexed on
    PostgreSQL, see migrations 0001 and 0004)."""
    individuals = Individual.objects.filter(site_id=membership.site_id)
    query = query.strip()
    if query:
        individuals = individuals.filter(individual_search_filter(query))
    return individuals.order_by("last_name", "first_name", "number")


def individual_search_filter(query: str) -> Q:
    """A name matches, or one of the person's emails or phones (an EXISTS each, so a person
    with two matching emails is still one row)."""
    return (
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(goes_by_name__icontains=query)
        | Q(
            Exists(
                IndividualEmail.objects.filter(individual=OuterRef("pk"), email__icontains=query)
            )
        )
        | Q(Exists(Phone.objects.filter(individual=OuterRef("pk"), phone_number__icontains=query)))
    )


def individual_get(membership: SiteMembership, number: int) -> Individual:
    return _one(
        Individual.objects.filter(site_id=membership.site_id, number=number),
        f"Individual {number} not found.",
    )


def _assigned_to(individual_id: int | None) -> Q:
    """Connections whose caller is the individual or whose team has the individual as member."""
    if individual_id is None:
        return Q(pk__in=[])
    return Q(caller_id=individual_id) | Q(
        team_id__in=Team.objects.filter(members=individual_id).values("pk")
    )


def connections_visible_to(membership: SiteMembership) -> QuerySet[Connection]:
    connections = Connection.objects.filter(site_id=membership.site_id)
    if permissions.sees_only_assigned_connections(membership):
        connections = connections.filter(_assigned_to(membership.individual_id))
    return connections.select_related("connection_type", "contact", "caller", "team")


def connection_get(membership: SiteMembership, number: int, *, with_comments: bool) -> Connection:
    prefetches = [
        Prefetch("team__members", queryset=Individual.objects.order_by("last_name", "first_name")),
        Prefetch("responses", queryset=Response.objects.order_by("number")),
    ]
    if with_comments:
        prefetches.append(
            Prefetch("comments", queryset=ConnectionComment.objects.order_by("created", "id"))
        )
    return _one(
        connections_visible_to(membership).prefetch_related(*prefetches).filter(number=number),
        f"Connection {number} not found.",
    )


def assignments_for(membership: SiteMembership) -> QuerySet[Connection]:
    """Connections assigned to the caller (as caller or through a team), any type."""
    return (
        Connection.objects.filter(site_id=membership.site_id)
        .filter(_assigned_to(membership.individual_id))
        .select_related("connection_type", "contact", "caller", "team")
        .order_by("due_date", "number")
    )


def assignment_summary_for(membership: SiteMembership) -> list[dict]:
    """Per connection type: how many open connections the caller is assigned, earliest due."""
    return list(
        Connection.objects.filter(site_id=membership.site_id, completed=False)
        .filter(_assigned_to(membership.individual_id))
        .values("connection_type__number", "connection_type__description")
        .annotate(total=Count("pk"), earliest_due_date=Min("due_date"))
        .order_by("connection_type__number")
    )


# --- change requests ---


def change_requests_for(
    *,
    site: Site,
    status: str | None = None,
    kind: str | None = None,
    submitter: str | None = None,
) -> QuerySet[ChangeRequest]:
    """The site's change requests, newest first, with what the list shows joined in."""
    change_requests = ChangeRequest.objects.filter(site=site).select_related(
        "submitted_by", "reviewed_by", "connection__connection_type"
    )
    if status:
        change_requests = change_requests.filter(status=status)
    if kind:
        change_requests = change_requests.filter(kind=kind)
    if submitter:
        change_requests = change_requests.filter(submitted_by__username=submitter)
    return change_requests.order_by("-number")


def change_request_get(*, site: Site, number: int) -> ChangeRequest:
    return _one(
        change_requests_for(site=site).filter(number=number),
        f"Change request {number} not found.",
    )
