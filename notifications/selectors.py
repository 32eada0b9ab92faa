"""Who hears about an event, and what each user chose to hear."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from connect_api.events import EventName
from connect_api.models import Event
from notifications.choices import DeliveryStatus, MailKind, default_frequency
from notifications.models import MailDelivery, MailPreference
from outreach.choices import SecurityRole
from outreach.models import Site, SiteMembership, Team

User = get_user_model()


@dataclass(frozen=True)
class Audience:
    """The users owed one kind of mail about an event (at a site, for the outreach kinds)."""

    kind: MailKind
    users: list
    site: Site | None = None
    context: dict = field(default_factory=dict)


def _reachable(users: QuerySet) -> list:
    """Active users with an address, each once, in a stable order."""
    return list(users.filter(is_active=True).exclude(email="").distinct().order_by("pk"))


def _members_of(organization_pks) -> list:
    organization_pks = [pk for pk in organization_pks if pk]
    return _reachable(
        User.objects.filter(organization_membership__organization__in=organization_pks)
    )


def _site_users(site: Site, condition: Q) -> list:
    """Users whose membership AT THIS SITE meets `condition` (a condition on the membership,
    so an Administrator elsewhere is not one here)."""
    memberships = SiteMembership.objects.restrict(site).filter(condition)
    return _reachable(User.objects.filter(pk__in=memberships.values("user_id")))


def _due_recipients(site: Site, refs: dict) -> list:
    """The assigned caller's account, else each member of the assigned team who has one
    (SiteMembership.individual links a person of the directory to a user)."""
    if refs.get("caller"):
        people = Q(individual=refs["caller"])
    elif refs.get("team"):
        team = Team.objects.restrict(site).filter(pk=refs["team"]).first()
        if team is None:
            return []
        people = Q(individual__in=team.members.all())
    else:
        return []
    return _site_users(site, people)


def audiences_for(event: Event) -> list[Audience]:
    """Every (kind, users) an event reaches (docs/both-apis.md, "Notifications by e-mail")."""
    refs = event.refs
    if event.name in (
        EventName.REQUEST_APPROVED,
        EventName.REQUEST_REJECTED,
        EventName.REQUEST_CHANGES_REQUESTED,
    ):
        audiences = [Audience(MailKind.REQUEST_DECIDED, _members_of([refs.get("requester")]))]
        if event.name == EventName.REQUEST_APPROVED and refs.get("counterpart"):
            audiences.append(
                Audience(MailKind.CONFIRMATION_REQUESTED, _members_of([refs["counterpart"]]))
            )
        return audiences
    if event.name in (EventName.CONNECTION_CONFIRMED, EventName.CONNECTION_DEACTIVATED):
        return [Audience(MailKind.CONNECTION_CHANGED, _members_of(refs.get("organizations", [])))]
    if event.name == EventName.UPLOAD_CHECKED:
        if event.data.get("status") != "failed":
            return []
        return [Audience(MailKind.UPLOAD_CHECK_FAILED, _members_of(refs.get("organizations", [])))]
    site = Site.objects.filter(pk=refs.get("site")).first() if refs.get("site") else None
    if site is None:
        return []
    context = {"site_name": site.name, "site_number": site.number}
    if event.name == EventName.CHANGE_REQUEST_SUBMITTED:
        submitter = User.objects.filter(pk=refs.get("submitter")).first()
        context["submitter"] = submitter.get_username() if submitter else None
        reviewers = _site_users(
            site,
            Q(security_role=SecurityRole.ADMINISTRATOR)
            & ~Q(user_id=refs.get("submitter")),  # an Administrator's own submission: no notice
        )
        return [Audience(MailKind.CHANGE_REQUEST_SUBMITTED, reviewers, site, context)]
    if event.name in (
        EventName.CHANGE_REQUEST_APPLIED,
        EventName.CHANGE_REQUEST_REJECTED,
        EventName.CHANGE_REQUEST_STALE,
    ):
        submitter = _site_users(site, Q(user_id=refs.get("submitter")))
        return [Audience(MailKind.CHANGE_REQUEST_REVIEWED, submitter, site, context)]
    if event.name == EventName.OUTREACH_CONNECTION_DUE:
        recipients = _due_recipients(site, refs)
        return [Audience(MailKind.CONNECTION_DUE, recipients, site, context)]
    return []


def frequencies_for(users: list, kind: str, site: Site | None) -> dict[int, str]:
    """Each user's frequency for the kind (at the site): one query for all of them."""
    chosen = dict(
        MailPreference.objects.restrict(site)
        .filter(user__in=users, kind=kind)
        .values_list("user_id", "frequency")
    )
    return {user.pk: chosen.get(user.pk, default_frequency(kind)) for user in users}


def preferences_for(user, *, kinds, site: Site | None = None) -> dict[str, str]:
    """The user's frequency of each kind (at the site), defaults filled in."""
    chosen = dict(
        MailPreference.objects.restrict(site)
        .filter(user=user, kind__in=kinds)
        .values_list("kind", "frequency")
    )
    return {kind: chosen.get(kind, default_frequency(kind)) for kind in kinds}


def deliveries_queued(*, frequency: str) -> QuerySet[MailDelivery]:
    return MailDelivery.objects.filter(status=DeliveryStatus.QUEUED, frequency=frequency)


def kind_label(kind: str) -> str:
    return MailKind(kind).label


FEED_EVENTS = {
    # event -> which organizations' users are told about it (as audiences_for mails them)
    EventName.REQUEST_APPROVED: ("requester", "counterpart"),
    EventName.REQUEST_REJECTED: ("requester",),
    EventName.REQUEST_CHANGES_REQUESTED: ("requester",),
    EventName.CONNECTION_CONFIRMED: ("organizations",),
    EventName.CONNECTION_DEACTIVATED: ("organizations",),
}


def dashboard_events_for(organization_pk: int | None, *, since) -> QuerySet[Event]:
    """The events an organization's users are told about since `since` (when the user
    joined), newest first: the dashboard's notifications. None: no organization, none."""
    if organization_pk is None:
        return Event.objects.none()
    told = Q()
    for name, roles in FEED_EVENTS.items():
        whose = Q()
        for role in roles:
            if role == "organizations":  # both sides of a connection
                whose |= Q(refs__organizations__0=organization_pk)
                whose |= Q(refs__organizations__1=organization_pk)
            else:
                whose |= Q(**{f"refs__{role}": organization_pk})
        told |= Q(name=name) & whose
    return Event.objects.filter(told, created__gte=since).order_by("-created", "-id")
