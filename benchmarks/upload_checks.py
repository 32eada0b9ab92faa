"""Spec checks: rows checked per second, and the web request that attaches a file.

    .venv/bin/python benchmarks/upload_checks.py [--megabytes 25]   # ~3 min at 25 MB

1. Writes a CSV and an XLSX (xlsxwriter, constant memory) of about `--megabytes` each in the
   inventory spec's shape and times `uploads.checks.check_file` on each (the job's work).
2. Through HTTP (Django's test client on a scratch SQLite database and media directory, the
   job queue in memory and not run): times uploading the CSV, then creating a connection
   request that attaches it, once with an `items` integration (a check is queued) and once with
   `other` only (nothing to check). The two creates should take the same time: the check is
   queued, never run, on the request path.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_csv(path: Path, megabytes: int) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("item_id,sku_id,quantity_in_stock,quantity_on_backorder,backorder_date\r\n")
        while out.tell() < megabytes * 1024 * 1024:
            rows += 1
            out.write(f"ITEM-{rows // 4:08d},SKU-{rows:09d},{rows % 500},{rows % 7},2030-12-25\r\n")
    return rows


XLSX_HEADER = [
    "item_id",
    "sku_id",
    "quantity_in_stock",
    "quantity_on_backorder",
    "backorder_date",
    *(f"note_{n}" for n in range(1, 8)),  # unchecked text: a sheet holds 1,048,576 rows only
]


def _xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("inventory")
    sheet.write_row(0, 0, XLSX_HEADER)
    for n in range(1, rows + 1):
        notes = [f"note {n:09d}-{column} {n * 7919 % 1000003:07d}" for column in range(7)]
        sheet.write_row(n, 0, [f"ITEM-{n // 4:08d}", f"SKU-{n:09d}", n % 500, n % 7, "2030-12-25"])
        sheet.write_row(n, 5, notes)
    book.close()


def write_xlsx(path: Path, megabytes: int) -> int:
    """About `megabytes` of XLSX (zipped XML, so sized from a 20,000-row probe)."""
    _xlsx(path, 20_000)
    rows = min(1_048_575, int(20_000 * megabytes * 1024 * 1024 / path.stat().st_size))
    _xlsx(path, rows)
    return rows


def time_check(path: Path, extension: str) -> tuple[float, int, str]:
    from uploads.checks import check_file

    started = time.perf_counter()
    with path.open("rb") as file:
        result = check_file(file, extension=extension, specs=["product", "inventory"])
    return time.perf_counter() - started, result.rows_checked, result.status


def django_setup(scratch: Path) -> None:
    """Django on a scratch SQLite database and media directory, the job queue in memory."""
    os.environ.update(
        {
            "SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
            "QUEUE_URL": "memory://",
            "UPLOAD_MAX_BYTES": str(200 * 1024 * 1024),
            "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        }
    )
    import django

    django.setup()


def web_times(csv_path: Path, scratch: Path) -> list[str]:
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from huey.contrib.djhuey import HUEY
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from organizations.choices import OrganizationType
    from organizations.models import Organization, OrganizationMembership
    from uploads.models import UploadCheck

    user = get_user_model().objects.create_user("bench", "bench@example.com", "x")
    organization = Organization.objects.create(name="Bench", org_type=OrganizationType.RETAILER)
    OrganizationMembership.objects.create(user=user, organization=organization)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")

    started = time.perf_counter()
    response = client.post(
        "/organizations/files/upload/",
        {"file": SimpleUploadedFile("inventory.csv", csv_path.read_bytes())},
        format="multipart",
    )
    upload_seconds = time.perf_counter() - started
    assert response.status_code == 201, response.content
    file_uuid = response.json()["uuid"]
    lines = [
        f"web: upload of the {csv_path.stat().st_size / 1e6:.1f} MB CSV {upload_seconds:.2f} s"
    ]
    for kind in ("other", "items", "other", "items"):
        body = {
            "organization_name": "Counterpart",
            "primary_contact_name": "Contact",
            "integrations": [{"type": kind}],
            "uploaded_files": [file_uuid],
        }
        queued = len(HUEY)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post("/organizations/connections/request/", body, format="json")
            seconds = time.perf_counter() - started
        assert response.status_code == 201, response.content
        lines.append(
            f"web: create request attaching it, {kind:5} integration: {seconds * 1000:.1f} ms, "
            f"{len(queries)} queries, {len(HUEY) - queued} job(s) queued"
        )
    assert UploadCheck.objects.count() == 1  # the second items request reuses the check
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="upload-checks-") as scratch:
        scratch = Path(scratch)
        django_setup(scratch)
        csv_path, xlsx_path = scratch / "inventory.csv", scratch / "inventory.xlsx"
        csv_rows = write_csv(csv_path, args.megabytes)
        xlsx_rows = write_xlsx(xlsx_path, args.megabytes)
        for path, extension, rows in ((csv_path, "csv", csv_rows), (xlsx_path, "xlsx", xlsx_rows)):
            seconds, checked, status = time_check(path, extension)
            assert checked == rows, (checked, rows)
            print(
                f"{extension.upper()} {path.stat().st_size / 1e6:.1f} MB, {checked} rows: "
                f"{seconds:.1f} s, {checked / seconds:,.0f} rows/s ({status})"
            )
        for line in web_times(csv_path, scratch):
            print(line)


if __name__ == "__main__":
    main()
