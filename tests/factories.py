"""One factory per model. Every user's password is "password" unless a test says otherwise."""

import factory
from django.contrib.auth import get_user_model

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


# --- connections (issue 3) ---
from connections import models as connection_models  # noqa: E402
from connections.choices import (  # noqa: E402
    ConnectionStatus,
    IntegrationType,
    OrganizationType,
)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.Person

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")
    phone = "801-555-0100"
    job_title = "Buyer"


class AccountManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.AccountManager

    user = factory.SubFactory(StaffUserFactory)
    person = factory.SubFactory(PersonFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    website = "https://example.com"
    org_type = OrganizationType.RETAILER


class OrganizationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.OrganizationMembership

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


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = connection_models.Connection

    retailer = factory.SubFactory(OrganizationFactory, org_type=OrganizationType.RETAILER)
    supplier = factory.SubFactory(OrganizationFactory, org_type=OrganizationType.SUPPLIER)
    status = ConnectionStatus.CONFIRMATION_WAITING


# --- uploads (issue 4) ---


# --- outreach (issues 5 and 6) ---
from datetime import date  # noqa: E402

from outreach import models as outreach_models  # noqa: E402
from outreach.choices import (  # noqa: E402
    ChangeRequestKind,
    ConnectionCategory,
    Right,
    SecurityRole,
)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Site
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: 20000 + n)
    name = factory.Sequence(lambda n: f"Site {n}")


class IndividualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = outreach_models.Individual

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    family_number = factory.Sequence(lambda n: 5000 + n)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    family_position = "Head"
    email = factory.LazyAttribute(lambda o: f"{o.first_name}.{o.last_name}@example.org".lower())
    phone = "801-555-0100"
    member_status = "Member"


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
    changes = factory.LazyFunction(lambda: {"due_date": ["06/12/2015", "06/19/2015"]})


# change requests (issue 6)
