"""Peak memory (VmHWM) growth of a gunicorn worker while it takes one 25 MB upload.

    .venv/bin/python benchmarks/uploads_rss.py [--port 8012] [--megabytes 25]   # ~30 s
    .venv/bin/python benchmarks/uploads_rss.py --storage s3   # the same into S3 (moto_server)

The JSON check is yajl's (ijson's C backend); its time alone is printed under the JSON row.

Runs the real server as `make run` does (gunicorn, sync worker) on a scratch SQLite database
and media directory, warms it up with a small upload, then streams one large file per type
(CSV, JSON, XML, ZIP: each takes another inspection path) from disk with http.client and
reads the worker's /proc/<pid>/status before and after. A worker that held the file in
memory would grow by at least the file's size; the streamed path should grow by a few MB.

With --storage s3 the bytes go to an S3 bucket on moto's standalone server (started here, on a
free port, as tests/ops does): boto3 sends a large file as a multipart upload whose parts
(AWS_S3_MULTIPART_CHUNKSIZE) are read into memory, up to AWS_S3_MAX_CONCURRENCY at a time.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BLOCK = 1024 * 1024


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def worker_pid(master_pid: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def write_file(path: Path, kind: str, size: int) -> None:
    """A valid file of about `size` bytes of this kind, written in blocks."""
    row = b"ACME-000123,Rocket powered roller skates,12,19.99\n"
    if kind == "csv":
        with path.open("wb") as out:
            out.write(b"sku,description,quantity,price\n")
            out.write(row * ((size - 32) // len(row)))
    elif kind == "json":
        item = b'{"sku": "ACME-000123", "description": "Rocket skates", "qty": 12},\n'
        with path.open("wb") as out:
            out.write(b'{"items": [\n')
            out.write(item * ((size - 64) // len(item)))
            out.write(b'{"sku": "last"}]}\n')
    elif kind == "xml":
        item = b'<item sku="ACME-000123"><description>Rocket skates</description></item>\n'
        with path.open("wb") as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<items>\n')
            out.write(item * ((size - 64) // len(item)))
            out.write(b"</items>\n")
    else:  # zip of incompressible bytes, stored
        archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED)
        with archive, archive.open("feed.bin", "w") as member:
            for _ in range(size // BLOCK - 1):
                member.write(os.urandom(BLOCK))


JSON_CHECK = """
import sys, time, resource
from uploads.inspection import CHUNK_SIZE, TextCheck
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
check = TextCheck("json")
with open(sys.argv[1], "rb") as source:
    while chunk := source.read(CHUNK_SIZE):
        check.feed(chunk)
problem = check.finish()
elapsed = time.perf_counter() - started
growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(f"{elapsed:.2f} s, peak RSS growth {growth:.1f} MB, problem: {problem or 'none'}")
"""


def time_json_check(path: Path) -> str:
    """The JSON check alone (UTF-8 decode + yajl via ijson's C backend), in a fresh process."""
    done = subprocess.run(
        [PYTHON, "-c", JSON_CHECK, str(path)], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def stream_upload(port: int, token: str, path: Path) -> tuple[int, str]:
    """POST a multipart body whose file part is read from disk block by block."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", "/organizations/files/upload/")
    connection.putheader("Authorization", f"Token {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    connection.send(head)
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            connection.send(block)
    connection.send(tail)
    response = connection.getresponse()
    return response.status, response.read().decode()


def start_s3() -> tuple[subprocess.Popen, dict[str, str]]:
    """moto's S3 server on a free port with an empty bucket: (its process, the app's env)."""
    import socket

    import boto3

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    moto = subprocess.Popen(
        [str(Path(PYTHON).parent / "moto_server"), "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    env = {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "uploads-rss",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "benchmark",
        "AWS_SECRET_ACCESS_KEY": "benchmark",
    }
    client = boto3.client(
        "s3", endpoint_url=env["AWS_S3_ENDPOINT_URL"], region_name="us-east-1",
        aws_access_key_id="benchmark", aws_secret_access_key="benchmark",
    )  # fmt: skip
    for _ in range(100):
        try:
            client.create_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"])
            return moto, env
        except Exception:  # not listening yet
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8012)
    parser.add_argument("--megabytes", type=int, default=25)
    parser.add_argument("--storage", choices=("local", "s3"), default="local")
    args = parser.parse_args()
    size = args.megabytes * BLOCK

    with tempfile.TemporaryDirectory(prefix="uploads-rss-") as scratch:
        scratch = Path(scratch)
        (scratch / "tmp").mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(scratch / "tmp"),
            "UPLOAD_MAX_BYTES": str(size),
            "THROTTLE_UPLOADS": "1000/hour",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-key"),
        }
        moto = None
        if args.storage == "s3":
            moto, s3_env = start_s3()
            env.update(s3_env)
        manage = [PYTHON, str(ROOT / "manage.py")]
        for command in (["migrate", "-v0"], ["createcachetable"], ["seed_demo"]):
            subprocess.run(manage + command, env=env, cwd=ROOT, check=True, capture_output=True)
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "connect_api.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{args.port}", "--timeout", "300"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            worker = worker_pid(server.pid)
            for _ in range(50):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz").read()
                    break
                except OSError:
                    time.sleep(0.2)
            request = urllib.request.Request(
                f"http://127.0.0.1:{args.port}/api/token/",
                data=json.dumps(
                    {"username": "retailer", "password": "retailer-demo-pass"}
                ).encode(),
                headers={"Content-Type": "application/json"},
            )
            token = json.load(urllib.request.urlopen(request))["token"]
            warm = scratch / "warm.csv"
            warm.write_bytes(b"sku,qty\nA-1,3\n")
            assert stream_upload(args.port, token, warm)[0] == 201

            print(
                f"gunicorn sync worker, {args.storage} storage, one {args.megabytes} MB upload "
                "each (UPLOAD_MAX_BYTES)"
            )
            print(f"{'type':<6}{'status':>8}{'seconds':>9}{'VmHWM before':>15}{'after':>10}"
                  f"{'growth':>10}")  # fmt: skip
            for kind in ("csv", "json", "xml", "zip"):
                path = scratch / f"big.{kind}"
                write_file(path, kind, size)
                before = status_kb(worker, "VmHWM")
                started = time.perf_counter()
                status, body = stream_upload(args.port, token, path)
                elapsed = time.perf_counter() - started
                after = status_kb(worker, "VmHWM")
                print(f"{kind:<6}{status:>8}{elapsed:>9.2f}{before / 1024:>12.1f} MB"
                      f"{after / 1024:>7.1f} MB{(after - before) / 1024:>7.1f} MB")  # fmt: skip
                if status != 201:
                    print("   ", body)
                if kind == "json":
                    print(f"      the JSON check alone: {time_json_check(path)}")
                path.unlink()
            over = scratch / "over.csv"
            write_file(over, "csv", size + 2 * BLOCK)
            status, _ = stream_upload(args.port, token, over)
            left = [p for p in (scratch / "tmp").rglob("*") if p.is_file()]
            print(f"over the limit: {status}, temporary files left: {len(left)}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            if moto is not None:
                moto.terminate()
                moto.wait(timeout=30)


if __name__ == "__main__":
    main()
