"""The largest bodies under the size cap that every write endpoint must refuse, cheaply: each
list of each body filled with invalid items, plus an object of many unknown keys and a deeply
nested array. Used by tests/foundation/test_bounded_lists.py and benchmarks/refusal_cost.py.
"""

import json
from dataclasses import dataclass

from knox.models import AuthToken

from tests.factories import (
    ChangeRequestWorld,
    ConnectionRequestFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)


@dataclass
class Target:
    method: str
    path: str
    authorization: str
    lists: dict[str, object]  # list field -> an invalid item; the rest of the body is valid
    base: dict


EVENT = "connection_request.created"


def targets() -> list[Target]:
    """The write endpoints whose bodies hold lists, with an existing object where a path
    names one (database rows are created: call inside a test or a migrated database)."""
    import base64

    from outreach.choices import SecurityRole
    from webhooks.models import Endpoint

    retailer = OrganizationFactory(name="Hostile Retail", org_type="RETAILER")
    user = OrganizationMembershipFactory(organization=retailer).user
    _, key = AuthToken.objects.create(user=user)
    token = f"Token {key}"
    pending = ConnectionRequestFactory(requester=retailer)
    world = ChangeRequestWorld.build()
    admin = world.member(role=SecurityRole.ADMINISTRATOR)  # manages webhooks too
    basic = "Basic " + base64.b64encode(f"{admin.user.username}:password".encode()).decode()
    site = f"/api_accessacs_mobile/v2/{world.site.number}"
    endpoint = Endpoint.objects.create(
        organization=retailer, url="https://example.com/hook", events=[EVENT], secret="s"
    )
    create = {"organization_name": "Hostile", "primary_contact_name": "H"}
    hook = {"url": "https://example.com/hook", "events": [EVENT]}
    return [
        Target("POST", "/organizations/connections/request/", token,
               {"uploaded_files": 0, "integrations": 0}, create),
        Target("PATCH", f"/organizations/connections/request/{pending.uuid}/", token,
               {"uploaded_files": 0, "integrations": 0}, {}),
        Target("PUT", "/organizations/notifications/preferences/", token,
               {"preferences": 0}, {}),
        Target("POST", "/organizations/webhooks/", token, {"events": 0}, hook),
        Target("PATCH", f"/organizations/webhooks/{endpoint.uuid}/", token, {"events": 0}, {}),
        Target("PUT", f"{site}/account/notifications", basic, {"Notifications": 0}, {}),
        Target("POST", f"{site}/connections", basic, {"ResponseIdList": "x"},
               {"ConnectionTypeId": 1}),
        Target("POST", f"{site}/webhooks", basic, {"Events": 0},
               {"Url": "https://example.com/hook"}),
    ]  # fmt: skip


def filled(base: dict, field: str, item, cap: int) -> bytes:
    """`base` with `field` a list of `item`, as many as fit in `cap` bytes."""
    head = json.dumps({**base, field: []})[:-2].encode()  # ends with `[`
    one = json.dumps(item).encode() + b","
    count = (cap - len(head) - 2) // len(one)
    return head + (one * count)[:-1] + b"]}"


def many_keys(cap: int) -> bytes:
    """An object of unknown keys, as many as fit."""
    count = (cap - 1) // 13  # `"k0000000":0,` each, the last without its comma
    return b"{" + b",".join(b'"k%07d":0' % n for n in range(count)) + b"}"


def deeply_nested(cap: int) -> bytes:
    depth = (cap - 1) // 2
    return b"[" * depth + b"]" * depth
