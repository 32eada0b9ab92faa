"""What the outreach lookups answer, as the vendor's Android app parses it.

Each output shape is declared once, as a TypedDict with the app's own key names and JSON
types, and built once, by the `*_data` function returning it. The OpenAPI schema comes from
the same TypedDict (`schema_serializer`, connect_api.api.outputs, derives a describing
Serializer from it), so the documented shape cannot drift from the built one.

The app reads some keys with `getString`/`getInt` (a missing key or a null fails the whole
parse), so strings are "" and ids 0 when there is nothing to show, never null; dates are
MM/DD/YYYY strings.
"""

import typing
from dataclasses import dataclass
from datetime import date
from typing import Literal, NotRequired, TypedDict

from connect_api.api.outputs import schema_serializer as schema_serializer  # re-exported
from connect_api.api.pagination import page_shape
from outreach.choices import ConnectionCategory, Right
from outreach.dates import us_date, us_datetime
from outreach.models import (
    Address,
    CommentChangeRequest,
    CommentType,
    Connection,
    Family,
    GivingMerchant,
    Individual,
    IndividualComment,
    IndividualEmail,
    Phone,
    Response,
    ReviewedRequest,
    SiteMembership,
    Team,
)
from outreach.names import friendly_name_of, full_name_of

RightValue = Right
"""A/V/N (documented as the Right choices)."""
ContactType = ConnectionCategory
"""I inward / O outward."""

# --- account --------------------------------------------------------------------------------


class Rights(TypedDict):
    """A/V/N per right; the app treats anything but N as granted, and a missing key as N."""

    CreateChangeRequest: RightValue
    LocatePerson: RightValue
    MemberSearch: RightValue
    ViewAddComments: RightValue
    ReassignConnection: RightValue
    AssignedContactsOnly: RightValue
    AssignContacts: RightValue
    ViewOutreachHistory: RightValue
    LocateOrganizations: RightValue
    ViewOrganizationRecord: RightValue
    ViewStaffRoster: RightValue


class TypePermission(TypedDict):
    ConnectionTypeId: int
    Permission: RightValue


class SiteLogin(TypedDict):
    """The caller at one site as the app's site picker reads it (a CoreAcsUser without
    rights). IndvId and FamId are 0 for a user not in the site's directory. CalendarDisabled
    and OrgsAvailable keep the app's calendar and organization screens (not offered here)
    hidden."""

    SiteNumber: int
    SiteName: str
    UserName: str
    FullName: str
    Email: str
    IndvId: int
    FamId: int
    SecurityRole: str
    CalendarDisabled: bool
    OrgsAvailable: bool


def site_login_data(membership: SiteMembership) -> SiteLogin:
    """Needs the membership's site, user and individual__family joined."""
    user, individual = membership.user, membership.individual
    full_name = user.get_full_name() or (full_name_of(individual) if individual else "")
    return {
        "SiteNumber": membership.site.number,
        "SiteName": membership.site.name,
        "UserName": user.get_username(),
        "FullName": full_name or user.get_username(),
        "Email": user.email,
        "IndvId": individual.number if individual else 0,
        "FamId": individual.family.number if individual and individual.family else 0,
        "SecurityRole": membership.get_security_role_display(),
        "CalendarDisabled": True,
        "OrgsAvailable": False,
    }


class Account(SiteLogin):
    """The caller at one site (the app's CoreAcsUser, `<site>/account`): with the Rights map
    and the caller's right on each connection type it may see."""

    Rights: Rights
    ConnectionTypes: list[TypePermission]


def account_data(
    membership: SiteMembership, *, rights: dict[str, str], type_permissions: list[tuple[int, str]]
) -> Account:
    return {
        **site_login_data(membership),
        "Rights": rights,
        "ConnectionTypes": [
            {"ConnectionTypeId": number, "Permission": permission}
            for number, permission in type_permissions
        ],
    }


class Merchant(TypedDict):
    """The site's giving merchant (CoreAccountMerchant): UUIDs as strings."""

    SolutionId: str
    MerchantAccountId: str
    DepositAccountId: str
    AllowCreditDebitCards: bool
    AllowACH: bool
    DebitCardsOnly: bool
    NonMemberGivingEnabled: bool


def merchant_data(merchant: GivingMerchant) -> Merchant:
    return {
        "SolutionId": str(merchant.solution_id),
        "MerchantAccountId": str(merchant.merchant_account_id),
        "DepositAccountId": str(merchant.deposit_account_id),
        "AllowCreditDebitCards": merchant.allow_credit_debit_cards,
        "AllowACH": merchant.allow_ach,
        "DebitCardsOnly": merchant.debit_cards_only,
        "NonMemberGivingEnabled": merchant.non_member_giving_enabled,
    }


# --- types, responses, teams ----------------------------------------------------------------


class ConnectionType(TypedDict):
    ConnectionTypeId: int
    ConnectionTypeDesc: str
    ConnectionCategory: ContactType
    Permission: RightValue


def connection_type_data(connection_type, permission: str) -> ConnectionType:
    return {
        "ConnectionTypeId": connection_type.number,
        "ConnectionTypeDesc": connection_type.description,
        "ConnectionCategory": connection_type.category,
        "Permission": permission,
    }


class ResponseType(TypedDict):
    RespID: int
    Resp_Desc: str


def response_data(response: Response) -> ResponseType:
    return {"RespID": response.number, "Resp_Desc": response.description}


class ConnectionTeam(TypedDict):
    TeamId: int
    TeamName: str
    TeamMemberCount: int


def team_data(team: Team) -> ConnectionTeam:
    return {"TeamId": team.number, "TeamName": team.name, "TeamMemberCount": team.member_count}


class TeamRef(TypedDict):
    TeamId: int
    TeamName: str


# --- people ---------------------------------------------------------------------------------


def city_state_zip(city: str, state: str, zipcode: str) -> str:
    """`Provo, UT 84601` (the parts there are)."""
    region = " ".join(part for part in (state, zipcode) if part)
    return ", ".join(part for part in (city, region) if part)


@dataclass(frozen=True)
class Links:
    """Absolute URLs of the authorized picture downloads (the app GETs them with its Basic
    header); `base` is `<scheme>://<host>/api_accessacs_mobile/v2/<site>`."""

    base: str

    def individual_picture(self, individual: Individual) -> str:
        return f"{self.base}/individuals/{individual.number}/picture" if individual.picture else ""

    def family_picture(self, family: Family | None) -> str:
        if family is None or not family.picture:
            return ""
        return f"{self.base}/families/{family.number}/picture"


# What selectors.contact_prefetches loaded into plain lists.


def _emails_of(individual: Individual) -> list[IndividualEmail]:
    return individual.prefetched_emails


def _addresses_of(individual: Individual) -> list[Address]:
    """Own addresses first, then the family's."""
    family = individual.family.prefetched_addresses if individual.family else []
    return individual.prefetched_addresses + family


def _phones_of(individual: Individual) -> list[Phone]:
    family = individual.family.prefetched_phones if individual.family else []
    return individual.prefetched_phones + family


def _contact_address(individual: Individual) -> Address | None:
    """The active mailing address (own before the family's), else the first active one."""
    active = [address for address in _addresses_of(individual) if address.active]
    return next((address for address in active if address.mailing), None) or next(
        iter(active), None
    )


def _preferred(rows: list):
    return next((row for row in rows if row.preferred), None) or next(iter(rows), None)


class Contact(TypedDict):
    """A person as the app's CoreIndividual reads one (search results, ContactInformation,
    Caller, TeamMembers, FamilyMembers): the preferred email and phone and the mailing
    address. `Phone` repeats PhoneNumber under the name the first contract gave it."""

    IndvId: int
    FamId: int
    FamilyPosition: str
    Title: str
    FirstName: str
    MiddleName: str
    LastName: str
    GoesByName: str
    Suffix: str
    PictureUrl: str
    Company: str
    Address: str
    Address2: str
    City: str
    State: str
    Zipcode: str
    Country: str
    CityStateZip: str
    Email: str
    EmailListed: bool
    PhoneNumber: str
    PhoneListed: bool
    Phone: str


def contact_data(individual: Individual, links: Links) -> Contact:
    """Reads what `selectors.contact_prefetches` (relative to the individual) loaded."""
    address = _contact_address(individual)
    email = _preferred(_emails_of(individual))
    phone = _preferred(_phones_of(individual))
    phone_number = phone.phone_number if phone else ""
    return {
        "IndvId": individual.number,
        "FamId": individual.family.number if individual.family else 0,
        "FamilyPosition": individual.family_position,
        "Title": individual.title,
        "FirstName": individual.first_name,
        "MiddleName": individual.middle_name,
        "LastName": individual.last_name,
        "GoesByName": individual.goes_by_name,
        "Suffix": individual.suffix,
        "PictureUrl": links.individual_picture(individual),
        "Company": address.company if address else "",
        "Address": address.street if address else "",
        "Address2": address.street2 if address else "",
        "City": address.city if address else "",
        "State": address.state if address else "",
        "Zipcode": address.zipcode if address else "",
        "Country": address.country if address else "",
        "CityStateZip": (
            city_state_zip(address.city, address.state, address.zipcode) if address else ""
        ),
        "Email": email.email if email else "",
        "EmailListed": email.listed if email else False,
        "PhoneNumber": phone_number,
        "PhoneListed": phone.listed if phone else False,
        "Phone": phone_number,
    }


SEARCH_EXACT_COUNT_UP_TO = 3000
"""The individual search counts its matches exactly up to this many (`IndividualPage`), and
below it reads a page by sorting those bounded matches (a cost that grows with their number);
above it, by walking the site's people in name order until the page is full (a cost that grows
as the matches get rarer). At 500,000 people the two costs cross near this many matches: see
benchmarks/outreach_search.py."""

IndividualPage = page_shape("IndividualPage", Contact)
IndividualPage.__doc__ = (
    "A page of the individual search. PageCount is exact while the search matches at most "
    f"{SEARCH_EXACT_COUNT_UP_TO:,} people. Beyond that it is a lower bound (counting every "
    "match of a broad fragment costs as much as reading them all): at least the pages of the "
    f"{SEARCH_EXACT_COUNT_UP_TO + 1:,} people known to match, and PageIndex + 2 whenever a "
    "next page exists (exact on the last page), so a client that offers more while "
    "PageIndex < PageCount - 1, as the vendor's app does, pages to the end."
)


class AddressShape(TypedDict):
    """One address (the app's AddressBase); Latitude/Longitude are "" when unknown."""

    AddrId: int
    AddrTypeId: int
    AddrType: str
    FamilyAddress: bool
    ActiveAddress: bool
    MailAddress: bool
    StatementAddress: bool
    Country: str
    Company: str
    Address: str
    Address2: str
    City: str
    State: str
    Zipcode: str
    CityStateZip: str
    Latitude: str
    Longitude: str


def address_data(address: Address) -> AddressShape:
    return {
        "AddrId": address.number,
        "AddrTypeId": address.address_type,
        "AddrType": address.get_address_type_display(),
        "FamilyAddress": address.family_id is not None,
        "ActiveAddress": address.active,
        "MailAddress": address.mailing,
        "StatementAddress": address.statement,
        "Country": address.country,
        "Company": address.company,
        "Address": address.street,
        "Address2": address.street2,
        "City": address.city,
        "State": address.state,
        "Zipcode": address.zipcode,
        "CityStateZip": city_state_zip(address.city, address.state, address.zipcode),
        "Latitude": "" if address.latitude is None else str(address.latitude),
        "Longitude": "" if address.longitude is None else str(address.longitude),
    }


class EmailShape(TypedDict):
    EmailId: int
    EmailType: str
    Preferred: bool
    Email: str
    Listed: bool


def email_data(email: IndividualEmail) -> EmailShape:
    return {
        "EmailId": email.number,
        "EmailType": email.email_type,
        "Preferred": email.preferred,
        "Email": email.email,
        "Listed": email.listed,
    }


class PhoneShape(TypedDict):
    """One phone (the app's PhoneBase). AddrPhone: the phone of an address, whose AddrId is
    PhoneRef (0 otherwise)."""

    PhoneId: int
    Preferred: bool
    PhoneTypeId: int
    PhoneType: str
    FamilyPhone: bool
    PhoneNumber: str
    Extension: str
    Listed: bool
    AddrPhone: bool
    PhoneRef: int


def phone_data(phone: Phone) -> PhoneShape:
    return {
        "PhoneId": phone.number,
        "Preferred": phone.preferred,
        "PhoneTypeId": phone.phone_type,
        "PhoneType": phone.get_phone_type_display(),
        "FamilyPhone": phone.family_id is not None,
        "PhoneNumber": phone.phone_number,
        "Extension": phone.extension,
        "Listed": phone.listed,
        "AddrPhone": phone.address_id is not None,
        "PhoneRef": phone.address.number if phone.address_id else 0,
    }


class IndividualDetail(TypedDict):
    """The whole person (CoreIndividualDetail). PrimFamily is the FamId (also sent as FamId);
    PictureUrl and FamilyPictureUrl are "" without a picture; DateOfBirth is MM/DD/YYYY or
    ""."""

    IndvId: int
    PrimFamily: int
    FamId: int
    FamilyPosition: str
    Title: str
    FirstName: str
    MiddleName: str
    LastName: str
    GoesbyName: str
    Suffix: str
    FullName: str
    FriendlyName: str
    PictureUrl: str
    FamilyPictureUrl: str
    DateOfBirth: str
    MemberStatus: str
    Addresses: list[AddressShape]
    Emails: list[EmailShape]
    Phones: list[PhoneShape]
    FamilyMembers: list[Contact]


def individual_detail_data(individual: Individual, links: Links) -> IndividualDetail:
    """Needs `selectors.individual_detail_get`'s prefetches to run no queries."""
    family = individual.family
    family_number = family.number if family else 0
    members = [m for m in family.members.all() if m.pk != individual.pk] if family else []
    return {
        "IndvId": individual.number,
        "PrimFamily": family_number,
        "FamId": family_number,
        "FamilyPosition": individual.family_position,
        "Title": individual.title,
        "FirstName": individual.first_name,
        "MiddleName": individual.middle_name,
        "LastName": individual.last_name,
        "GoesbyName": individual.goes_by_name,
        "Suffix": individual.suffix,
        "FullName": full_name_of(individual),
        "FriendlyName": friendly_name_of(individual),
        "PictureUrl": links.individual_picture(individual),
        "FamilyPictureUrl": links.family_picture(family),
        "DateOfBirth": us_date(individual.date_of_birth) or "",
        "MemberStatus": individual.member_status,
        "Addresses": [address_data(address) for address in _addresses_of(individual)],
        "Emails": [email_data(email) for email in _emails_of(individual)],
        "Phones": [phone_data(phone) for phone in _phones_of(individual)],
        "FamilyMembers": [contact_data(member, links) for member in members],
    }


# --- connections ----------------------------------------------------------------------------


class ConnectionComment(TypedDict):
    Author: str
    Date: str
    Comment: str


class AssignmentSummary(TypedDict):
    """Per connection type, the caller's open assignments (CoreAssignmentSummary)."""

    ConnectionTypeId: int
    ConnectionTypeDescription: str
    TotalConnections: int
    EarliestDueDate: str


def assignment_summary_data(row: dict) -> AssignmentSummary:
    return {
        "ConnectionTypeId": row["connection_type__number"],
        "ConnectionTypeDescription": row["connection_type__description"],
        "TotalConnections": row["total"],
        "EarliestDueDate": us_date(row["earliest_due_date"]) or "",
    }


AssignmentSummaryPage = page_shape("AssignmentSummaryPage", AssignmentSummary)


@dataclass(frozen=True)
class Viewer:
    """What of a connection the caller may see and do, decided once per request."""

    links: Links
    individual_id: int | None
    include_self: bool
    with_comments: bool
    permission_level: typing.Callable[[Connection], str]


def _due_date(connection: Connection) -> date:
    """The due date; the app cannot show a connection without one, so one never set reads
    as the day it was created."""
    return connection.due_date or connection.created.date()


def _assigned_people(connection: Connection, viewer: Viewer) -> list[Individual]:
    """Who makes the contact: the team's members, or the lone caller; the caller's own person
    only with includeSelf=true."""
    if connection.team is not None:
        people = list(connection.team.members.all())
    else:
        people = [connection.caller] if connection.caller is not None else []
    if not viewer.include_self:
        people = [person for person in people if person.pk != viewer.individual_id]
    return people


class ConnectionSummary(TypedDict):
    """A connection as CoreConnection and CoreAssignment read one (assignment lists, a
    person's history). DueDateLong: the due date written out; Comment: the latest comment
    (only for callers who may read comments); PermissionLevel: "ALL" when the caller may
    change it (complete, modify; reassign also needs ReassignConnection), else "VIEW";
    TeamMembers: who makes the contact (TeamMemberCount of them)."""

    ConnectionId: int
    ConnectionTypeId: int
    ConnectionTypeDescription: str
    ContactType: ContactType
    DueDate: str
    DueDateLong: str
    Completed: bool
    CompletedDate: str | None
    FamilyConnection: bool
    FamId: int
    DateCreated: str
    Comment: str
    PermissionLevel: Literal["ALL", "VIEW"]
    ContactInformation: Contact
    Caller: Contact | None
    Team: TeamRef | None
    TeamMembers: list[Contact]
    TeamMemberCount: int


def connection_summary_data(connection: Connection, viewer: Viewer) -> ConnectionSummary:
    """Needs `selectors.CONNECTION_PREFETCH` to run no queries."""
    connection_type, contact = connection.connection_type, connection.contact
    due = _due_date(connection)
    team_members = [
        contact_data(person, viewer.links) for person in _assigned_people(connection, viewer)
    ]
    comments = list(connection.comments.all()) if viewer.with_comments else []
    team = connection.team
    return {
        "ConnectionId": connection.number,
        "ConnectionTypeId": connection_type.number,
        "ConnectionTypeDescription": connection_type.description,
        "ContactType": connection_type.category,
        "DueDate": us_date(due),
        "DueDateLong": f"{due:%A}, {due:%B} {due.day}, {due:%Y}",
        "Completed": connection.completed,
        "CompletedDate": us_date(connection.completed_date),
        "FamilyConnection": connection.family_connection,
        "FamId": contact.family.number if contact.family else 0,
        "DateCreated": us_date(connection.created),
        "Comment": comments[-1].text if comments else "",
        "PermissionLevel": viewer.permission_level(connection),
        "ContactInformation": contact_data(contact, viewer.links),
        "Caller": None
        if connection.caller is None
        else contact_data(connection.caller, viewer.links),
        "Team": None if team is None else {"TeamId": team.number, "TeamName": team.name},
        "TeamMembers": team_members,
        "TeamMemberCount": len(team_members),
    }


ConnectionPage = page_shape("ConnectionPage", ConnectionSummary)


class ConnectionDetail(ConnectionSummary):
    """One connection: the summary, its responses and (ViewAddComments V or A) comments."""

    Responses: list[ResponseType]
    Comments: NotRequired[list[ConnectionComment]]


def connection_detail_data(connection: Connection, viewer: Viewer) -> ConnectionDetail:
    data: ConnectionDetail = {
        **connection_summary_data(connection, viewer),
        "Responses": [response_data(response) for response in connection.responses.all()],
    }
    if viewer.with_comments:
        data["Comments"] = [
            {
                "Author": comment.author_name,
                "Date": us_date(comment.created),
                "Comment": comment.text,
            }
            for comment in connection.comments.all()
        ]
    return data


# --- comments on people ---------------------------------------------------------------------


class CommentTypeShape(TypedDict):
    CommentTypeID: int
    CommentTypeDesc: str
    CommentColor: str


def comment_type_data(comment_type: CommentType) -> CommentTypeShape:
    return {
        "CommentTypeID": comment_type.number,
        "CommentTypeDesc": comment_type.description,
        "CommentColor": comment_type.color,
    }


class CommentSummary(TypedDict):
    """A person's comments of one type: how many, the latest date (CoreCommentSummary)."""

    CommentTypeID: int
    CommentType: str
    CommentColor: str
    CommentCount: int
    LastCommentDate: str


def comment_summary_data(comment_type: CommentType) -> CommentSummary:
    """`comment_type` annotated with `comment_count` and `last_comment` by the selector."""
    return {
        "CommentTypeID": comment_type.number,
        "CommentType": comment_type.description,
        "CommentColor": comment_type.color,
        "CommentCount": comment_type.comment_count,
        "LastCommentDate": us_date(comment_type.last_comment),
    }


CommentSummaryPage = page_shape("CommentSummaryPage", CommentSummary)


class Comment(TypedDict):
    """One comment on a person (CoreComment); CommentKey is its per-site number."""

    CommentKey: int
    CommentTypeID: int
    CommentType: str
    CommentColor: str
    CommentDate: str
    CommentBody: str


def comment_data(comment: IndividualComment) -> Comment:
    comment_type = comment.comment_type
    return {
        "CommentKey": comment.number,
        "CommentTypeID": comment_type.number,
        "CommentType": comment_type.description,
        "CommentColor": comment_type.color,
        "CommentDate": us_date(comment.created),
        "CommentBody": comment.text,
    }


CommentPage = page_shape("CommentPage", Comment)


class CommentChangeRequestShape(TypedDict):
    """A comment sent from the app, as the site's Administrators review it. CommentKeys: the
    comments written when it was applied (one per family member for a family comment)."""

    CommentCRId: int
    Status: Literal["PENDING", "APPLIED", "REJECTED"]
    IndvId: int
    CommentTypeID: int
    Comment: str
    FamilyComment: bool
    SubmittedBy: str | None
    SubmittedAt: str
    ReviewedBy: str | None
    ReviewedAt: str | None
    ReviewMessage: str
    CommentKeys: list[int]


def review_data(change_request: ReviewedRequest) -> dict:
    """Who sent a change request (connection or comment) and when, who decided and when, and
    the rejection's message: SubmittedBy to ReviewMessage of both review endpoints."""
    submitter, reviewer = change_request.submitted_by, change_request.reviewed_by
    return {
        "SubmittedBy": submitter.get_username() if submitter else None,
        "SubmittedAt": us_datetime(change_request.submitted_at),
        "ReviewedBy": reviewer.get_username() if reviewer else None,
        "ReviewedAt": us_datetime(change_request.reviewed_at),
        "ReviewMessage": change_request.review_message,
    }


def comment_change_request_data(change_request: CommentChangeRequest) -> CommentChangeRequestShape:
    """Needs `selectors.comment_change_requests_for`'s joins and prefetch."""
    return {
        "CommentCRId": change_request.number,
        "Status": change_request.status,
        "IndvId": change_request.individual.number,
        "CommentTypeID": change_request.comment_type.number,
        "Comment": change_request.text,
        "FamilyComment": change_request.family_comment,
        **review_data(change_request),
        "CommentKeys": [comment.number for comment in change_request.comments.all()],
    }
