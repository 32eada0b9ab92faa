import pytest
from django.test import Client

from connections import demo as connections_demo
from connections.models import ConnectionRequest
from organizations import demo as organizations_demo
from tests.factories import UploadFactory, UserFactory
from tests.uploads.conftest import files_under
from uploads import demo as uploads_demo
from uploads.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_searches_by_name_and_sha256_and_filters_by_type_and_organization(admin_client):
    csv = UploadFactory(name="march-items.csv")
    pdf = UploadFactory(name="terms.pdf", content=b"%PDF-1.7\n", content_type="application/pdf")
    url = "/admin/uploads/upload/"

    def listed(params):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return {upload.pk for upload in response.context["cl"].result_list}

    assert listed({"q": "march"}) == {csv.pk}
    assert listed({"q": pdf.sha256}) == {pdf.pk}
    assert listed({"content_type": "application/pdf"}) == {pdf.pk}
    assert listed({"organization__id__exact": csv.organization_id}) == {csv.pk}
    assert admin_client.get(f"{url}{csv.pk}/change/").status_code == 200
    assert admin_client.get(f"{url}add/").status_code == 403


def test_admin_delete_removes_the_stored_bytes(
    admin_client, isolated_storage, django_capture_on_commit_callbacks
):
    upload = UploadFactory()
    assert len(files_under(isolated_storage / "media")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/uploads/upload/{upload.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert files_under(isolated_storage / "media") == []


def test_demo_seed_attaches_a_stored_csv_to_the_demo_retailers_request_idempotently():
    for _ in range(2):
        organizations_demo.seed()
        uploads_demo.seed()
        connections_demo.seed()

    upload = Upload.objects.get()
    request = ConnectionRequest.objects.get(uuid=connections_demo.SEED_REQUEST_UUID)
    assert list(upload.connection_requests.all()) == [request]
    assert upload.organization == request.requester
    with upload.file.open("rb") as stored:
        assert stored.read() == uploads_demo.DEMO_CSV
    assert upload.size == len(uploads_demo.DEMO_CSV)
