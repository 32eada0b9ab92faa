"""How an outreach person's name is written: in the API's answers and in events alike."""

from outreach.models import Individual


def full_name_of(individual: Individual) -> str:
    """Title First Middle Last, Suffix (the parts there are)."""
    name = " ".join(
        part
        for part in (
            individual.title,
            individual.first_name,
            individual.middle_name,
            individual.last_name,
        )
        if part
    )
    return f"{name}, {individual.suffix}" if individual.suffix else name


def friendly_name_of(individual: Individual) -> str:
    """The name the person goes by, then the last name."""
    first = individual.goes_by_name or individual.first_name
    return " ".join(part for part in (first, individual.last_name) if part)
