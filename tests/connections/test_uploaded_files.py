"""`uploaded_files` on connection requests: attached in the create/update transaction."""

import pytest

from connections.models import ConnectionRequest
from tests.connections.conftest import request_url
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BODY = {"organization_name": "Files Co", "primary_contact_name": "Pat"}


def make_upload(organization, name="spec.pdf"):
    from uploads.models import Upload

    return Upload.objects.create(
        organization=organization,
        name=name,
        file=f"uploads/{organization.uuid}/{name}",
        size=3,
        sha256="0" * 64,
        content_type="application/pdf",
    )


def test_create_attaches_uploads_given_as_objects_or_strings(retailer_client, retailer):
    first, second = make_upload(retailer, "a.pdf"), make_upload(retailer, "b.csv")
    body = {**BODY, "uploaded_files": [{"uuid": str(first.uuid)}, str(second.uuid)]}
    response = retailer_client.post(request_url(), body, format="json")
    assert response.status_code == 201, response.json()
    created = ConnectionRequest.objects.get(uuid=response.json()["request_uuid"])
    assert set(created.uploaded_files.all()) == {first, second}
    detail = retailer_client.get(request_url(created)).json()
    assert sorted(detail["uploaded_files"], key=lambda item: item["name"]) == [
        {"name": "a.pdf", "uuid": str(first.uuid)},
        {"name": "b.csv", "uuid": str(second.uuid)},
    ]


@pytest.mark.parametrize("kind", ["foreign", "unknown", "garbage"])
def test_create_with_an_upload_not_ours_is_400_and_stores_nothing(retailer_client, retailer, kind):
    mine = make_upload(retailer)
    other = {
        "foreign": lambda: str(make_upload(OrganizationFactory()).uuid),
        "unknown": lambda: "0e0e0e0e-0000-4000-8000-000000000000",
        "garbage": lambda: "not-a-uuid",
    }[kind]()
    body = {**BODY, "integrations": [{"type": "item", "update_frequency": "@daily"}],
            "uploaded_files": [str(mine.uuid), {"uuid": other}]}  # fmt: skip
    response = retailer_client.post(request_url(), body, format="json")
    assert response.status_code == 400
    (message,) = response.json()["errors"]["uploaded_files"]
    assert other in message
    assert not ConnectionRequest.objects.exists()


@pytest.mark.parametrize("bad", [[{"name": "x"}], [5], "abc"])
def test_malformed_upload_references_are_400(retailer_client, bad):
    response = retailer_client.post(request_url(), {**BODY, "uploaded_files": bad}, format="json")
    assert response.status_code == 400
    assert any(key.startswith("uploaded_files") for key in response.json()["errors"])


def test_patch_replaces_the_set_and_leaves_it_alone_when_absent(
    retailer_client, retailer, pending_request
):
    old, new = make_upload(retailer, "old.pdf"), make_upload(retailer, "new.pdf")
    pending_request.uploaded_files.set([old])
    url = request_url(pending_request)
    assert retailer_client.patch(url, {"org_name": "X"}, format="json").status_code == 204
    assert list(pending_request.uploaded_files.all()) == [old]
    body = {"uploaded_files": [{"uuid": str(new.uuid)}]}
    assert retailer_client.patch(url, body, format="json").status_code == 204
    assert list(pending_request.uploaded_files.all()) == [new]
    assert retailer_client.patch(url, {"uploaded_files": []}, format="json").status_code == 204
    assert not pending_request.uploaded_files.exists()


def test_patch_with_a_foreign_upload_changes_nothing(retailer_client, retailer, pending_request):
    mine = make_upload(retailer)
    pending_request.uploaded_files.set([mine])
    foreign = make_upload(OrganizationFactory())
    body = {"org_name": "Changed", "uploaded_files": [str(foreign.uuid)]}
    response = retailer_client.patch(request_url(pending_request), body, format="json")
    assert response.status_code == 400
    pending_request.refresh_from_db()
    assert pending_request.counterpart_name == "Old Name"
    assert list(pending_request.uploaded_files.all()) == [mine]
