"""`make reset` (`seed_demo --reset`): the demo data exactly as a fresh `make run` has it, so the
ids the README's examples name hold again after any of them ran."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.conftest import basic_header
from tests.seeds import OUTREACH_SEED_BODY

OUTREACH = "/api_accessacs_mobile/v2/12345"


def snapshot() -> dict[str, list]:
    """Every demo row of the apps the README shows, by its stable identity (not its pk)."""
    models = {
        "connections.ConnectionRequest": ("uuid", "status", "version", "counterpart_name"),
        "connections.Integration": ("uuid",),
        "connections.Connection": ("status",),
        "uploads.Upload": ("uuid", "name"),
        "outreach.ChangeRequest": ("number", "status", "kind"),
        "outreach.Connection": ("number", "version", "completed"),
        "outreach.ConnectionComment": ("connection__number",),
        "auth.User": ("pk", "username"),
    }
    return {
        label: sorted(map(str, apps.get_model(label).objects.values_list(*fields)))
        for label, fields in models.items()
    }


@pytest.mark.django_db(transaction=True)
def test_reset_restores_the_fresh_demo_data_after_the_readme_examples_changed_it(api_client):
    call_command("seed_demo", "--reset", stdout=StringIO())  # as `make run` on a new database
    fresh = snapshot()

    jadams = {"HTTP_AUTHORIZATION": basic_header("jadams", "password231")}
    admin = {"HTTP_AUTHORIZATION": basic_header("outreach_admin", "outreach-admin-pass")}
    body = json.dumps(OUTREACH_SEED_BODY)
    number = api_client.post(
        f"{OUTREACH}/connections", body, content_type="application/json", **jadams
    ).json()
    assert number == 2  # as the README says on fresh data
    api_client.post(f"{OUTREACH}/changerequests/{number}/apply", **admin)
    retailer = {"HTTP_AUTHORIZATION": basic_header("retailer", "retailer-demo-pass")}
    api_client.post(
        "/organizations/connections/request/",
        json.dumps({"organization_name": "Road Runner Parts", "primary_contact_name": "R"}),
        content_type="application/json",
        **retailer,
    )
    assert snapshot() != fresh

    call_command("seed_demo", "--reset", stdout=StringIO())

    assert snapshot() == fresh
    again = api_client.post(
        f"{OUTREACH}/connections", body, content_type="application/json", **jadams
    )
    assert again.json() == 2


@pytest.mark.django_db
def test_demo_passwords_are_cheap_hashes_raised_to_the_configured_count_at_first_login(settings):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import identify_hasher

    from connect_api.demo import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD_ITERATIONS
    from connect_api.demo import seed as seed_admin

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    seed_admin()
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    algorithm, iterations, _salt, _hash = admin.password.split("$")
    assert (algorithm, int(iterations)) == ("pbkdf2_sha256", DEMO_PASSWORD_ITERATIONS)

    assert admin.check_password(ADMIN_PASSWORD)  # what every login runs
    admin.refresh_from_db()
    hasher = identify_hasher(admin.password)
    assert int(admin.password.split("$")[1]) == hasher.iterations > DEMO_PASSWORD_ITERATIONS
    assert admin.check_password(ADMIN_PASSWORD)
