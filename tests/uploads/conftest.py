import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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


def file_url(upload_uuid, suffix: str = "") -> str:
    return f"{FILES_URL}{upload_uuid}/{suffix}"


def post_file(client, name: str, content: bytes, **fields):
    """Multipart upload as a client sends it: a `file` part plus any other fields."""
    return client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart"
    )


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
