"""Outreach reads: every queryset scoped to the caller's site (another site's ids are simply
not found) and, where the rights say so, to the caller's own assignments."""

from collections.abc import Sequence
from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from connect_api.errors import NotFound
from connect_api.prepared import PreparedList, PreparedRows, Transformed
from outreach import permissions
from outreach.choices import ChangeRequestKind, SecurityRole
from outreach.fields import CONNECTION_WRITES, Applies
from outreach.models import (
    Address,
    ChangeRequest,
    CommentChangeRequest,
    CommentType,
    Connection,
    ConnectionComment,
    ConnectionType,
    Family,
    GivingMerchant,
    Individual,
    IndividualComment,
    IndividualEmail,
    Phone,
    Response,
    Site,
    SiteMembership,
    Team,
    search_text_of,
)
from outreach.payload import ChangeRequestPayload, history_value


def _one(queryset: QuerySet, not_found: str):
    """The one row a unique lookup finds (no ORDER BY: `first()` would join the models'
    default orderings in for a single row), else NotFound."""
    try:
        return queryset.get()
    except queryset.model.DoesNotExist:
        raise NotFound(not_found) from None


def connection_types_for(membership: SiteMembership) -> list[tuple[ConnectionType, str]]:
    """The site's active types with the caller's permission on each; types with N left out."""
    types = (
        ConnectionType.objects.restrict(membership.site_id).filter(active=True).order_by("number")
    )
    with_rights = [
        (connection_type, permissions.type_right(membership, connection_type))
        for connection_type in types
    ]
    return [(connection_type, right) for connection_type, right in with_rights if right != "N"]


def connection_type_get(membership: SiteMembership, number: int) -> ConnectionType:
    return _one(
        ConnectionType.objects.restrict(membership.site_id).filter(number=number),
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
        Team.objects.restrict(membership.site_id)
        .annotate(member_count=Count("members"))
        .order_by("number")
    )


def individuals_search(membership: SiteMembership, query: str = "") -> QuerySet[Individual]:
    """The site's people matching `query` (`IndividualQuerySet.search`), by name."""
    return _people_at_site_matching(membership.site_id, query)


def _people_at_site_matching(site_id: int, query: str) -> QuerySet[Individual]:
    return (
        Individual.objects.restrict(site_id)
        .search(query)
        .order_by("last_name", "first_name", "number")
    )


def _like_word(word: str, connection) -> str:
    """The parameter `search_text__contains=search_text_of([word])` gives the SQL."""
    return f"%{connection.ops.prep_for_like_query(search_text_of([word]))}%"


def with_family_for_contacts(individuals: QuerySet[Individual]) -> QuerySet[Individual]:
    """People as contact_data shows them: with their family, without the columns it never
    reads (the search text, birth date, status; the family's name and picture)."""
    return individuals.select_related("family").defer(
        "search_text", "date_of_birth", "member_status", "family__name", "family__picture"
    )


class FamilyRow:
    """A person's family as contact_data reads it (with_contact_rows gives it its lists)."""

    __slots__ = ("number", "pk", "prefetched_addresses", "prefetched_emails", "prefetched_phones")

    def __init__(self, pk: int, number: int):
        self.pk, self.number = pk, number


class IndividualRow:
    """A person found under Individual's attribute names, from _CONTACT_COLUMNS: contact_data
    reads it as it reads an instance (`picture` is the file's name, true when there is one),
    and with_contact_rows gives it and its family their contact lists."""

    __slots__ = (
        "family",
        "family_position",
        "first_name",
        "goes_by_name",
        "last_name",
        "middle_name",
        "number",
        "picture",
        "pk",
        "prefetched_addresses",
        "prefetched_emails",
        "prefetched_phones",
        "suffix",
        "title",
    )

    def __init__(self, columns: tuple):
        (
            self.pk,
            self.number,
            self.family_position,
            self.title,
            self.first_name,
            self.middle_name,
            self.last_name,
            self.goes_by_name,
            self.suffix,
            self.picture,
            family,
            family_number,
        ) = columns
        self.family = None if family is None else FamilyRow(family, family_number)


_CONTACT_COLUMNS = (
    "pk",
    "number",
    "family_position",
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "goes_by_name",
    "suffix",
    "picture",
    "family__id",
    "family__number",
)


_individuals_found = PreparedList(
    lambda site_id, words: with_family_for_contacts(
        _people_at_site_matching(site_id, " ".join(words))
    ),
    lambda: Individual._meta.get_field("site"),
    lambda: Transformed(_like_word),
    columns=_CONTACT_COLUMNS,
    row=IndividualRow,
)


def individuals_found(membership: SiteMembership, query: str) -> QuerySet[Individual]:
    """`with_family_for_contacts(individuals_search(membership, query))`: the search's
    count and pages run by queries compiled once per number of words and page
    (connect_api.prepared.PreparedList); compiling them cost more than running them. A page
    read so is IndividualRow's, not instances."""
    return _individuals_found(membership.site_id, query.split())


def individual_get(membership: SiteMembership, number: int) -> Individual:
    return _one(
        Individual.objects.restrict(membership.site_id).filter(number=number),
        f"Individual {number} not found.",
    )


def _assigned_to(individual_id: int | None) -> Q:
    """Connections whose caller is the individual or whose team has the individual as member."""
    if individual_id is None:
        return Q(pk__in=[])
    return Q(caller_id=individual_id) | Q(
        team_id__in=Team.objects.filter(members=individual_id).values("pk")
    )


# The order of a person's (or family's) emails and phones, and of their addresses: the
# preferred one first (outputs.contact_data picks it), else by number.
_BY_PREFERENCE = ("-preferred", "number")
_BY_NUMBER = ("number",)


def contact_prefetches(path: str = "") -> list[Prefetch]:
    """What `outputs.contact_data` reads of the individuals at `path` (e.g. "contact__"), whose
    family is already joined: emails, phones, addresses, the family's addresses and phones.
    Five queries however many people.

    Each lands in a plain list (`prefetched_emails`, `prefetched_phones`,
    `prefetched_addresses`, on the person and on the family) rather than in the related
    managers' caches: filling those makes a queryset per person and relation (125 for a page
    of 25 people), most of a search's time in Python (benchmarks/outreach_search.py)."""
    phones = Phone.objects.select_related("address").order_by(*_BY_PREFERENCE)
    addresses = Address.objects.order_by(*_BY_NUMBER)
    return [
        Prefetch(
            f"{path}emails",
            IndividualEmail.objects.order_by(*_BY_PREFERENCE),
            to_attr="prefetched_emails",
        ),
        Prefetch(f"{path}phones", phones, to_attr="prefetched_phones"),
        Prefetch(f"{path}addresses", addresses, to_attr="prefetched_addresses"),
        Prefetch(f"{path}family__addresses", addresses, to_attr="prefetched_addresses"),
        Prefetch(f"{path}family__phones", phones, to_attr="prefetched_phones"),
    ]


class EmailRow(NamedTuple):
    """An IndividualEmail's columns `outputs.contact_data` reads, under its attribute names."""

    owner_id: int
    email: str
    listed: bool
    preferred: bool


class PhoneRow(NamedTuple):
    owner_id: int
    phone_number: str
    listed: bool
    preferred: bool


class AddressRow(NamedTuple):
    owner_id: int
    active: bool
    mailing: bool
    company: str
    street: str
    street2: str
    city: str
    state: str
    zipcode: str
    country: str


def _contact_rows(model, owner: str, row: type[NamedTuple], order: tuple[str, ...]):
    """`row`s of `model` whose `owner` (individual or family) is one of the keys, in the order
    of `contact_prefetches`, compiled once per number of keys (connect_api.prepared)."""
    return PreparedRows(
        lambda keys: (
            model.objects.filter(**{f"{owner}_id__in": keys})
            .order_by(*order)
            .values_list(f"{owner}_id", *row._fields[1:])
        )
    )


# (list attribute, row type, its query) for a person, then for a family.
_INDIVIDUAL_LISTS = [
    (name, row, _contact_rows(model, "individual", row, order))
    for name, model, row, order in (
        ("prefetched_emails", IndividualEmail, EmailRow, _BY_PREFERENCE),
        ("prefetched_phones", Phone, PhoneRow, _BY_PREFERENCE),
        ("prefetched_addresses", Address, AddressRow, _BY_NUMBER),
    )
]
_FAMILY_LISTS = [
    (name, row, _contact_rows(model, "family", row, order))
    for name, model, row, order in (
        ("prefetched_addresses", Address, AddressRow, _BY_NUMBER),
        ("prefetched_phones", Phone, PhoneRow, _BY_PREFERENCE),
    )
]


def with_contact_rows(individuals: Sequence[Individual]) -> Sequence[Individual]:
    """What `contact_prefetches()` loads for `individuals` (their family already joined), as
    rows in the same plain lists (`prefetched_emails`, `prefetched_phones`,
    `prefetched_addresses`, on each person and family): the same five queries (the family's
    two only when someone has a family), each compiled once per number of keys, and no
    Phone, Address or email instance built (tests/outreach/test_contact_rows.py pins the
    answer and the count). For the hot list of people: the individual search."""
    # Each person's row brings its own Family instance: every instance of a family gets the
    # family's lists.
    people: dict[int, list] = {}
    families: dict[int, list] = {}
    for person in individuals:
        people.setdefault(person.pk, []).append(person)
        if person.family is not None:
            families.setdefault(person.family.pk, []).append(person.family)
    for owners, lists in ((people, _INDIVIDUAL_LISTS), (families, _FAMILY_LISTS)):
        keys = list(owners)
        for attribute, row_type, read in lists:
            found: dict[int, list] = {key: [] for key in keys}
            for values in read(keys):  # no owners: no query
                found[values[0]].append(row_type._make(values))
            for key, instances in owners.items():
                rows = found[key]
                for instance in instances:
                    setattr(instance, attribute, rows)
    return individuals


def _people() -> QuerySet[Individual]:
    return Individual.objects.select_related("family").order_by("last_name", "first_name", "number")


def connections_visible_to(membership: SiteMembership) -> QuerySet[Connection]:
    connections = Connection.objects.restrict(membership.site_id)
    if permissions.sees_only_assigned_connections(membership):
        connections = connections.filter(_assigned_to(membership.individual_id))
    return connections.select_related("connection_type", "contact", "caller", "team")


def with_connection_details(
    connections: QuerySet[Connection], *, with_comments: bool
) -> QuerySet[Connection]:
    """Everything `outputs.connection_summary_data` / `connection_detail_data` read, in a
    constant number of queries for any number of connections."""
    prefetches = [
        Prefetch("team__members", queryset=_people()),
        Prefetch("responses", queryset=Response.objects.order_by("number")),
        *contact_prefetches("contact__"),
        *contact_prefetches("caller__"),
        *contact_prefetches("team__members__"),
    ]
    if with_comments:
        prefetches.append(
            Prefetch("comments", queryset=ConnectionComment.objects.order_by("created", "id"))
        )
    return connections.select_related(
        "connection_type", "contact__family", "caller__family", "team"
    ).prefetch_related(*prefetches)


def connection_get(membership: SiteMembership, number: int, *, with_comments: bool) -> Connection:
    return _one(
        with_connection_details(
            connections_visible_to(membership), with_comments=with_comments
        ).filter(number=number),
        f"Connection {number} not found.",
    )


def assignments_for(membership: SiteMembership) -> QuerySet[Connection]:
    """Connections assigned to the caller (as caller or through a team), any type, soonest
    due first."""
    return (
        Connection.objects.restrict(membership.site_id)
        .filter(_assigned_to(membership.individual_id))
        .order_by("due_date", "number")
    )


def assignment_summary_for(membership: SiteMembership) -> QuerySet:
    """Per connection type: how many open connections the caller is assigned, earliest due
    (a connection without a due date counts as due the day it was created)."""
    return (
        Connection.objects.restrict(membership.site_id)
        .filter(completed=False)
        .filter(_assigned_to(membership.individual_id))
        .values("connection_type__number", "connection_type__description")
        .annotate(
            total=Count("pk"),
            earliest_due_date=Min(Coalesce("due_date", TruncDate("created"))),
        )
        .order_by("connection_type__number")
    )


def individual_history_for(membership: SiteMembership, individual: Individual):
    """The person's outreach history: the connections made with them, newest first (those
    the caller may see)."""
    return (
        connections_visible_to(membership)
        .filter(contact=individual)
        .order_by("-created", "-number")
    )


def individual_detail_get(membership: SiteMembership, number: int) -> Individual:
    """One person with everything `outputs.individual_detail_data` reads (family members with
    their contact details included)."""
    return _one(
        Individual.objects.restrict(membership.site_id)
        .filter(number=number)
        .select_related("family")
        .prefetch_related(
            *contact_prefetches(),
            Prefetch("family__members", queryset=_people()),
            *contact_prefetches("family__members__"),
        ),
        f"Individual {number} not found.",
    )


def family_get(membership: SiteMembership, number: int) -> Family:
    return _one(
        Family.objects.restrict(membership.site_id).filter(number=number),
        f"Family {number} not found.",
    )


def usernames_with_email(email: str) -> list[str]:
    """The usernames of accounts with this e-mail address (any case); none found, the address
    itself (it may be a username, and a failed login is counted under it either way)."""
    usernames = list(
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True)
        .order_by("pk")
        .values_list("username", flat=True)
    )
    return usernames or [email]


def memberships_of(users) -> QuerySet[SiteMembership]:
    return (
        SiteMembership.objects.filter(user__in=users)
        .select_related("site", "user", "individual__family")
        .order_by("site__number", "user__username")
    )


def giving_merchant_for(membership: SiteMembership) -> GivingMerchant | None:
    return GivingMerchant.objects.restrict(membership.site_id).first()


# --- comments on people ---


def comment_types_for(membership: SiteMembership) -> QuerySet[CommentType]:
    return CommentType.objects.restrict(membership.site_id).filter(active=True).order_by("number")


def comment_type_get(membership: SiteMembership, number: int) -> CommentType:
    return _one(
        CommentType.objects.restrict(membership.site_id).filter(number=number),
        f"Comment type {number} not found.",
    )


def comment_summary_for(individual: Individual) -> QuerySet[CommentType]:
    """The comment types the person has comments of, each with how many and the latest."""
    return (
        CommentType.objects.filter(comments__individual=individual)
        .annotate(comment_count=Count("comments"), last_comment=Max("comments__created"))
        .order_by("number")
    )


def comments_for(individual: Individual, comment_type: CommentType) -> QuerySet[IndividualComment]:
    """The person's comments of one type, newest first."""
    return (
        IndividualComment.objects.filter(individual=individual, comment_type=comment_type)
        .select_related("comment_type")
        .order_by("-created", "-number")
    )


def comment_change_requests_for(
    membership: SiteMembership, *, status: str | None = None
) -> QuerySet[CommentChangeRequest]:
    """The site's comment change requests, newest first, with what the review shows."""
    change_requests = (
        CommentChangeRequest.objects.restrict(membership.site_id)
        .select_related("individual", "comment_type", "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("comments", queryset=IndividualComment.objects.order_by("number"))
        )
    )
    if status:
        change_requests = change_requests.filter(status=status)
    return change_requests.order_by("-number")


def comment_change_request_get(membership: SiteMembership, number: int) -> CommentChangeRequest:
    return _one(
        comment_change_requests_for(membership).filter(number=number),
        f"Comment change request {number} not found.",
    )


# --- change requests ---


def change_requests_for(
    *,
    site: Site,
    viewer: SiteMembership | None = None,
    mine: bool = False,
    status: str | None = None,
    kind: str | None = None,
    submitter: str | None = None,
) -> QuerySet[ChangeRequest]:
    """The site's change requests, newest first, with what the list shows joined in.

    With a `viewer`: an Administrator sees the site's, anyone else only their own
    submissions (another's is not found); `mine` limits an Administrator to their own too."""
    change_requests = ChangeRequest.objects.restrict(site).select_related(
        "submitted_by", "reviewed_by", "connection__connection_type"
    )
    if viewer is not None and (mine or not permissions.is_administrator(viewer)):
        change_requests = change_requests.filter(submitted_by=viewer.user_id)
    if status:
        change_requests = change_requests.filter(status=status)
    if kind:
        change_requests = change_requests.filter(kind=kind)
    if submitter:
        change_requests = change_requests.filter(submitted_by__username=submitter)
    return change_requests.order_by("-number")


def change_request_get(
    *, site: Site, number: int, viewer: SiteMembership | None = None
) -> ChangeRequest:
    return _one(
        change_requests_for(site=site, viewer=viewer).filter(number=number),
        f"Change request {number} not found.",
    )


def change_request_proposal(change_request: ChangeRequest) -> dict[str, list]:
    """What applying the change request would do, as the history records what it did:
    {field: [now, proposed]} in the history's names and values (MM/DD/YYYY, numbers) and
    order. Every field the change sets is listed and, for an existing connection, those the
    table marks `shown` (due date, caller, team, completion: unchanged unless the change sets
    them); "now" is None for an add."""
    payload = ChangeRequestPayload.of(change_request)
    connection = None if change_request.kind == ChangeRequestKind.ADD else change_request.connection
    proposed = {
        target.label: history_value(value)
        for _, target, value in payload.connection_writes()
        if target.label
    }
    proposal = {}
    for spec, target in CONNECTION_WRITES:
        if target.applies is Applies.SETS and connection is None:
            if target.label in proposed:
                proposal[target.label] = [None, proposed[target.label]]
        elif target.applies is Applies.SETS and (target.shown or target.label in proposed):
            now = history_value(getattr(connection, target.attribute))
            proposal[target.label] = [now, proposed.get(target.label, now)]
        elif target.applies is Applies.REPLACES:
            rows = () if connection is None else getattr(connection, target.attribute).all()
            current = sorted(row.number for row in rows)
            proposal[target.label] = [current, list(getattr(payload, spec.stored))]
        elif target.applies is Applies.APPENDS and getattr(payload, spec.stored):
            proposal[target.label] = [None, getattr(payload, spec.stored)]
    return proposal


# --- the review console ---


def sites_administered_by(user) -> QuerySet[Site]:
    """The sites where `user` is an Administrator (the review console shows nothing else)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Site.objects.none()
    return Site.objects.filter(
        memberships__user=user, memberships__security_role=SecurityRole.ADMINISTRATOR
    ).order_by("number")


WORKLOAD_DUE_DAYS = 7
WORKLOAD_DONE_DAYS = 30


def workload_conditions(today) -> dict[str, Q]:
    """The workload's figures as conditions on a connection (the counts and the connection
    list's filters use these same ones)."""
    return {
        "open": Q(completed=False),
        "overdue": Q(completed=False, due_date__lt=today),
        "soon": Q(
            completed=False,
            due_date__gte=today,
            due_date__lt=today + timedelta(days=WORKLOAD_DUE_DAYS),
        ),
        "done": Q(
            completed=True,
            completed_date__gt=today - timedelta(days=WORKLOAD_DONE_DAYS),
            completed_date__lte=today,
        ),
    }


def workload_for(site: Site, *, today=None) -> dict[str, list[dict]]:
    """Per caller and per team of the site: open connections, overdue ones, those due within
    WORKLOAD_DUE_DAYS days (today included), and those completed in the last
    WORKLOAD_DONE_DAYS days. Two queries."""
    today = today or timezone.localdate()
    figures = {
        name: Count("pk", filter=condition)
        for name, condition in workload_conditions(today).items()
    }
    connections = Connection.objects.restrict(site).order_by()
    callers = (
        connections.filter(caller__isnull=False)
        .values("caller", "caller__number", "caller__first_name", "caller__last_name")
        .annotate(**figures)
        .order_by("caller__last_name", "caller__first_name", "caller__number")
    )
    teams = (
        connections.filter(team__isnull=False)
        .values("team", "team__number", "team__name")
        .annotate(**figures)
        .order_by("team__number")
    )
    return {
        "callers": [
            {
                "pk": row["caller"],
                "name": f"{row['caller__first_name']} {row['caller__last_name']}".strip(),
                "number": row["caller__number"],
                **{key: row[key] for key in figures},
            }
            for row in callers
        ],
        "teams": [
            {
                "pk": row["team"],
                "name": row["team__name"],
                "number": row["team__number"],
                **{key: row[key] for key in figures},
            }
            for row in teams
        ],
    }
