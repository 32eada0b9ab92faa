"""What each parser of the vendor's Android app reads (com.acstech.churchlife.webservice.
Core*.java, AddressBase, EmailBase, PhoneBase, CorePagedResult), written down from its source:
the keys it reads with get* (required: missing or null fails the parse), the keys it reads
with opt* (may be absent), the JSON type of each, the nested objects and arrays it parses and
the strings it parses as MM/dd/yyyy dates. `parse` checks a body against one and returns it.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Parser:
    name: str
    required: dict[str, type] = field(default_factory=dict)
    optional: dict[str, type] = field(default_factory=dict)
    objects: dict[str, "Parser"] = field(default_factory=dict)
    arrays: dict[str, "Parser"] = field(default_factory=dict)
    optional_arrays: dict[str, "Parser"] = field(default_factory=dict)
    dates: tuple[str, ...] = ()
    """Strings parsed with SimpleDateFormat("MM/dd/yyyy") (a bad one fails the parse)."""


INDIVIDUAL = Parser(
    "CoreIndividual",
    required={
        "IndvId": int,
        "FamId": int,
        "FamilyPosition": str,
        "FirstName": str,
        "LastName": str,
    },
    optional={
        "Title": str,
        "MiddleName": str,
        "GoesByName": str,
        "Suffix": str,
        "PictureUrl": str,
        "Country": str,
        "Company": str,
        "Address": str,
        "Address2": str,
        "City": str,
        "State": str,
        "Zipcode": str,
        "CityStateZip": str,
        "Email": str,
        "EmailListed": bool,
        "PhoneNumber": str,
        "PhoneListed": bool,
    },
)
SITE_USER = Parser(
    "CoreAcsUser",
    required={"SiteNumber": int, "SiteName": str},
    optional={
        "Email": str,
        "UserName": str,
        "FullName": str,
        "SecurityRole": str,
        "CalendarDisabled": bool,
        "UnifiedLoginID": str,
        "IndvId": int,
        "FamId": int,
        "OrgsAvailable": bool,
        "Rights": dict,
    },
)
ACCOUNT_MERCHANT = Parser(
    "CoreAccountMerchant",
    required={
        "SolutionId": str,
        "MerchantAccountId": str,
        "DepositAccountId": str,
        "AllowCreditDebitCards": bool,
        "AllowACH": bool,
        "DebitCardsOnly": bool,
        "NonMemberGivingEnabled": bool,
    },
)
ASSIGNMENT_SUMMARY = Parser(
    "CoreAssignmentSummary",
    required={
        "ConnectionTypeId": int,
        "ConnectionTypeDescription": str,
        "EarliestDueDate": str,
        "TotalConnections": int,
    },
    optional={"ConnectionColor": str},
    dates=("EarliestDueDate",),
)
ASSIGNMENT = Parser(
    "CoreAssignment",
    required={
        "ConnectionId": int,
        "ConnectionTypeId": int,
        "ConnectionTypeDescription": str,
        "ContactType": str,
        "DueDate": str,
        "Completed": bool,
    },
    optional={"ConnectionColor": str},
    objects={"ContactInformation": INDIVIDUAL},
    arrays={"TeamMembers": INDIVIDUAL},
    dates=("DueDate",),
)
RESPONSE_TYPE = Parser("CoreResponseType", required={"RespID": int, "Resp_Desc": str})
CONNECTION = Parser(
    "CoreConnection",
    required={
        "ConnectionId": int,
        "ConnectionTypeId": int,
        "ConnectionTypeDescription": str,
        "ContactType": str,
        "DueDate": str,
        "DueDateLong": str,
        "Completed": bool,
        "TeamMemberCount": int,
    },
    optional={
        "FamId": int,
        "FamilyConnection": bool,
        "PermissionLevel": str,
        "DateCreated": str,
        "Comment": str,
    },
    objects={"ContactInformation": INDIVIDUAL},
    arrays={"TeamMembers": INDIVIDUAL},
    optional_arrays={"Responses": RESPONSE_TYPE},
    dates=("DueDate", "DateCreated"),
)
ADDRESS = Parser(
    "AddressBase",
    required={
        "AddrId": int,
        "AddrTypeId": int,
        "AddrType": str,
        "FamilyAddress": bool,
        "ActiveAddress": bool,
        "MailAddress": bool,
        "StatementAddress": bool,
        "Country": str,
        "Company": str,
        "Address": str,
        "Address2": str,
        "City": str,
        "State": str,
        "Zipcode": str,
        "CityStateZip": str,
        "Latitude": str,
        "Longitude": str,
    },
)
EMAIL = Parser(
    "EmailBase",
    required={"EmailId": int, "EmailType": str, "Preferred": bool, "Email": str, "Listed": bool},
)
PHONE = Parser(
    "PhoneBase",
    required={
        "PhoneId": int,
        "Preferred": bool,
        "PhoneTypeId": int,
        "PhoneType": str,
        "FamilyPhone": bool,
        "PhoneNumber": str,
        "Extension": str,
        "Listed": bool,
        "AddrPhone": bool,
        "PhoneRef": int,
    },
)
INDIVIDUAL_DETAIL = Parser(
    "CoreIndividualDetail",
    required={
        "IndvId": int,
        "LastName": str,
        "FirstName": str,
        "MiddleName": str,
        "GoesbyName": str,
        "Suffix": str,
        "Title": str,
        "FullName": str,
        "FriendlyName": str,
        "PictureUrl": str,
        "FamilyPictureUrl": str,
        "DateOfBirth": str,
        "MemberStatus": str,
    },
    optional={"PrimFamily": int},
    arrays={"Addresses": ADDRESS, "Emails": EMAIL, "Phones": PHONE, "FamilyMembers": INDIVIDUAL},
)
COMMENT_TYPE = Parser(
    "CoreCommentType",
    required={"CommentTypeID": int, "CommentTypeDesc": str, "CommentColor": str},
)
COMMENT_SUMMARY = Parser(
    "CoreCommentSummary",
    required={
        "CommentTypeID": int,
        "CommentType": str,
        "LastCommentDate": str,
        "CommentCount": int,
        "CommentColor": str,
    },
    dates=("LastCommentDate",),
)
COMMENT = Parser(
    "CoreComment",
    required={
        "CommentKey": int,
        "CommentTypeID": int,
        "CommentType": str,
        "CommentDate": str,
        "CommentBody": str,
        "CommentColor": str,
    },
    dates=("CommentDate",),
)
PAGE = Parser(
    "CorePagedResult", required={"PageCount": int, "PageIndex": int, "PageSize": int, "Page": list}
)


def _is(value, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def parse(parser: Parser, data) -> dict:
    """`data` as `parser` reads it; AssertionError naming the key it would fail on."""
    assert isinstance(data, dict), f"{parser.name}: not a JSON object: {data!r}"
    for key, expected in parser.required.items():
        assert key in data, f"{parser.name}: {key} missing"
        assert _is(data[key], expected), f"{parser.name}: {key}={data[key]!r} is not {expected}"
    for key, expected in parser.optional.items():
        if key in data and data[key] is not None:
            assert _is(data[key], expected), f"{parser.name}: {key}={data[key]!r}"
    for key in parser.dates:
        if key in data and data[key] != "":
            datetime.strptime(data[key], "%m/%d/%Y")
    for key, inner in parser.objects.items():
        parse(inner, data.get(key))
    for key, inner in {**parser.arrays, **parser.optional_arrays}.items():
        if key in parser.optional_arrays and data.get(key) is None:
            continue
        assert isinstance(data.get(key), list), f"{parser.name}: {key} is not an array"
        for item in data[key]:
            parse(inner, item)
    if "Rights" in data:
        assert all(isinstance(v, str) for v in data["Rights"].values()), "Rights: strings only"
    return data


def parse_page(item: Parser, data) -> dict:
    """A CorePagedResult of `item`s."""
    parse(PAGE, data)
    for entry in data["Page"]:
        parse(item, entry)
    return data
