"""What the apps' Django admin actions share: run a service on each selected row."""

from collections.abc import Callable, Iterable

from django.contrib import messages

from connect_api.errors import DomainError


def run_for_each(model_admin, request, rows: Iterable, service: Callable, *, done: str) -> int:
    """Call `service(row)` for each row; a DomainError is reported for its row, the others go on.

    `done` is the success message with `{count}`; returns how many rows succeeded.
    """
    succeeded = 0
    for row in rows:
        try:
            service(row)
        except DomainError as error:
            model_admin.message_user(request, f"{row}: {error.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        model_admin.message_user(request, done.format(count=succeeded), messages.SUCCESS)
    return succeeded
