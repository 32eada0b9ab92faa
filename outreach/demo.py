"""Outreach demo data: site 12345 with the seed document's ids, and site 54321 beside it.

The seed's change request (`ContactIndvId` 76, `ConnectionTypeId` 1, `NewTeamId` 1, posted by
`jadams` / `password231`) is valid against this data. Site 54321 reuses the same numbers
(individual 76, type 1, team 1, connection 1) to show that ids are per site.
"""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from connect_api.demo import DemoCredential
from outreach.choices import ChangeRequestKind, ConnectionCategory, Right, SecurityRole
from outreach.models import (
    ChangeRequest,
    Connection,
    ConnectionComment,
    ConnectionType,
    ConnectionTypeRight,
    Individual,
    Response,
    Site,
    SiteMembership,
    Team,
)
from outreach.services import change_request_submit

SITE_NUMBER = 12345
OTHER_SITE_NUMBER = 54321

ADMINISTRATOR = ("outreach_admin", "outreach-admin-pass")
CALLER = ("jadams", "password231")
"""The seed document's credentials: every right, A on connection types 1 and 2."""
VIEWER = ("outreach_viewer", "outreach-viewer-pass")
"""Comments read-only (ViewAddComments V), so the change-request gate stops it."""
ASSIGNED_ONLY = ("outreach_assigned", "outreach-assigned-pass")
"""AssignedContactsOnly A: sees only connections assigned to it or to its team 1."""
OTHER_SITE_ADMINISTRATOR = ("outreach_hillside", "outreach-hillside-pass")

A, V, N = Right.GRANTED, Right.VIEW, Right.NONE

# number, FamId, first name, last name, goes-by name, family position, phone
INDIVIDUALS_12345 = [
    (70, 20, "John", "Adams", "Johnny", "Head", "801-555-0170"),
    (71, 20, "Abigail", "Adams", "Abby", "Spouse", "801-555-0171"),
    (72, 21, "Maria", "Lopez", "", "Head", "801-555-0172"),
    (73, 22, "Ken", "Young", "", "Head", "801-555-0173"),
    (74, 23, "Ruth", "Baker", "", "Head", "801-555-0174"),
    (75, 24, "Samuel", "Reed", "Sam", "Head", "801-555-0175"),
    (76, 25, "Thomas", "Wright", "Tom", "Head", "801-555-0176"),
    (77, 25, "Emily", "Wright", "", "Spouse", "801-555-0177"),
    (78, 26, "Grace", "Chen", "", "Head", "801-555-0178"),
]
INDIVIDUALS_54321 = [
    (1, 1, "Henry", "Stone", "", "Head", "435-555-0101"),
    (76, 40, "Olivia", "Stone", "Liv", "Spouse", "435-555-0176"),
]

# number, description, category, [(RespID, description), ...]
TYPES_12345 = [
    (
        1,
        "First Time Guest",
        ConnectionCategory.OUTWARD,
        [(1, "Left a message"), (2, "Spoke with them"), (3, "Will visit again")],
    ),
    (2, "Hospital Visit", ConnectionCategory.OUTWARD, [(4, "Visited"), (5, "Prayed together")]),
    (3, "New Member Class", ConnectionCategory.INWARD, [(6, "Registered")]),
]
TYPES_54321 = [(1, "Visitor Follow-up", ConnectionCategory.OUTWARD, [(1, "Called")])]


def seed() -> list[DemoCredential]:
    """All outreach demo data: the directory and lookups, then change requests."""
    return seed_lookups() + seed_change_requests()


def seed_lookups() -> list[DemoCredential]:
    """Sites, people, rights, teams, types, responses and connections (idempotent)."""
    site = _site(SITE_NUMBER, "Grace Community Church")
    people = {row[0]: _individual(site, *row) for row in INDIVIDUALS_12345}
    types, responses = _types(site, TYPES_12345)
    care_team = _team(site, 1, "Care Team", [people[70], people[74], people[75]])
    greeters = _team(site, 2, "Greeters", [people[71], people[78]])

    _membership(site, ADMINISTRATOR, SecurityRole.ADMINISTRATOR, people[72])
    _membership(
        site,
        CALLER,
        SecurityRole.STAFF,
        people[70],
        rights=dict.fromkeys(
            [
                "create_change_request",
                "locate_person",
                "member_search",
                "view_add_comments",
                "reassign_connection",
            ],
            A,
        ),
        type_rights={types[1]: A, types[2]: A, types[3]: V},
    )
    _membership(
        site,
        VIEWER,
        SecurityRole.MEMBER,
        people[73],
        rights={"create_change_request": A, "locate_person": A, "view_add_comments": V},
        type_rights={types[1]: A, types[2]: V},
    )
    _membership(
        site,
        ASSIGNED_ONLY,
        SecurityRole.LAYLEADER,
        people[74],
        rights={"locate_person": A, "view_add_comments": A, "assigned_contacts_only": A},
        type_rights={types[1]: A, types[2]: A},
    )

    first = _connection(
        site,
        1,
        types[1],
        people[76],
        caller=people[70],
        due=date(2015, 6, 12),
        responses=[responses[1]],
        created=datetime(2015, 6, 1, 10, 0),
    )
    _comment(
        first, "Maria Lopez", datetime(2015, 6, 1, 10, 5), "Visited for the first time on Sunday."
    )
    _comment(
        first,
        "John Adams",
        datetime(2015, 6, 3, 18, 30),
        "Left a voicemail; will try again Friday.",
    )
    _connection(
        site,
        2,
        types[1],
        people[77],
        team=care_team,
        due=date(2015, 6, 20),
        created=datetime(2015, 6, 2, 9, 0),
    )
    _connection(
        site,
        3,
        types[2],
        people[78],
        caller=people[72],
        due=date(2015, 6, 8),
        completed_date=date(2015, 6, 7),
        responses=[responses[4], responses[5]],
        created=datetime(2015, 6, 2, 11, 0),
    )
    _connection(
        site,
        4,
        types[2],
        people[71],
        caller=people[70],
        due=date(2015, 7, 1),
        created=datetime(2015, 6, 4, 8, 0),
    )
    _connection(
        site,
        5,
        types[3],
        people[75],
        team=greeters,
        due=date(2015, 6, 28),
        family_connection=True,
        created=datetime(2015, 6, 5, 8, 0),
    )

    other = _site(OTHER_SITE_NUMBER, "Hillside Chapel")
    other_people = {row[0]: _individual(other, *row) for row in INDIVIDUALS_54321}
    other_types, _ = _types(other, TYPES_54321)
    youth = _team(other, 1, "Youth Team", [other_people[1]])
    _membership(other, OTHER_SITE_ADMINISTRATOR, SecurityRole.ADMINISTRATOR, other_people[1])
    _connection(
        other,
        1,
        other_types[1],
        other_people[76],
        team=youth,
        due=date(2015, 6, 15),
        created=datetime(2015, 6, 1, 12, 0),
    )

    return [
        DemoCredential(*ADMINISTRATOR, "outreach: Administrator at site 12345"),
        DemoCredential(*CALLER, "outreach: the seed's caller at site 12345 (all rights)"),
        DemoCredential(*VIEWER, "outreach: site 12345, ViewAddComments V only"),
        DemoCredential(*ASSIGNED_ONLY, "outreach: site 12345, AssignedContactsOnly A"),
        DemoCredential(*OTHER_SITE_ADMINISTRATOR, "outreach: Administrator at site 54321"),
    ]


def _site(number: int, name: str) -> Site:
    return Site.objects.get_or_create(number=number, defaults={"name": name})[0]


def _individual(site, number, family_number, first, last, goes_by, position, phone) -> Individual:
    return Individual.objects.get_or_create(
        site=site,
        number=number,
        defaults={
            "family_number": family_number,
            "first_name": first,
            "last_name": last,
            "goes_by_name": goes_by,
            "family_position": position,
            "email": f"{first}.{last}@example.org".lower(),
            "phone": phone,
            "member_status": "Member",
        },
    )[0]


def _types(site, rows) -> tuple[dict[int, ConnectionType], dict[int, Response]]:
    types, responses = {}, {}
    for number, description, category, type_responses in rows:
        connection_type = ConnectionType.objects.get_or_create(
            site=site, number=number, defaults={"description": description, "category": category}
        )[0]
        types[number] = connection_type
        for response_number, response_description in type_responses:
            responses[response_number] = Response.objects.get_or_create(
                site=site,
                number=response_number,
                defaults={"connection_type": connection_type, "description": response_description},
            )[0]
    return types, responses


def _team(site, number: int, name: str, members: list[Individual]) -> Team:
    team, created = Team.objects.get_or_create(site=site, number=number, defaults={"name": name})
    if created:
        team.members.set(members)
    return team


def _membership(site, credential, role, individual, *, rights=None, type_rights=None):
    username, password = credential
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    if created:
        user.set_password(password)
        user.save()
    membership, created = SiteMembership.objects.get_or_create(
        user=user,
        site=site,
        defaults={"security_role": role, "individual": individual, **(rights or {})},
    )
    if created:
        for connection_type, right in (type_rights or {}).items():
            ConnectionTypeRight.objects.create(
                membership=membership, connection_type=connection_type, right=right
            )
    return membership


def _connection(
    site,
    number: int,
    connection_type: ConnectionType,
    contact: Individual,
    *,
    created: datetime,
    due: date,
    caller: Individual | None = None,
    team: Team | None = None,
    family_connection: bool = False,
    completed_date: date | None = None,
    responses: tuple | list = (),
) -> Connection:
    connection, was_created = Connection.objects.get_or_create(
        site=site,
        number=number,
        defaults={
            "connection_type": connection_type,
            "contact": contact,
            "caller": caller,
            "team": team,
            "due_date": due,
            "family_connection": family_connection,
            "completed": completed_date is not None,
            "completed_date": completed_date,
            "created": timezone.make_aware(created),
        },
    )
    if was_created:
        connection.responses.set(responses)
    return connection


def _comment(connection, author_name: str, created: datetime, text: str) -> None:
    ConnectionComment.objects.get_or_create(
        connection=connection,
        text=text,
        defaults={"author_name": author_name, "created": timezone.make_aware(created)},
    )


# --- change requests ---


def seed_change_requests() -> list[DemoCredential]:
    """A PENDING change request from the seed's caller (ConnectionCRId 1 on fresh data): a
    modify of connection 2, so the review list has something to show (idempotent)."""
    caller = SiteMembership.objects.select_related("site", "user").get(
        site__number=SITE_NUMBER, user__username=CALLER[0]
    )
    connection = Connection.objects.get(site=caller.site, number=2)
    if not ChangeRequest.objects.filter(connection=connection, submitted_by=caller.user).exists():
        change_request_submit(
            membership=caller,
            data={
                "kind": ChangeRequestKind.MODIFY,
                "connection_id": connection.number,
                "connection_date": date(2015, 6, 27),
                "comment": "Spoke briefly after church; call again next week.",
                "response_ids": [2],
            },
        )
    return []
