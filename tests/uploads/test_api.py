"""The upload endpoints as a client sees them, through HTTP with real Authorization headers."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import LimitedStream
from django.test import RequestFactory

from organizations.choices import OrganizationStatus
from tests.factories import OrganizationFactory, UploadFactory, UserFactory
from tests.supplier_fixtures import member_of
from tests.uploads.conftest import (
    CSV,
    FILES_URL,
    UPLOAD_URL,
    file_url,
    files_under,
    post_file,
    post_raw,
    raw_multipart,
)
from uploads.handlers import UploadTooLarge
from uploads.models import Upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def download(client, upload_uuid):
    response = client.get(file_url(upload_uuid, "download/"))
    body = b"".join(response.streaming_content) if response.status_code == 200 else None
    return response, body


def test_upload_answers_201_with_uuid_and_name(retailer_client, retailer, retailer_user):
    response = post_file(retailer_client, "items.csv", CSV)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"uuid", "name"}
    assert body["name"] == "items.csv"
    upload = Upload.objects.get(uuid=body["uuid"])
    assert upload.organization == retailer
    assert upload.uploaded_by == retailer_user
    assert upload.file.name == f"uploads/{retailer.uuid}/{upload.uuid}"


def test_metadata_records_size_sha256_and_the_type_from_the_bytes(retailer_client):
    created = post_file(retailer_client, "statement.pdf", PDF).json()

    response = retailer_client.get(file_url(created["uuid"]))

    assert response.status_code == 200
    assert response.json() == {
        "uuid": created["uuid"],
        "name": "statement.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "created": response.json()["created"],
    }
    assert response.json()["created"].endswith("Z")


def test_identical_bytes_get_a_new_uuid_each_time(retailer_client):
    first = post_file(retailer_client, "items.csv", CSV).json()
    second = post_file(retailer_client, "items.csv", CSV).json()

    assert first["uuid"] != second["uuid"]
    assert Upload.objects.filter(sha256=hashlib.sha256(CSV).hexdigest()).count() == 2


def test_download_returns_the_identical_bytes_as_an_attachment(retailer_client):
    content = zip_bytes(bytes(range(256)) * 2000)  # 512 KB: streamed through a temporary file
    created = post_file(retailer_client, "feed.zip", content).json()

    response, body = download(retailer_client, created["uuid"])

    assert response.status_code == 200
    assert body == content
    assert response["Content-Disposition"] == 'attachment; filename="feed.zip"'
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Length"] == str(len(body))
    assert response["X-Content-Type-Options"] == "nosniff"


def zip_bytes(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("feed.bin", content)
    return buffer.getvalue()


def test_download_names_non_ascii_and_quoted_names_safely(retailer_client):
    created = post_file(
        retailer_client, "x.csv", CSV, filename='Lieferung "März"\r\nSet-Cookie: a=b.csv'
    ).json()

    response, _ = download(retailer_client, created["uuid"])

    assert created["name"] == "Lieferung _März_Set-Cookie_ a=b.csv"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Lieferung%20_M%C3%A4rz_Set-Cookie_%20a%3Db.csv"
    )
    assert "Set-Cookie" not in response.headers


def test_download_ignores_the_accept_header(retailer_client):
    created = post_file(retailer_client, "items.csv", CSV).json()
    response = retailer_client.get(
        file_url(created["uuid"], "download/"), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200


def test_list_shows_own_uploads_newest_first_paginated(retailer_client, retailer):
    older = UploadFactory(organization=retailer)
    newer = UploadFactory(organization=retailer)
    UploadFactory()  # another organization's

    response = retailer_client.get(FILES_URL, {"limit": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"total_count": 2, "start": 0, "limit": 1}
    assert [item["uuid"] for item in body["files"]] == [str(newer.uuid)]
    second_page = retailer_client.get(FILES_URL, {"limit": 1, "start": 1}).json()
    assert [item["uuid"] for item in second_page["files"]] == [str(older.uuid)]
    assert retailer_client.get(FILES_URL, {"limit": "-1"}).status_code == 400


def test_routes_answer_without_trailing_slash(retailer_client):
    created = post_file(retailer_client, "items.csv", CSV).json()
    assert retailer_client.get(FILES_URL.rstrip("/")).status_code == 200
    assert retailer_client.get(file_url(created["uuid"]).rstrip("/")).status_code == 200
    assert retailer_client.get(file_url(created["uuid"], "download")).status_code == 200
    no_slash = retailer_client.post(
        UPLOAD_URL.rstrip("/"), {"file": SimpleUploadedFile("items.csv", CSV)}, format="multipart"
    )
    assert no_slash.status_code == 201


def test_http_basic_works_and_no_credentials_is_401_with_token_challenge(
    basic_client, api_client, retailer_user
):
    assert post_file(basic_client(retailer_user.username), "items.csv", CSV).status_code == 201

    response = post_file(api_client, "items.csv", CSV)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert api_client.get(FILES_URL).status_code == 401


# --- what is refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("items.csv", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120),  # an ELF binary
        ("items.json", b"{not json"),
        ("items.xml", b"<a><b></a>"),
        ("items.edi", b"GS*IN*SENDER~"),
        ("statement.pdf", CSV),
        ("program.exe", b"MZ\x90\x00"),
        ("items", CSV),
        ("page.html", b"<html></html>"),
    ],
)
def test_type_outside_allow_list_or_contradicting_bytes_is_415_and_nothing_stored(
    retailer_client, isolated_storage, name, content
):
    response = post_file(retailer_client, name, content)

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported_file_type"
    assert "file" in body["errors"]
    assert not Upload.objects.exists()
    assert files_under(isolated_storage) == []


def test_label_sent_by_the_client_does_not_decide_the_type(retailer_client):
    """A content type the client claims in the part's header is not believed."""
    body, content_type = raw_multipart(("file", "items.pdf", CSV))
    body = body.replace(b"application/octet-stream", b"application/pdf")
    response = retailer_client.post(UPLOAD_URL, data=body, content_type=content_type)
    assert response.status_code == 415


def test_empty_file_is_400(retailer_client):
    response = post_raw(retailer_client, ("file", "items.csv", b""))

    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not Upload.objects.exists()


def test_missing_file_is_400_naming_the_field(retailer_client):
    response = retailer_client.post(UPLOAD_URL, {"filename": "x.csv"}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]


def test_options_describes_the_upload_body(retailer_client):
    described = retailer_client.options(UPLOAD_URL).json()["actions"]["POST"]
    assert set(described) == {"file", "filename"}
    assert described["file"]["required"] is True


def test_json_body_is_415(retailer_client):
    response = retailer_client.post(UPLOAD_URL, {"file": "abc"}, format="json")
    assert response.status_code == 415


def test_unknown_form_fields_are_ignored(retailer_client):
    response = post_file(retailer_client, "items.csv", CSV, colour="blue", uuid="mine")
    assert response.status_code == 201
    assert response.json()["uuid"] != "mine"


@pytest.mark.parametrize(
    ("part_name", "filename_field", "expected"),
    [
        ("../../x.csv", None, "x.csv"),
        ("..\\..\\x.csv", None, "x.csv"),
        ("items.csv", "../../etc/cron.d/x.csv", "x.csv"),
        ("items.csv", "evil\x00name\x1b[31m.csv", "evilname[31m.csv"),
        ("items.csv", "....", "items.csv"),
        ("items.csv", "", "items.csv"),
        ("items.csv", "a" * 1000 + ".csv", "a" * 251 + ".csv"),
        ("b" * 800 + ".csv", None, "b" * 251 + ".csv"),
    ],
)
def test_hostile_names_are_sanitised_and_never_choose_the_path(
    retailer_client, retailer, isolated_storage, part_name, filename_field, expected
):
    parts = [("file", part_name, CSV)]
    if filename_field is not None:
        parts.append(("filename", None, filename_field.encode()))

    response = post_raw(retailer_client, *parts)

    assert response.status_code == 201, response.json()
    assert response.json()["name"] == expected
    upload = Upload.objects.get(uuid=response.json()["uuid"])
    stored = files_under(isolated_storage / "media")
    assert stored == [
        isolated_storage / "media" / "uploads" / str(retailer.uuid) / str(upload.uuid)
    ]
    assert stored[0].read_bytes() == CSV


def test_a_part_header_over_djangos_1_kb_limit_is_400(retailer_client):
    response = post_raw(retailer_client, ("file", "b" * 1000 + ".csv", CSV))
    assert response.status_code == 400


def test_a_part_named_only_dots_is_not_a_file(retailer_client):
    response = post_raw(retailer_client, ("file", "..", CSV))
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


# --- size limit --------------------------------------------------------------------------


def test_over_the_limit_is_413_with_nothing_on_disk(settings, retailer_client, isolated_storage):
    settings.UPLOAD_MAX_BYTES = 300 * 1024  # above FILE_UPLOAD_MAX_MEMORY_SIZE: a temp file
    content = b"sku,quantity\n" + b"A-1,3\n" * (200 * 1024)  # 1.2 MB

    response = post_file(retailer_client, "items.csv", content)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert list(response.json()["errors"]) == ["file"]
    assert not Upload.objects.exists()
    assert files_under(settings.FILE_UPLOAD_TEMP_DIR) == []
    assert files_under(isolated_storage) == []


def test_at_the_limit_is_accepted(settings, retailer_client):
    content = b"sku,quantity\n" + b"A-1,3\n" * (60 * 1024)
    settings.UPLOAD_MAX_BYTES = len(content)

    response = post_file(retailer_client, "items.csv", content)

    assert response.status_code == 201
    assert Upload.objects.get().size == len(content)


def test_the_handler_stops_reading_the_body_past_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 300 * 1024
    body, content_type = raw_multipart(("file", "items.csv", b"x" * (4 * 1024 * 1024)))
    request = RequestFactory().post(UPLOAD_URL, data=body, content_type=content_type)
    wire = io.BytesIO(body)
    request._stream = LimitedStream(wire, len(body))

    with pytest.raises(UploadTooLarge):
        request.FILES  # noqa: B018

    assert wire.tell() < 1024 * 1024 < len(body)
    assert files_under(settings.FILE_UPLOAD_TEMP_DIR) == []


# --- who may upload ----------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["staff", "no organization", "inactive organization"])
def test_callers_without_an_active_organization_get_409(token_client, staff_user, caller):
    user = {
        "staff": lambda: staff_user,
        "no organization": lambda: UserFactory(),
        "inactive organization": lambda: member_of(
            OrganizationFactory(status=OrganizationStatus.INACTIVE)
        ),
    }[caller]()

    response = post_file(token_client(user), "items.csv", CSV)

    assert response.status_code == 409
    assert not Upload.objects.exists()


def test_upload_throttle_answers_429_with_retry_after(settings, retailer_client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "uploads": "2/min",
        },
    }
    statuses = [post_file(retailer_client, "items.csv", CSV).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    throttled = post_file(retailer_client, "items.csv", CSV)
    assert int(throttled["Retry-After"]) > 0
    assert retailer_client.get(FILES_URL).status_code == 200  # reads are not upload-throttled


# --- storage by configuration ------------------------------------------------------------


def test_any_storage_backend_works_by_configuration_alone(
    settings, retailer_client, isolated_storage
):
    """What S3 via django-storages relies on: the bytes go only through STORAGES["default"]."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    content = b"sku,quantity\n" + b"A-1,3\n" * 100_000  # 600 KB, via a temporary file

    created = post_file(retailer_client, "items.csv", content).json()
    response, body = download(retailer_client, created["uuid"])

    assert response.status_code == 200
    assert body == content
    upload = Upload.objects.get(uuid=created["uuid"])
    memory = storages["default"]
    assert type(memory).__name__ == "InMemoryStorage"
    with memory.open(upload.file.name) as stored:
        assert stored.read() == content
    assert files_under(isolated_storage) == []


def test_a_downloads_content_type_is_one_the_schema_declares(retailer_client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/organizations/files/{uuid}/download/"]["get"]
    declared = set(operation["responses"]["200"]["content"])
    created = post_file(retailer_client, "items.csv", CSV).json()

    response, _ = download(retailer_client, created["uuid"])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Type"] in declared
