"""Output pieces every supplier API response builds with (organizations, connections)."""

from organizations.models import Person


def or_null(value: str | None) -> str | None:
    """An optional text field as the docs show it: never set (stored "") is null."""
    return value or None


def person_data(person: Person | None) -> dict | None:
    """A person (an organization's contact, an account manager) as every supplier response
    shows one."""
    if person is None:
        return None
    return {
        "uuid": str(person.uuid),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": or_null(person.email),
        "phone": or_null(person.phone),
        "job_title": or_null(person.job_title),
    }
