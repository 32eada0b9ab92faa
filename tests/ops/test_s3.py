"""STORAGE_BACKEND=s3 by configuration alone, against moto's standalone S3 server over HTTP."""

import copy
import json
import subprocess
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.storage import storages

from tests.ops.conftest import PYTHON, ROOT, clean_env, closed_port

pytestmark = pytest.mark.django_db

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing-key", "AWS_SECRET_ACCESS_KEY": "testing-secret"}

# The settings module alone (django.setup() would load every app too, 0.5 s of CPU more).
STORAGES_FROM_ENV = """
import json
from django.conf import settings
print(json.dumps(settings.STORAGES["default"]))
"""


def storage_from_environment(endpoint: str, bucket: str) -> dict:
    """settings.STORAGES["default"] as settings.py builds it from the environment alone."""
    env = clean_env(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        QUEUE_URL="memory://",
        **CREDENTIALS,
    )
    result = subprocess.run(
        [PYTHON, "-c", STORAGES_FROM_ENV],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def module_bucket(s3_endpoint):
    """A bucket of this module's and the storage settings.py builds for it from the environment
    (one process reading the environment, not one per test)."""
    name = f"connect-uploads-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    return client, name, storage_from_environment(s3_endpoint, name)


@pytest.fixture
def bucket(module_bucket):
    """The module's bucket, emptied: each test sees only the objects it stores."""
    client, name, _ = module_bucket
    stored = client.list_objects_v2(Bucket=name).get("Contents", [])
    if stored:
        client.delete_objects(
            Bucket=name, Delete={"Objects": [{"Key": obj["Key"]} for obj in stored]}
        )
    return client, name


@pytest.fixture
def s3_storage(settings, module_bucket, bucket):
    default = copy.deepcopy(module_bucket[2])
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": default}
    return storages["default"]


def upload(client, content: bytes, name: str = "items.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/organizations/files/upload/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
    )


CSV = b"sku,description,quantity\nACME-100,Anvil \xe2\x80\x94 heavy,2\n" * 500


def test_upload_and_download_through_http_store_the_bytes_in_the_bucket(
    retailer_client, s3_storage, bucket
):
    client, name = bucket
    created = upload(retailer_client, CSV)
    assert created.status_code == 201, created.content
    file_uuid = created.json()["uuid"]

    keys = [obj["Key"] for obj in client.list_objects_v2(Bucket=name).get("Contents", [])]
    assert len(keys) == 1 and keys[0].endswith(file_uuid)
    assert client.get_object(Bucket=name, Key=keys[0])["Body"].read() == CSV

    downloaded = retailer_client.get(f"/organizations/files/{file_uuid}/download/")
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == CSV
    assert downloaded["Content-Disposition"] == 'attachment; filename="items.csv"'


def test_presigned_downloads_redirect_to_the_store(retailer_client, s3_storage, settings):
    settings.STORAGE_PRESIGNED_DOWNLOADS = True
    file_uuid = upload(retailer_client, CSV, "Acme items.csv").json()["uuid"]
    redirected = retailer_client.get(f"/organizations/files/{file_uuid}/download/")
    assert redirected.status_code == 302
    location = redirected["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    with urllib.request.urlopen(location) as response:  # no Authorization: the URL is signed
        assert response.read() == CSV
        assert response.headers["Content-Disposition"] == 'attachment; filename="Acme items.csv"'
        assert response.headers["Content-Type"].startswith("text/csv")


def test_another_organization_gets_no_redirect_either(
    retailer_client, other_retailer_user, token_client, s3_storage, settings
):
    settings.STORAGE_PRESIGNED_DOWNLOADS = True
    file_uuid = upload(retailer_client, CSV).json()["uuid"]
    stranger = token_client(other_retailer_user)
    assert stranger.get(f"/organizations/files/{file_uuid}/download/").status_code == 404


def test_readiness_probes_the_bucket(client, s3_storage):
    response = client.get("/readyz")
    assert response.json()["checks"]["storage"] == "OK"


def test_readiness_names_storage_when_the_store_is_down(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_environment(f"http://127.0.0.1:{closed_port()}", "nowhere"),
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
