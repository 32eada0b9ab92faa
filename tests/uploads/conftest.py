import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from connections.choices import OrganizationType
from tests.factories import (
    AccountManagerFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    StaffUserFactory,
)

UPLOAD_URL = "/organizations/files/upload/"
FILES_URL = "/organizations/files/"

CSV = b"sku,quantity\nA-1,3\nB-2,5\n"


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Stored bytes and upload temporary files land in this test's own directories."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return tmp_path


def files_under(directory) -> list:
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


def member_of(organization):
    return OrganizationMembershipFactory(organization=organization).user


def file_url(upload_uuid, suffix: str = "") -> str:
    return f"{FILES_URL}{upload_uuid}/{suffix}"


def post_file(client, name: str, content: bytes, **fields):
    """Multipart upload as a client sends it: a `file` part plus any other fields."""
    return client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart"
    )


@pytest.fixture
def retailer(db):
    return OrganizationFactory(name="Acme Retail", org_type=OrganizationType.RETAILER)


@pytest.fixture
def supplier(db):
    return OrganizationFactory(name="Thomas-Perkins", org_type=OrganizationType.SUPPLIER)


@pytest.fixture
def retailer_user(retailer):
    return member_of(retailer)


@pytest.fixture
def retailer_client(token_client, retailer_user):
    return token_client(retailer_user)


@pytest.fixture
def staff_user(db):
    return AccountManagerFactory(user=StaffUserFactory(username="manager")).user


@pytest.fixture
def staff_client(token_client, staff_user):
    return token_client(staff_user)


def raw_multipart(*parts: tuple[str, str | None, bytes]) -> tuple[bytes, str]:
    """A multipart body written byte by byte, so a test controls the part's filename exactly
    (Django's test client would reduce it to its basename first)."""
    boundary = "----connect-api-test-boundary"
    body = b""
    for field, filename, content in parts:
        disposition = f'form-data; name="{field}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += (
            (
                f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post_raw(client, *parts):
    body, content_type = raw_multipart(*parts)
    return client.post(UPLOAD_URL, data=body, content_type=content_type)
