"""Outreach demo data: site 12345 with the seed document's ids, and site 54321 beside it.

The seed's change request (`ContactIndvId` 76, `ConnectionTypeId` 1, `NewTeamId` 1, posted by
`jadams` / `password231`) is valid against this data. Site 54321 reuses the same numbers
(individual 76, type 1, team 1, connection 1) to show that ids are per site.
"""

import base64
import uuid
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from connect_api.demo import DemoCredential, set_demo_password
from outreach.choices import (
    AddressType,
    ConnectionCategory,
    EmailType,
    PhoneType,
    Right,
    SecurityRole,
)
from outreach.models import (
    Address,
    ChangeRequest,
    CommentType,
    Connection,
    ConnectionComment,
    ConnectionType,
    ConnectionTypeRight,
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
)
from outreach.payload import ChangeRequestPayload
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
CALLER_EMAIL = "jadams@example.org"
"""The seed caller's e-mail: `PUT accounts/findbyemail` with it and password231 lists 12345."""
OTHER_SITE_ADMINISTRATOR = ("outreach_hillside", "outreach-hillside-pass")
URL_SAFE_BASE64 = ("b64demo", "password??>>~~")
"""Its `user:password` is `YjY0ZGVtbzpwYXNzd29yZD8/Pj5+fg==` in standard Base64 and
`YjY0ZGVtbzpwYXNzd29yZD8_Pj5-fg==` in the URL-safe alphabet the vendor's app sends: both log in
(the vendor-app replay's B64_USER / B64_PASS)."""

A, V, N = Right.GRANTED, Right.VIEW, Right.NONE

# number, FamId, title, first, middle, last, suffix, goes-by, family position, birth date, phone
INDIVIDUALS_12345 = [
    (
        70,
        20,
        "Mr.",
        "John",
        "Quincy",
        "Adams",
        "",
        "Johnny",
        "Head",
        date(1961, 3, 14),
        "801-555-0170",
    ),
    (
        71,
        20,
        "Mrs.",
        "Abigail",
        "",
        "Adams",
        "",
        "Abby",
        "Spouse",
        date(1963, 11, 2),
        "801-555-0171",
    ),
    (79, 20, "", "Charles", "", "Adams", "Jr.", "Charlie", "Child", date(1995, 5, 30), ""),
    (72, 21, "Ms.", "María", "José", "López", "", "", "Head", date(1978, 8, 9), "801-555-0172"),
    (73, 22, "Mr.", "Ken", "", "Young", "III", "", "Head", None, "801-555-0173"),
    (74, 23, "Dr.", "Ruth", "Ann", "Baker", "", "", "Head", date(1955, 1, 21), "801-555-0174"),
    (75, 24, "", "Samuel", "", "Reed", "", "Sam", "Head", None, "801-555-0175"),
    (
        76,
        25,
        "Mr.",
        "Thomas",
        "Lee",
        "Wright",
        "Sr.",
        "Tom",
        "Head",
        date(1970, 6, 5),
        "801-555-0176",
    ),
    (77, 25, "Mrs.", "Emily", "", "Wright", "", "", "Spouse", date(1972, 2, 29), "801-555-0177"),
    (78, 26, "", "Grace", "", "Chen", "", "", "Head", date(2001, 12, 24), "801-555-0178"),
]
INDIVIDUALS_54321 = [
    (1, 1, "", "Henry", "", "Stone", "", "", "Head", None, "435-555-0101"),
    (76, 40, "", "Olivia", "", "Stone", "", "Liv", "Spouse", None, "435-555-0176"),
]

# FamId, street, city, state, zip (the family's home address)
FAMILY_HOMES_12345 = {
    20: ("1200 Liberty Ln", "Provo", "UT", "84601", "40.233800", "-111.658500"),
    21: ("88 Canyon Rd", "Orem", "UT", "84057", None, None),
    24: ("5 Elm Ct", "Provo", "UT", "84604", None, None),
    25: ("742 Evergreen Ter", "Springville", "UT", "84663", "40.165200", "-111.610800"),
}

COMMENT_TYPES_12345 = [(1, "Pastoral", "#3366CC"), (2, "Prayer Request", "#CC3333")]
COMMENT_TYPES_54321 = [(1, "General", "#339933")]

PICTURE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
"""A 1x1 PNG: the demo's pictures (served by the API's picture downloads)."""

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
    _directory_details(site, people)
    _comments(site, people, COMMENT_TYPES_12345)
    GivingMerchant.objects.get_or_create(
        site=site,
        defaults={
            "solution_id": uuid.UUID("6f1c2a64-0b35-4d2b-9a51-3c2d8e1f0a01"),
            "merchant_account_id": uuid.UUID("1a9e4b7c-52d3-4f60-8c1e-7b2f3d4a5e02"),
            "deposit_account_id": uuid.UUID("c3d5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e03"),
            "allow_credit_debit_cards": True,
            "allow_ach": True,
        },
    )
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
                "assign_contacts",
                "view_outreach_history",
            ],
            A,
        )
        # V: not restricted to his assignments (only A restricts), and the app shows its
        # "My ToDos" screen only when AssignedContactsOnly is not N.
        | {"assigned_contacts_only": V},
        type_rights={types[1]: A, types[2]: A, types[3]: V},
        email=CALLER_EMAIL,
    )
    _membership(
        site,
        VIEWER,
        SecurityRole.MEMBER,
        people[73],
        rights={
            "create_change_request": A,
            "locate_person": A,
            "view_add_comments": V,
            "view_outreach_history": V,
        },
        type_rights={types[1]: A, types[2]: V},
    )
    _membership(
        site,
        URL_SAFE_BASE64,
        SecurityRole.STAFF,
        people[75],
        rights={"create_change_request": A, "locate_person": A, "view_add_comments": A},
        type_rights={types[1]: A},
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
    second = _connection(
        site,
        2,
        types[1],
        people[77],
        team=care_team,
        due=date(2015, 6, 20),
        created=datetime(2015, 6, 2, 9, 0),
    )
    _comment(second, "Ruth Baker", datetime(2015, 6, 2, 9, 30), "Team visit after the choir.")
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
    _comments(other, other_people, COMMENT_TYPES_54321)
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
        DemoCredential(
            *ADMINISTRATOR, "outreach: Administrator at site 12345 (review console: /review/)"
        ),
        DemoCredential(*CALLER, "outreach: the seed's caller at site 12345 (all rights)"),
        DemoCredential(*VIEWER, "outreach: site 12345, ViewAddComments V only"),
        DemoCredential(*ASSIGNED_ONLY, "outreach: site 12345, AssignedContactsOnly A"),
        DemoCredential(
            *URL_SAFE_BASE64, "outreach: site 12345, Basic differs in the two Base64 alphabets"
        ),
        DemoCredential(
            *OTHER_SITE_ADMINISTRATOR,
            "outreach: Administrator at site 54321 (review console: /review/)",
        ),
    ]


def _site(number: int, name: str) -> Site:
    return Site.objects.get_or_create(number=number, defaults={"name": name})[0]


def _individual(
    site, number, family_number, title, first, middle, last, suffix, goes_by, position, born, phone
) -> Individual:
    family = Family.objects.get_or_create(
        site=site, number=family_number, defaults={"name": f"The {last} Family"}
    )[0]
    individual, created = Individual.objects.get_or_create(
        site=site,
        number=number,
        defaults={
            "family": family,
            "title": title,
            "first_name": first,
            "middle_name": middle,
            "last_name": last,
            "suffix": suffix,
            "goes_by_name": goes_by,
            "family_position": position,
            "date_of_birth": born,
            "member_status": "Member" if position != "Child" else "Regular Attender",
        },
    )
    if created:
        _email(individual, f"{first}.{last}@example.org".lower(), preferred=True)
        if phone:
            _phone(individual, phone, phone_type=PhoneType.MOBILE, preferred=True)
    return individual


def _next(model, site) -> int:
    return (
        model.objects.restrict(site).order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1


def _email(individual, address, *, preferred=False, listed=True, email_type=EmailType.HOME):
    IndividualEmail.objects.create(
        site=individual.site,
        number=_next(IndividualEmail, individual.site),
        individual=individual,
        email=address,
        email_type=email_type,
        preferred=preferred,
        listed=listed,
    )


def _phone(owner, number, *, phone_type, preferred=False, listed=True, extension="", address=None):
    family = owner if isinstance(owner, Family) else None
    Phone.objects.create(
        site=owner.site,
        number=_next(Phone, owner.site),
        individual=None if family else owner,
        family=family,
        address=address,
        phone_type=phone_type,
        phone_number=number,
        extension=extension,
        preferred=preferred,
        listed=listed,
    )


def _directory_details(site, people) -> None:
    """Family homes (with a home phone on some), a work address, second emails, an unlisted
    phone and pictures: varied enough that every field of the app's person screen shows."""
    if Address.objects.restrict(site).exists():
        return
    for family_number, (street, city, state, zipcode, lat, lng) in FAMILY_HOMES_12345.items():
        family = Family.objects.restrict(site).get(number=family_number)
        home = Address.objects.create(
            site=site,
            number=_next(Address, site),
            family=family,
            address_type=AddressType.HOME,
            mailing=True,
            statement=True,
            street=street,
            city=city,
            state=state,
            zipcode=zipcode,
            country="USA",
            latitude=lat,
            longitude=lng,
        )
        if family_number in (20, 25):
            _phone(family, f"801-555-{family_number:04d}", phone_type=PhoneType.HOME, address=home)
    Address.objects.create(
        site=site,
        number=_next(Address, site),
        individual=people[70],
        address_type=AddressType.WORK,
        company="Adams & Sons Hardware",
        street="45 Center St",
        street2="Suite 200",
        city="Provo",
        state="UT",
        zipcode="84601",
        country="USA",
    )
    _email(people[70], "john.adams@work.example.com", email_type=EmailType.WORK)
    _email(people[76], "tom.wright@old.example.net", email_type=EmailType.OTHER, listed=False)
    _phone(people[70], "801-555-0900", phone_type=PhoneType.WORK, extension="12")
    _phone(people[76], "801-555-0999", phone_type=PhoneType.HOME, listed=False)
    people[76].picture.save("thomas-wright.png", ContentFile(PICTURE_PNG), save=True)
    family = people[70].family
    family.picture.save("adams-family.png", ContentFile(PICTURE_PNG), save=True)


def _comments(site, people, comment_types) -> None:
    types = {
        number: CommentType.objects.get_or_create(
            site=site, number=number, defaults={"description": description, "color": color}
        )[0]
        for number, description, color in comment_types
    }
    if IndividualComment.objects.restrict(site).exists():
        return
    notes = [
        (76, 1, datetime(2015, 5, 31, 12, 0), "First visit; met after the service."),
        (76, 1, datetime(2015, 6, 7, 12, 30), "Asked about the men's breakfast."),
        (76, 2, datetime(2015, 6, 2, 9, 0), "Pray for his mother's surgery."),
        (77, 1, datetime(2015, 6, 7, 12, 35), "Interested in the choir."),
        (1, 1, datetime(2015, 6, 1, 9, 0), "Welcome packet sent."),
    ]
    for number, type_number, created, text in notes:
        if number in people and type_number in types:
            IndividualComment.objects.create(
                site=site,
                number=_next(IndividualComment, site),
                individual=people[number],
                comment_type=types[type_number],
                created=timezone.make_aware(created),
                text=text,
            )


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


def _membership(site, credential, role, individual, *, rights=None, type_rights=None, email=None):
    username, password = credential
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "email": email or f"{username}@example.org",
            "first_name": individual.first_name,
            "last_name": individual.last_name,
        },
    )
    if created:
        set_demo_password(user, password)
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
    site = Site.objects.get(number=SITE_NUMBER)
    caller = (
        SiteMembership.objects.restrict(site)
        .select_related("site", "user")
        .get(user__username=CALLER[0])
    )
    connection = Connection.objects.restrict(site).get(number=2)
    if not ChangeRequest.objects.filter(connection=connection, submitted_by=caller.user).exists():
        change_request_submit(
            membership=caller,
            payload=ChangeRequestPayload(
                connection_id=connection.number,
                complete=False,
                reassign=False,
                connection_date=date(2015, 6, 27),
                comment="Spoke briefly after church; call again next week.",
                response_ids=(2,),
            ),
        )
    return []
