"""A small site 12345 (seed ids) and a site 54321 reusing the same numbers."""

import copy
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from outreach import demo
from outreach.choices import ConnectionCategory, Right, SecurityRole
from outreach.models import Connection, ConnectionType, Individual, Site, Team
from tests.conftest import FAST_HASHERS, django_rank
from tests.factories import (
    ChangeRequestWorld,
    ConnectionCommentFactory,
    ConnectionTypeFactory,
    ConnectionTypeRightFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    ResponseFactory,
    SiteFactory,
    SiteMembershipFactory,
    TeamFactory,
)

BASE = "/api_accessacs_mobile/v2/12345"
OTHER_BASE = "/api_accessacs_mobile/v2/54321"


@dataclass
class LookupSite:
    site: Site
    other_site: Site
    types: dict[int, ConnectionType]
    contact: Individual
    team: Team
    caller_individual: Individual
    connections: dict[str, Connection] = field(default_factory=dict)


def _writes_commits(module, session) -> bool:
    """Whether a test of `module` commits (transactional_db, live_server): it would commit
    inside a transaction held open for the whole module."""
    return any(
        django_rank(item) == 1 for item in session.items if getattr(item, "module", None) is module
    )


@dataclass
class ModuleRows:
    built: object
    media: Path

    def own_copy(self):
        """A copy of the built instances for one test, and the files written with the rows
        (pictures) copied to the test's own MEDIA_ROOT (tests/conftest.py gives each test one)."""
        shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        return copy.deepcopy(self.built)


def rows_once_per_module(build):
    """A module-scoped fixture: what `build()` writes, written once per module (as Django's
    setUpTestData does) in a transaction each test's own (a savepoint) nests in, rolled back
    when the module ends, as ModuleRows (`own_copy()` per test); None in a module where a test
    commits (build per test there)."""

    @pytest.fixture(scope="module")
    def rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
        if _writes_commits(request.module, request.session):
            yield None
            return
        media = tmp_path_factory.mktemp("module-media")
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=str(media)),
        ):
            atomic = transaction.atomic()
            atomic.__enter__()
            built = build()
        yield ModuleRows(built, media)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    return rows


@pytest.fixture
def lookup_site(_lookup_site_rows, db) -> LookupSite:
    """Site 12345: types 1 (O), 2 (I), 3 (O, inactive); individual 76; team 1 of two members;
    connections 1 (assigned to individual 70), 2 (assigned to team 1), 3 (someone else's).
    Site 54321 has its own type 1, individual 76, team 1 and connection 1. Each test gets its
    own copies of the instances; what it writes is rolled back with its savepoint."""
    if _lookup_site_rows is None:
        return _build_lookup_site()
    return _lookup_site_rows.own_copy()


def _build_lookup_site() -> LookupSite:
    site = SiteFactory(number=12345, name="Grace")
    other_site = SiteFactory(number=54321, name="Hillside")
    types = {
        1: ConnectionTypeFactory(site=site, number=1, description="First Time Guest"),
        2: ConnectionTypeFactory(
            site=site, number=2, description="New Member Class", category=ConnectionCategory.INWARD
        ),
        3: ConnectionTypeFactory(site=site, number=3, description="Retired", active=False),
    }
    for number, description in [(1, "Left a message"), (2, "Spoke with them")]:
        ResponseFactory(site=site, number=number, connection_type=types[1], description=description)
    ResponseFactory(site=site, number=3, connection_type=types[2], description="Registered")
    caller_individual = IndividualFactory(
        site=site, number=70, first_name="John", last_name="Adams"
    )
    contact = IndividualFactory(
        site=site,
        number=76,
        family_number=25,
        first_name="Thomas",
        last_name="Wright",
        goes_by_name="Tom",
        email="Tom.Wright@Example.org",
        phone="801-555-0176",
    )
    team_mate = IndividualFactory(site=site, number=74, first_name="Ruth", last_name="Baker")
    team = TeamFactory(site=site, number=1, name="Care Team", members=[team_mate, contact])
    world = LookupSite(site, other_site, types, contact, team, caller_individual)
    world.connections["mine"] = OutreachConnectionFactory(
        site=site, number=1, connection_type=types[1], contact=contact, caller=caller_individual
    )
    ConnectionCommentFactory(connection=world.connections["mine"], text="Called once")
    world.connections["team"] = OutreachConnectionFactory(
        site=site, number=2, connection_type=types[1], contact=caller_individual, team=team
    )
    world.connections["other"] = OutreachConnectionFactory(
        site=site, number=3, connection_type=types[2], contact=contact
    )

    other_type = ConnectionTypeFactory(site=other_site, number=1, description="Elsewhere")
    other_contact = IndividualFactory(site=other_site, number=76, first_name="Olivia")
    TeamFactory(site=other_site, number=1, name="Youth", members=[other_contact])
    ResponseFactory(site=other_site, number=1, connection_type=other_type)
    OutreachConnectionFactory(
        site=other_site, number=1, connection_type=other_type, contact=other_contact
    )
    OutreachConnectionFactory(
        site=other_site, number=76, connection_type=other_type, contact=other_contact
    )
    return world


_lookup_site_rows = rows_once_per_module(_build_lookup_site)
_world_rows = rows_once_per_module(ChangeRequestWorld.build)
_demo_rows = rows_once_per_module(demo.seed_lookups)


def make_member(
    world: LookupSite,
    *,
    role: str = SecurityRole.STAFF,
    individual: Individual | None = None,
    type_rights: dict[int, str] | None = None,
    **rights: str,
):
    """A user at site 12345 with the given role, yes/no rights and per-type rights."""
    membership = SiteMembershipFactory(
        site=world.site,
        security_role=role,
        individual=individual or IndividualFactory(site=world.site),
        **rights,
    )
    for type_number, right in (type_rights or {}).items():
        ConnectionTypeRightFactory(
            membership=membership, connection_type=world.types[type_number], right=right
        )
    return membership


def full_rights() -> dict[str, str]:
    return dict.fromkeys(
        [
            "create_change_request",
            "locate_person",
            "member_search",
            "view_add_comments",
            "reassign_connection",
        ],
        Right.GRANTED,
    )


@pytest.fixture
def world(_world_rows, db) -> ChangeRequestWorld:
    """ChangeRequestWorld (tests/factories.py), written once per module where no test commits;
    each test gets its own copies of the instances."""
    if _world_rows is None:
        return ChangeRequestWorld.build()
    return _world_rows.own_copy()


@pytest.fixture
def demo_site(_demo_rows, db):
    """The demo's sites 12345 and 54321 (outreach.demo.seed_lookups, its pictures included),
    written once per module where no test commits."""
    if _demo_rows is None:
        demo.seed_lookups()
    else:
        _demo_rows.own_copy()


@pytest.fixture
def caller(world, basic_client):
    """The fully-righted caller of `world` (test_api.py has its own, on `lookup_site`)."""
    return basic_client(world.caller.user.username)


@pytest.fixture
def admin(world, basic_client):
    return basic_client(world.admin.user.username)
