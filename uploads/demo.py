"""Demo data: a small CSV uploaded by the demo retailer (`connections.demo` attaches it to
the seed request)."""

import io
import uuid

from django.core.files.base import ContentFile

from connect_api.demo import DemoCredential
from organizations.demo import RETAILER_UUID
from organizations.models import Organization
from uploads.inspection import KINDS, inspect_upload
from uploads.models import Upload

DEMO_UPLOAD_UUID = uuid.UUID("5e1f6a7c-0d1b-4c8e-9a3f-2b7d4e6f8a10")
DEMO_CSV = b"sku,description,quantity\nACME-001,Rocket skates,12\nACME-002,Giant magnet,3\n"


def seed() -> list[DemoCredential]:
    retailer = Organization.objects.get(uuid=RETAILER_UUID)
    inspection = inspect_upload(io.BytesIO(DEMO_CSV), kind=KINDS["csv"])
    upload, created = Upload.objects.get_or_create(
        uuid=DEMO_UPLOAD_UUID,
        defaults={
            "organization": retailer,
            "name": "acme-sample-items.csv",
            "size": inspection.size,
            "sha256": inspection.sha256,
            "content_type": inspection.content_type,
        },
    )
    if created or not upload.file or not upload.file.storage.exists(upload.file.name):
        upload.file.save("upload", ContentFile(DEMO_CSV), save=True)
    return []
