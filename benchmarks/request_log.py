"""Each request's cost inside a gunicorn worker, for `speed.py --server --interleaved`: written
by the worker (`logged`, around the WSGI application; benchmarks/speed_wsgi.py), read by the
runner (`RequestLog`).

A line per request, in a file of the worker's own (`<pid>.log`): method, path, status, and
three costs in nanoseconds:
- the application's CPU: this thread's, from the application's call to the answer's `close()`,
  which gunicorn calls once it has written the body;
- the worker's CPU: the same thread's from the end of the previous request (its line
  written) to the same `close()`. A sync worker serves one request at a time, so that is
  everything the worker spent on this request: accepting the connection, reading and parsing
  the request, the application, writing the answer. It is what the block mode's whole-worker
  CPU counts, per request. A worker's first request has no previous one: its worker CPU is
  its application's;
- the wall clock's, over the application's span.
Each line is written after its readings, so its writing is in none of them."""

import os
import time
from pathlib import Path
from typing import NamedTuple

from connect_api.request_body import ClosingResponse


class Logged(NamedTuple):
    method: str
    path: str
    status: int
    cpu: int
    worker_cpu: int
    wall: int


def logged(app, directory: str):
    """`app`, each request's cost written as the module's docstring says."""
    files = {}
    ended = {}  # pid: this thread's CPU when its previous request's line was written

    def logged_application(environ, start_response):
        cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
        pid = os.getpid()
        since = ended.get(pid, cpu)
        status = []

        def start(line, headers, exc_info=None):
            status.append(line[:3])
            return start_response(line, headers, exc_info)

        def line():
            now, took = time.thread_time_ns(), time.perf_counter_ns() - wall
            file = files.get(pid)
            if file is None:
                file = files[pid] = open(  # noqa: SIM115 - kept open for the worker's life
                    os.path.join(directory, f"{pid}.log"), "a", buffering=1
                )
            method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
            code = status[0] if status else "-"
            file.write(f"{method} {path} {code} {now - cpu} {now - since} {took}\n")
            ended[pid] = time.thread_time_ns()

        return ClosingResponse(app(environ, start), line)  # the line once it is closed

    return logged_application


class RequestLog:
    """The workers' lines (written by `logged`) in one directory, read on from where the last
    reading stopped."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self._read: dict[Path, int] = {}

    def settled(self) -> list[Logged]:
        """`new_lines()` once the requests in flight are answered: a client that stops (wrk
        at the end of its run) may leave one per worker, whose line comes after its answer
        is written, as may a client that has read its answer (the line follows the write)."""
        time.sleep(0.25)
        return self.new_lines()

    def new_lines(self) -> list[Logged]:
        """Every request logged since the last call (call it with no request in flight)."""
        lines = []
        for file in sorted(self.directory.glob("*.log")):
            with file.open("rb") as opened:
                opened.seek(self._read.get(file, 0))
                text = opened.read()
            complete = text.rpartition(b"\n")[0]
            if complete:
                self._read[file] = self._read.get(file, 0) + len(complete) + 1
            for line in complete.decode().splitlines():
                method, path, status, *costs = line.split(" ")
                lines.append(Logged(method, path, int(status), *map(int, costs)))
        return lines
