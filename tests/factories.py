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
