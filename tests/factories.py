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


# --- uploads (issue 4) ---


# --- outreach (issues 5 and 6) ---
