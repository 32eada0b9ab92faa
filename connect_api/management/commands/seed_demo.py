"""Load the demo data of every app (idempotent) and print the credentials to use with it.

Each app contributes through `<app>/demo.py`, a module with `seed() -> list[DemoCredential]`,
so the apps' demo data never collide in one file.

`--reset` (`make reset`) first empties every table (Django's `flush`: rows, not the schema;
auto-increment counters restart), so the data is exactly a fresh `make run`'s and the ids the
README's examples name hold again. It destroys whatever else the database holds.
"""

from importlib import import_module

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from knox.models import AuthToken

from connect_api.demo import DemoCredential

DEMO_MODULES = [
    "connect_api.demo",
    "organizations.demo",
    "uploads.demo",
    "connections.demo",
    "outreach.demo",
]


class Command(BaseCommand):
    help = "Load demo data (safe to run again) and print demo users, passwords and a token."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every row of every table first (the demo database only!).",
        )

    def handle(self, *args, reset=False, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Every table emptied (flush).")
        credentials: list[DemoCredential] = []
        with transaction.atomic():
            for module_name in DEMO_MODULES:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                credentials.extend(module.seed())

        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Users (HTTP Basic or /api/token/):")
        )
        for credential in credentials:
            self.stdout.write(
                f"  {credential.username} / {credential.password}  ({credential.role})"
            )
        for credential in credentials:
            if credential.print_token:
                user = get_user_model().objects.get(username=credential.username)
                _, token = AuthToken.objects.create(user=user)
                self.stdout.write(f"  Token for {credential.username}: {token}")
