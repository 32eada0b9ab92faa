"""`speed.py --server`: the request list and detail through gunicorn (2 sync workers, as
deployed: gunicorn.conf.py) and wrk, endpoint and twins interleaved.

Each round runs one wrk block (`--seconds`, 1 thread, 2 connections: one per worker) per
(case, variant), in an order shuffled per round. Per block: requests per second and the
workers' CPU time per request (utime + stime of both workers from /proc, PostgreSQL's own work
excluded). Ratios are per round, the twin's cost over the endpoint's, then the median over
rounds: wall = endpoint's requests/s / twin's, cpu = twin's CPU per request / endpoint's.
"""

import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = "/organizations/connections/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wrk(url: str, authorization: str, seconds: int) -> tuple[float, int]:
    """(requests per second, requests) of one wrk run; fails on any non-2xx answer."""
    result = subprocess.run(
        ["wrk", "-t1", "-c2", f"-d{int(seconds)}s", "-H", f"Authorization: {authorization}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Non-2xx" not in result.stdout, result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    done = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    return rate, done


def run_server_rounds(
    *, authorization: str, request_uuid: str, rounds: int, seconds: int, seed: int | None
) -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install -y wrk)")
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "0",  # no worker recycled mid-run
        "ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLE_USER": "100000/s",  # the counter still runs, never refuses
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "benchmarks.speed_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    cases = {
        "list": {
            "endpoint": f"{API}request/",
            "plain": "/bench/plain/requests/",
            "limit": "/bench/limit/requests/",
            "wsgi": "/bench/wsgi/requests/",
            "ninja": "/bench/ninja/requests/",
        },
        "detail": {
            "endpoint": f"{API}request/{request_uuid}/",
            "plain": f"/bench/plain/requests/{request_uuid}/",
            "limit": f"/bench/limit/requests/{request_uuid}/",
            "wsgi": f"/bench/wsgi/requests/{request_uuid}/",
            "ninja": f"/bench/ninja/requests/{request_uuid}/",
        },
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = urllib.request.Request(base + cases["detail"]["endpoint"])
                probe.add_header("Authorization", authorization)
                urllib.request.urlopen(probe, timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.5)
        workers = _workers(server.pid)
        blocks = [(name, variant) for name, variants in cases.items() for variant in variants]
        for name, variant in blocks:  # warm every worker on every route
            _wrk(base + cases[name][variant], authorization, 1)
        shuffler = random.Random(seed)
        rate: dict[tuple[str, str], list[float]] = {block: [] for block in blocks}
        cpu: dict[tuple[str, str], list[float]] = {block: [] for block in blocks}
        for _ in range(rounds):
            shuffler.shuffle(blocks)
            for name, variant in blocks:
                before = _cpu_seconds(workers)
                per_second, done = _wrk(base + cases[name][variant], authorization, seconds)
                rate[(name, variant)].append(per_second)
                cpu[(name, variant)].append((_cpu_seconds(workers) - before) / done * 1000)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"gunicorn (2 sync workers) + wrk (1 thread, 2 connections), {rounds} rounds x "
        f"{seconds:g} s per block, shuffled; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
        "requests/s and workers' CPU ms per request, medians over rounds; ratios: median over "
        "rounds of the twin's cost / the endpoint's in the same round (> 1: the twin is slower)"
    )
    print(f"  {'case':<9}{'variant':<10}{'req/s':>8}{'cpu ms':>8}{'ratio wall':>12}{'cpu':>6}")
    for name, variants in cases.items():
        for variant in variants:
            ratios = ""
            if variant != "endpoint":
                wall = statistics.median(
                    endpoint / twin
                    for endpoint, twin in zip(
                        rate[(name, "endpoint")], rate[(name, variant)], strict=True
                    )
                )
                cost = statistics.median(
                    twin / endpoint
                    for endpoint, twin in zip(
                        cpu[(name, "endpoint")], cpu[(name, variant)], strict=True
                    )
                )
                ratios = f"{wall:12.2f}{cost:6.2f}"
            print(
                f"  {name:<9}{variant:<10}{statistics.median(rate[(name, variant)]):8.0f}"
                f"{statistics.median(cpu[(name, variant)]):8.2f}{ratios}"
            )
