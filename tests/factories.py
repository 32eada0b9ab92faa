"""One factory per model. Every user's password is "password" unless a test says otherwise."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from connect_api import models as connect_api_models
from connect_api.events import EventName
from connections import models as connection_models
from connections.choices import ConnectionStatus, IntegrationType, ReviewAction
from organizations import models as organization_models
from organizations.choices import OrganizationType
from outreach import models as outreach_models
from outreach.choices import (
    ChangeRequestKind,
    ConnectionCategory,
    Right,
    SecurityRole,
)
from outreach.services import site_number_next
from uploads.models import Upload
from webhooks import models as webhook_models

DEFAULT_PASSWORD = "password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            user.save(update_fields=["password"])


class StaffUserFactory(UserFactory):
    is_staff = True


# --- connections ---


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = organization_models.Person

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")
    phone = "801-555-0100"
    job_title = "Buyer"


class AccountManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = organization_models.AccountManager

    user = factory.SubFactory(StaffUserFactory)
    person = factory.SubFactory(PersonFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = organization_models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    website = "https://example.com"
    org_type = OrganizationType.RETAILER


class OrganizationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = organization_models.OrganizationMembership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class ConnectionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.ConnectionRequest

    requester = factory.SubFactory(OrganizationFactory)
    counterpart_name = factory.Sequence(lambda n: f"Counterpart {n}")
    contact_name = "Pat Contact"
    contact_phone = "801-555-1212"
    contact_email = "pat@example.com"
    account_number = "ACC-1"


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.Integration

    request = factory.SubFactory(ConnectionRequestFactory)
    integration_type = IntegrationType.ITEM
    update_frequency = "0 2 * * *"
    file_specs = "specs"


class ReviewEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.ReviewEntry

    request = factory.SubFactory(ConnectionRequestFactory)
    action = ReviewAction.CHANGES_REQUESTED
    account_manager = factory.SubFactory(AccountManagerFactory)
    user = factory.SelfAttribute("account_manager.user")
    message = "Please change the schedule."


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.Connection

    retailer = factory.SubFactory(OrganizationFactory, org_type=OrganizationType.RETAILER)
    supplier = factory.SubFactory(OrganizationFactory, org_type=OrganizationType.SUPPLIER)
    status = ConnectionStatus.CONFIRMATION_WAITING


# --- uploads ---


class UploadFactory(factory.django.DjangoModelFactory):
    """A CSV upload whose bytes are saved through the default storage."""

    class Meta:
        model = Upload

    class Params:
        content = b"sku,quantity\nA-1,3\n"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"items-{n}.csv")
    file = factory.LazyAttribute(lambda upload: ContentFile(upload.content, name="upload"))
    size = factory.LazyAttribute(lambda upload: len(upload.content))
    sha256 = factory.LazyAttribute(lambda upload: hashlib.sha256(upload.content).hexdigest())
    content_type = "text/csv"


# --- outreach ---


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Site
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: 20000 + n)
    name = factory.Sequence(lambda n: f"Site {n}")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Family
        django_get_or_create = ("site", "number")

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 5000 + n)
    name = factory.Sequence(lambda n: f"Family {n}")


class IndividualFactory(factory.django.DjangoModelFactory):
    """A person with a family of its own (FamId `family_number`, shared when two people are
    given the same one), one preferred email and one preferred phone. `email=""` / `phone=""`
    leave them out."""

    class Meta:
        model = outreach_models.Individual
        skip_postgeneration_save = True

    class Params:
        # Apart from FamilyFactory's numbers (5000 + n): a family of one's own is never, by
        # coincidence of the two counters, a family another test made with FamilyFactory.
        family_number = factory.Sequence(lambda n: 500_000 + n)

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    family = factory.SubFactory(
        FamilyFactory,
        site=factory.SelfAttribute("..site"),
        number=factory.SelfAttribute("..family_number"),
    )
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    family_position = "Head"
    member_status = "Member"

    @factory.post_generation
    def email(individual, create, extracted, **kwargs):
        if extracted is None:
            extracted = f"{individual.first_name}.{individual.last_name}@example.org".lower()
        if create and extracted:
            IndividualEmailFactory(individual=individual, email=extracted, preferred=True)

    @factory.post_generation
    def phone(individual, create, extracted, **kwargs):
        if extracted is None:
            extracted = "801-555-0100"
        if create and extracted:
            PhoneFactory(individual=individual, phone_number=extracted, preferred=True)


class IndividualEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.IndividualEmail

    individual = factory.SubFactory(IndividualFactory)
    site = factory.SelfAttribute("individual.site")
    number = factory.Sequence(lambda n: 1000 + n)
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class PhoneFactory(factory.django.DjangoModelFactory):
    """An individual's phone (pass `individual=None, family=...` for a family phone)."""

    class Meta:
        model = outreach_models.Phone

    individual = factory.SubFactory(IndividualFactory)
    site = factory.LazyAttribute(lambda o: (o.individual or o.family).site)
    number = factory.Sequence(lambda n: 1000 + n)
    phone_number = factory.Sequence(lambda n: f"801-555-{n % 10000:04d}")


class AddressFactory(factory.django.DjangoModelFactory):
    """An individual's address (pass `individual=None, family=...` for a family address)."""

    class Meta:
        model = outreach_models.Address

    individual = factory.SubFactory(IndividualFactory)
    site = factory.LazyAttribute(lambda o: (o.individual or o.family).site)
    number = factory.Sequence(lambda n: 1000 + n)
    street = factory.Sequence(lambda n: f"{n} Main St")
    city = "Provo"
    state = "UT"
    zipcode = "84601"
    country = "USA"


class CommentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.CommentType

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 100 + n)
    description = factory.Sequence(lambda n: f"Comment type {n}")
    color = "#3366CC"


class IndividualCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.IndividualComment

    individual = factory.SubFactory(IndividualFactory)
    site = factory.SelfAttribute("individual.site")
    number = factory.Sequence(lambda n: 1000 + n)
    comment_type = factory.SubFactory(CommentTypeFactory, site=factory.SelfAttribute("..site"))
    text = factory.Sequence(lambda n: f"Note {n}")


class GivingMerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.GivingMerchant

    site = factory.SubFactory(SiteFactory)
    solution_id = factory.Faker("uuid4", cast_to=None)
    merchant_account_id = factory.Faker("uuid4", cast_to=None)
    deposit_account_id = factory.Faker("uuid4", cast_to=None)


class SiteMembershipFactory(factory.django.DjangoModelFactory):
    """A Staff member without rights (all N) unless the test grants some."""

    class Meta:
        model = outreach_models.SiteMembership

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    individual = factory.SubFactory(IndividualFactory, site=factory.SelfAttribute("..site"))
    security_role = SecurityRole.STAFF


class ConnectionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.ConnectionType

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 100 + n)
    description = factory.Sequence(lambda n: f"Connection type {n}")
    category = ConnectionCategory.OUTWARD


class ConnectionTypeRightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.ConnectionTypeRight

    membership = factory.SubFactory(SiteMembershipFactory)
    connection_type = factory.SubFactory(
        ConnectionTypeFactory, site=factory.SelfAttribute("..membership.site")
    )
    right = Right.GRANTED


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Response

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 100 + n)
    connection_type = factory.SubFactory(
        ConnectionTypeFactory, site=factory.SelfAttribute("..site")
    )
    description = factory.Sequence(lambda n: f"Response {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Team
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(team, create, extracted, **kwargs):
        if create and extracted:
            team.members.set(extracted)


class OutreachConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Connection
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 100 + n)
    connection_type = factory.SubFactory(
        ConnectionTypeFactory, site=factory.SelfAttribute("..site")
    )
    contact = factory.SubFactory(IndividualFactory, site=factory.SelfAttribute("..site"))
    due_date = date(2015, 6, 12)

    @factory.post_generation
    def responses(connection, create, extracted, **kwargs):
        if create and extracted:
            connection.responses.set(extracted)


class ConnectionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.ConnectionComment

    connection = factory.SubFactory(OutreachConnectionFactory)
    author_name = "John Adams"
    text = factory.Sequence(lambda n: f"Comment {n}")


class ConnectionHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.ConnectionHistory

    connection = factory.SubFactory(OutreachConnectionFactory)
    kind = ChangeRequestKind.MODIFY
    changes = factory.LazyFunction(lambda: {"DueDate": ["06/12/2015", "06/19/2015"]})


# --- outreach change requests ---


SEED_ADD_PAYLOAD = {
    "connection_type_id": 1,
    "contact_indv_id": 76,
    "family_connection": False,
    "complete": False,
    "connection_date": "2015-06-05",
    "new_caller_indv_id": None,
    "new_team_id": 1,
    "open_category_id": 1,
    "comment": "Test",
    "response_ids": [],
}
"""Seed 004's body as a change request stores it (needs type 1, individual 76, team 1)."""


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A PENDING modify of `connection`; `add=True` gives the seed's PENDING add instead."""

    class Meta:
        model = outreach_models.ChangeRequest

    class Params:
        add = factory.Trait(
            kind=ChangeRequestKind.ADD,
            connection=None,
            payload=factory.LazyFunction(lambda: dict(SEED_ADD_PAYLOAD)),
        )

    site = factory.SubFactory(SiteFactory)
    number = factory.LazyAttribute(
        lambda o: site_number_next(site=o.site, model=outreach_models.ChangeRequest)
    )
    kind = ChangeRequestKind.MODIFY
    connection = factory.SubFactory(OutreachConnectionFactory, site=factory.SelfAttribute("..site"))
    base_version = factory.LazyAttribute(lambda o: o.connection.version if o.connection else None)
    payload = factory.LazyFunction(
        lambda: {"connection_date": "2015-07-01", "comment": "Called", "response_ids": []}
    )
    submitted_by = factory.SubFactory(UserFactory)


FULL_CALLER_RIGHTS = {
    "create_change_request": Right.GRANTED,
    "locate_person": Right.GRANTED,
    "member_search": Right.NONE,
    "view_add_comments": Right.GRANTED,
    "reassign_connection": Right.GRANTED,
}


@dataclass
class ChangeRequestWorld:
    """Site 12345 as seed 004 needs it (type 1, individual 76, team 1) plus site 54321.

    Site 12345: types 1 (responses 11, 12) and 2 (response 21), individuals 76 and 77, team 1,
    connection 1 (type 1, contact 76, team 1, due 06/01/2015), a caller with every right the
    POST needs and A on type 1, and an Administrator. Site 54321: individual 88, team 2, type 1
    and its connection 500.
    """

    site: outreach_models.Site
    other_site: outreach_models.Site
    connection_type: outreach_models.ConnectionType
    other_type: outreach_models.ConnectionType
    responses: list
    team: outreach_models.Team
    connection: outreach_models.Connection
    other_connection: outreach_models.Connection
    caller: outreach_models.SiteMembership
    admin: outreach_models.SiteMembership

    @classmethod
    def build(cls) -> "ChangeRequestWorld":
        site = SiteFactory(number=12345)
        other_site = SiteFactory(number=54321)
        connection_type = ConnectionTypeFactory(site=site, number=1)
        other_type = ConnectionTypeFactory(site=site, number=2)
        responses = [
            ResponseFactory(site=site, connection_type=connection_type, number=number)
            for number in (11, 12)
        ]
        ResponseFactory(site=site, connection_type=other_type, number=21)
        contact = IndividualFactory(site=site, number=76)
        IndividualFactory(site=site, number=77)
        team = TeamFactory(site=site, number=1)
        connection = OutreachConnectionFactory(
            site=site,
            number=1,
            connection_type=connection_type,
            contact=contact,
            team=team,
            due_date=date(2015, 6, 1),
        )
        IndividualFactory(site=other_site, number=88)
        TeamFactory(site=other_site, number=2)
        other_connection = OutreachConnectionFactory(
            site=other_site,
            number=500,
            connection_type=ConnectionTypeFactory(site=other_site, number=1),
        )
        world = cls(
            site=site,
            other_site=other_site,
            connection_type=connection_type,
            other_type=other_type,
            responses=responses,
            team=team,
            connection=connection,
            other_connection=other_connection,
            caller=None,
            admin=SiteMembershipFactory(site=site, security_role=SecurityRole.ADMINISTRATOR),
        )
        world.caller = world.member()
        return world

    def member(
        self, *, role=SecurityRole.STAFF, rights=None, type_rights=None
    ) -> outreach_models.SiteMembership:
        """A member of site 12345 with the full caller's rights, changed by `rights`, and
        `type_rights` ({type number: right}; default A on type 1)."""
        membership = SiteMembershipFactory(
            site=self.site, security_role=role, **{**FULL_CALLER_RIGHTS, **(rights or {})}
        )
        types = {1: self.connection_type, 2: self.other_type}
        for number, right in (
            type_rights if type_rights is not None else {1: Right.GRANTED}
        ).items():
            ConnectionTypeRightFactory(
                membership=membership, connection_type=types[number], right=right
            )
        return membership

    @staticmethod
    def set_type_right(membership, connection_type, right: str) -> None:
        outreach_models.ConnectionTypeRight.objects.update_or_create(
            membership=membership, connection_type=connection_type, defaults={"right": right}
        )


# --- webhooks ---


class EndpointFactory(factory.django.DjangoModelFactory):
    """An organization's endpoint for every event (pass `site=` and `number=` for a site's)."""

    class Meta:
        model = webhook_models.Endpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = "https://hooks.example.com/in"
    events = factory.LazyFunction(lambda: list(EventName.values))
    secret = factory.LazyFunction(
        lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    )


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connect_api_models.Event

    name = EventName.CONNECTION_CONFIRMED
    data = factory.LazyFunction(lambda: {"connection_uuid": "x"})


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = webhook_models.Delivery

    endpoint = factory.SubFactory(EndpointFactory)
    event = factory.SubFactory(EventFactory)
