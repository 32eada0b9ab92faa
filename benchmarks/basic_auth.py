"""What HTTP Basic costs per request, with the production password hasher (PBKDF2).

    DATABASE_URL=sqlite:////tmp/bench_basic.sqlite3 .venv/bin/python benchmarks/basic_auth.py

Prints the first (hash paid) and the following (credential remembered) authentications.
"""

import base64
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect_api.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")  # DEBUG off needs one
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_basic.sqlite3")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from rest_framework.request import Request  # noqa: E402

from connect_api.authentication import CachedBasicAuthentication  # noqa: E402


def basic_request(username: str, password: str) -> Request:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Request(RequestFactory().get("/", HTTP_AUTHORIZATION=f"Basic {encoded}"))


def timed_authentication(username: str, password: str) -> float:
    started = time.perf_counter()
    user, _ = CachedBasicAuthentication().authenticate(basic_request(username, password))
    elapsed = time.perf_counter() - started
    assert user.username == username
    return elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    user_model.objects.filter(username="bench").delete()
    user_model.objects.create_user("bench", password="bench-password-1")

    cold, warm = [], []
    for _ in range(5):
        caches["credentials"].clear()
        cold.append(timed_authentication("bench", "bench-password-1"))
        warm.extend(timed_authentication("bench", "bench-password-1") for _ in range(50))

    print(f"hasher: {django.conf.settings.PASSWORD_HASHERS[0]}")
    print(f"first request (password hash): median {statistics.median(cold) * 1000:.1f} ms")
    print(f"next requests (remembered):    median {statistics.median(warm) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
