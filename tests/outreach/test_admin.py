"""The Django admin covers every outreach model (list, search and change pages render)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outreach import models, services
from outreach.choices import Right
from tests.factories import (
    AddressFactory,
    ConnectionCommentFactory,
    ConnectionHistoryFactory,
    ConnectionTypeRightFactory,
    GivingMerchantFactory,
    IndividualCommentFactory,
    IndividualFactory,
    OutreachConnectionFactory,
    ResponseFactory,
    SiteMembershipFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    models.Site,
    models.SiteMembership,
    models.Individual,
    models.Team,
    models.ConnectionType,
    models.Response,
    models.Connection,
    models.ConnectionComment,
    models.ConnectionHistory,
    models.Family,
    models.CommentType,
    models.IndividualComment,
    models.CommentChangeRequest,
    models.GivingMerchant,
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def rows():
    membership = SiteMembershipFactory()
    ConnectionTypeRightFactory(membership=membership, right=Right.VIEW)
    connection = OutreachConnectionFactory(site=membership.site)
    ResponseFactory(site=membership.site, connection_type=connection.connection_type)
    TeamFactory(site=membership.site, members=[membership.individual])
    ConnectionCommentFactory(connection=connection)
    ConnectionHistoryFactory(connection=connection)
    AddressFactory(individual=membership.individual)
    comment = IndividualCommentFactory(individual=membership.individual)
    GivingMerchantFactory(site=membership.site)
    services.comment_change_request_submit(
        membership=membership,
        individual=membership.individual,
        comment_type=comment.comment_type,
        text="A note",
        family_comment=False,
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_search_and_change_pages_render(admin_client, rows, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{prefix}_changelist"), {"q": "a"}).status_code == 200
    row = model.objects.first()
    assert admin_client.get(reverse(f"{prefix}_change", args=[row.pk])).status_code == 200


def test_membership_page_has_the_type_rights_inline(admin_client, rows):
    membership = models.SiteMembership.objects.get()
    page = admin_client.get(reverse("admin:outreach_sitemembership_change", args=[membership.pk]))
    assert b"type_rights-TOTAL_FORMS" in page.content


def test_connection_page_has_comments_inline_and_its_history_as_tables(admin_client, rows):
    connection = models.Connection.objects.get()
    page = admin_client.get(reverse("admin:outreach_connection_change", args=[connection.pk]))
    assert b"comments-TOTAL_FORMS" in page.content
    html = page.content.decode()
    assert (
        '<th scope="row">Due date</th><td>06/12/2015</td><td><strong>06/19/2015</strong></td>'
        in html
    )


def test_individual_page_has_address_email_phone_and_comment_inlines(admin_client, rows):
    individual = models.SiteMembership.objects.get().individual
    page = admin_client.get(reverse("admin:outreach_individual_change", args=[individual.pk]))
    for inline in ("addresses", "emails", "phones", "comments"):
        assert f"{inline}-TOTAL_FORMS".encode() in page.content


def test_family_page_has_members_addresses_and_phones_inlines(admin_client, rows):
    family = models.Family.objects.first()
    page = admin_client.get(reverse("admin:outreach_family_change", args=[family.pk]))
    for inline in ("members", "addresses", "phones"):
        assert f"{inline}-TOTAL_FORMS".encode() in page.content


@pytest.mark.parametrize(
    "action, status", [("apply_selected", "APPLIED"), ("reject_selected", "REJECTED")]
)
def test_staff_apply_or_reject_comment_change_requests(admin_client, rows, action, status):
    pending = models.CommentChangeRequest.objects.get()
    response = admin_client.post(
        reverse("admin:outreach_commentchangerequest_changelist"),
        {"action": action, "_selected_action": [pending.pk], "message": "No"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == status
    written = models.IndividualComment.objects.filter(change_request=pending)
    assert written.count() == (1 if status == "APPLIED" else 0)
    again = admin_client.post(
        reverse("admin:outreach_commentchangerequest_changelist"),
        {"action": action, "_selected_action": [pending.pk]},
        follow=True,
    )
    assert b"already" in again.content


@pytest.fixture
def people():
    """IndvId -> person; every name, email and phone spelled out (none from Faker)."""
    rows = [
        (501, "Ann", "Wright", "Annie", "801-555-0199"),
        (502, "John", "Wright", "", "801-555-0177"),
        (503, "John", "Adams", "", "801-555-0501"),
        (504, "Mary", "Okafor", "", "435-555-0123"),
    ]
    return {
        number: IndividualFactory(
            number=number, first_name=first, last_name=last, goes_by_name=goes_by, phone=phone
        )
        for number, first, last, goes_by, phone in rows
    }


def _admin_search(admin_client, term: str) -> set[int]:
    response = admin_client.get(reverse("admin:outreach_individual_changelist"), {"q": term})
    assert response.status_code == 200
    return {person.number for person in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "term, numbers",
    [
        ("wright", {501, 502}),
        ("john WRIGHT", {502}),  # every word, in any column
        ("annie", {501}),
        ("john.adams@example", {503}),
        ("555-01", {501, 502, 504}),
        ("501", {501, 503}),  # IndvId 501, and the phone 801-555-0501
        ("nobody", set()),
        ("\u00b2", set()),  # a digit to str.isdigit(), not a number to int()
    ],
)
def test_individual_search_is_the_apis(admin_client, people, term, numbers):
    assert _admin_search(admin_client, term) == numbers
    searched = models.Individual.objects.search(term).values_list("number", flat=True)
    numbered = {int(term)} if term.isascii() and term.isdigit() else set()
    assert set(searched) | numbered == numbers


def test_individual_search_filters_the_search_text_without_joining_contacts(admin_client, people):
    """One LIKE per word on search_text (the pg_trgm index), not an OR of five columns'
    icontains over joined emails and phones."""
    with CaptureQueriesContext(connection) as queries:
        assert _admin_search(admin_client, "john wright") == {502}
    searches = [query["sql"] for query in queries if "search_text" in query["sql"]]
    assert searches and all(sql.count("search_text") >= 2 for sql in searches)
    assert not any(
        "outreach_individualemail" in query["sql"] or "outreach_phone" in query["sql"]
        for query in queries
    )


def test_autocomplete_of_people_uses_the_same_search(admin_client, people):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "outreach",
            "model_name": "connection",
            "field_name": "contact",
            "term": "ann wright",
        },
    )
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(people[501].pk)]
