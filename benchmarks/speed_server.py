"""`speed.py --server`: the hot calls through gunicorn (2 sync workers, as deployed:
gunicorn.conf.py) and wrk, endpoint and twins interleaved.

The cases (`--cases`, by default the request list and detail): `list`, `detail`, and the
writes `create`, `patch`, `outreach-post` and `dispatch`, each with the bodies the in-process
run sends. A write's body and headers are set by a wrk script; the outreach POST's script
gives every request a comment of its own (a prefix per block, then a counter), so that each
call creates a change request, as in process.

Each round runs one wrk block (`--seconds`, 1 thread, 2 connections: one per worker) per
(case, variant), in an order shuffled per round (with `grouped`, each case's variants back
to back). Per block: requests per second and the workers' CPU time per request (both
workers', from the scheduler's count in /proc; PostgreSQL's own work excluded).
Ratios are per round, the twin's cost over the endpoint's, then the median over rounds:
wall = endpoint's requests/s / twin's, cpu = twin's CPU per request / endpoint's.
A block with any 4xx or 5xx answer fails the run (wrk counts them as "Non-2xx or 3xx").
"""

import contextlib
import http.client
import itertools
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from benchmarks.request_log import Logged, RequestLog
from benchmarks.speed_instructions import WARM_CALLS, require_valgrind

ROOT = Path(__file__).resolve().parent.parent
API = "/organizations/connections/"
READS = ("list", "detail")
NUMBER_MARK = "@number@"


@dataclass(frozen=True)
class Target:
    """One (case, variant) as wrk sends it: a GET of `path`, or a write with `body` (JSON).
    In a numbered body, NUMBER_MARK is replaced by a number of the request's own."""

    path: str
    authorization: str
    method: str = "GET"
    body: str | None = None
    numbered: bool = False

    def script(self) -> str | None:
        """The wrk (Lua) script that sends this write, or None for a GET."""
        if self.body is None:
            return None
        assert "]==]" not in self.body
        if not self.numbered:
            return (
                f'wrk.method = "{self.method}"\n'
                f"wrk.body = [==[{self.body}]==]\n"
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
        head, tail = self.body.split(NUMBER_MARK)
        return (
            f"local head, tail = [==[{head}]==], [==[{tail}]==]\n"
            f'local prefix = "{uuid.uuid4().hex[:12]}-"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            "local counter = 0\n"
            "request = function()\n"
            "  counter = counter + 1\n"
            f'  return wrk.format("{self.method}", nil, nil, '
            "head .. prefix .. counter .. tail)\n"
            "end\n"
        )


def server_cases(
    *,
    authorization: str,
    basic: str,
    request_uuid: str,
    patched_uuid: str,
    create_body: str,
    patch_body: str,
    outreach_body: str,
    outreach_site: int,
    outreach_api: str,
) -> dict[str, dict[str, Target]]:
    """Every case the server mode can run, its variants' targets."""

    def reads(path: str, twin: str) -> dict[str, Target]:
        return {
            "endpoint": Target(path, authorization),
            **{
                variant: Target(f"/bench/{variant}/{twin}", authorization)
                for variant in ("plain", "limit", "wsgi", "ninja")
            },
        }

    def writes(paths: dict[str, str], method: str, body: str) -> dict[str, Target]:
        return {
            variant: Target(path, authorization, method, body) for variant, path in paths.items()
        }

    outreach = {
        "endpoint": f"{outreach_api}/connections",
        "plain": f"/bench/plain/outreach/{outreach_site}/connections",
        "limit": f"/bench/limit/outreach/{outreach_site}/connections",
    }
    return {
        "list": reads(f"{API}request/", "requests/"),
        "detail": reads(f"{API}request/{request_uuid}/", f"requests/{request_uuid}/"),
        "create": writes(
            {
                "endpoint": f"{API}request/",
                "plain": "/bench/plain/requests/create/",
                "limit": "/bench/limit/requests/create/",
            },
            "POST",
            create_body,
        ),
        "patch": writes(
            {
                "endpoint": f"{API}request/{patched_uuid}/",
                "plain": f"/bench/plain/requests/{patched_uuid}/",
                "limit": f"/bench/limit/requests/{patched_uuid}/",
            },
            "PATCH",
            patch_body,
        ),
        "outreach-post": {
            variant: Target(path, basic, "POST", outreach_body, numbered=True)
            for variant, path in outreach.items()
        },
        "dispatch": writes(
            {"endpoint": "/bench/dispatch/drf/", "plain": "/bench/dispatch/plain/"},
            "POST",
            create_body,
        ),
    }


def round_order(
    cases: dict, blocks: list[tuple[str, str]], shuffler: random.Random, *, grouped: bool
) -> list[tuple[str, str]]:
    """One round's (case, variant) blocks in a shuffled order; `grouped`: the cases in a
    shuffled order, each case's variants back to back (also shuffled), so that the blocks a
    ratio pairs run within seconds of each other."""
    if not grouped:
        shuffler.shuffle(blocks)
        return blocks
    names = list(cases)
    shuffler.shuffle(names)
    ordered = []
    for name in names:
        variants = list(cases[name])
        shuffler.shuffle(variants)
        ordered += [(name, variant) for variant in variants]
    return ordered


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@dataclass(frozen=True)
class CPUReading:
    """The workers' CPU time so far, user and system alike, read two ways: each thread's
    nanosecond count from the scheduler (`/proc/<pid>/task/<tid>/schedstat`), and the
    processes' whole clock ticks (`/proc/<pid>/stat`, ended threads included), with the
    threads there were."""

    threads: frozenset[tuple[int, int]]
    nanoseconds: int
    ticks: int

    @classmethod
    def of(cls, pids: list[int]) -> "CPUReading":
        threads, nanoseconds, ticks = set(), 0, 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    nanoseconds += int((task / "schedstat").read_text().split()[0])
                except FileNotFoundError:  # ended meanwhile: the two readings differ
                    continue
                threads.add((pid, int(task.name)))
        return cls(frozenset(threads), nanoseconds, ticks)

    def seconds_since(self, before: "CPUReading") -> float:
        """The CPU time between two readings: to the nanosecond when the same threads ran
        throughout (a gunicorn sync worker has one); else in clock ticks, which round a
        2-second block's CPU by 1-2% but count a thread that ended. A thread that started and
        ended between the readings shows as ticks beyond the threads' own count, by more than
        the four ticks each process's two readings may round by (utime and stime each)."""
        precise = (self.nanoseconds - before.nanoseconds) / 1e9
        tick = 1 / os.sysconf("SC_CLK_TCK")
        coarse = (self.ticks - before.ticks) * tick
        processes = len({pid for pid, _ in self.threads | before.threads})
        if self.threads == before.threads and coarse - precise <= 4 * tick * processes:
            return precise
        return coarse


def require_wrk() -> None:
    """Exits naming the package unless wrk is installed."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install -y wrk)")


def _run_wrk(url: str, seconds: int, script: str | None, headers: tuple[str, ...] = ()) -> str:
    """What one wrk run (1 thread, 2 connections) of `url` prints, with `script` (Lua) and
    `headers` ("Name: value"); fails on any 4xx or 5xx answer."""
    command = ["wrk", "-t1", "-c2", f"-d{int(seconds)}s"]
    for header in headers:
        command += ["-H", header]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        if script is not None:
            file.write(script)
            file.flush()
            command += ["-s", file.name]
        result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    assert "Non-2xx" not in result.stdout, result.stdout
    return result.stdout


def _wrk(base: str, target: Target, seconds: int) -> tuple[float, int]:
    """(requests per second, requests) of one wrk run of `target`; fails on any 4xx or 5xx
    answer."""
    printed = _run_wrk(
        base + target.path,
        seconds,
        target.script(),
        headers=(f"Authorization: {target.authorization}",),
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", printed).group(1))
    done = int(re.search(r"(\d+) requests in", printed).group(1))
    return rate, done


@contextlib.contextmanager
def gunicorn(
    ready: Target,
    *,
    workers: int = 2,
    wrapper: tuple[str, ...] = (),
    boot_seconds: int = 60,
    environment: dict[str, str] | None = None,
):
    """gunicorn serving the benchmark's application (gunicorn.conf.py, as deployed) on a free
    port, `workers` sync workers, started under `wrapper` (e.g. valgrind); yields (the base
    URL, the master's pid) once `ready` (a GET) is answered."""
    port = free_port()
    env = {
        **os.environ,
        **(environment or {}),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_MAX_REQUESTS": "0",  # no worker recycled mid-run
        "GUNICORN_TIMEOUT": str(max(30, boot_seconds)),  # a worker under valgrind is slow
        "ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLE_USER": "100000/s",  # the counter still runs, never refuses
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            *wrapper,
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
    try:
        deadline = time.monotonic() + boot_seconds
        while True:
            try:
                probe = urllib.request.Request(base + ready.path)
                probe.add_header("Authorization", ready.authorization)
                urllib.request.urlopen(probe, timeout=boot_seconds).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.5)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _checked_cases(cases: dict, names: list[str]) -> dict[str, dict[str, Target]]:
    unknown = sorted(set(names) - set(cases))
    if unknown:
        sys.exit(f"--server: no such case {', '.join(unknown)}; it runs {', '.join(cases)}")
    return {name: cases[name] for name in names}


def per_round(numerators: list[float], denominators: list[float]) -> list[float]:
    """Each round's ratio: `numerators[i] / denominators[i]`."""
    return [above / below for above, below in zip(numerators, denominators, strict=True)]


def ratio_cells(*, walls: list[float], costs: list[float]) -> str:
    """A twin's columns: the medians over rounds of its wall and CPU ratios (its cost / the
    endpoint's), and the CPU ratio's quartiles."""
    cells = f"{statistics.median(walls):12.3f}{statistics.median(costs):7.3f}"
    if len(costs) > 1:
        first, _, third = statistics.quantiles(costs, n=4)
        cells += f"{first:10.3f}-{third:.3f}"
    return cells


def run_server_rounds(
    *,
    cases: dict[str, dict[str, Target]],
    names: list[str],
    rounds: int,
    seconds: int,
    seed: int | None,
    grouped: bool = False,
) -> None:
    require_wrk()
    ready = cases["detail"]["endpoint"]  # a GET: answers once the workers are up
    cases = _checked_cases(cases, names)
    with gunicorn(ready) as (base, master):
        workers = _workers(master)
        blocks = [(name, variant) for name, variants in cases.items() for variant in variants]
        for name, variant in blocks:  # warm every worker on every route
            _wrk(base, cases[name][variant], 1)
        shuffler = random.Random(seed)
        rate: dict[tuple[str, str], list[float]] = {block: [] for block in blocks}
        cpu: dict[tuple[str, str], list[float]] = {block: [] for block in blocks}
        for _ in range(rounds):
            blocks = round_order(cases, blocks, shuffler, grouped=grouped)
            for name, variant in blocks:
                before = CPUReading.of(workers)
                per_second, done = _wrk(base, cases[name][variant], seconds)
                rate[(name, variant)].append(per_second)
                spent = CPUReading.of(workers).seconds_since(before)
                cpu[(name, variant)].append(spent / done * 1000)
    print(
        f"gunicorn (2 sync workers) + wrk (1 thread, 2 connections), {rounds} rounds x "
        f"{seconds:g} s per block, shuffled{' (grouped)' if grouped else ''}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
        "requests/s and workers' CPU ms per request, medians over rounds; ratios: median over "
        "rounds of the twin's cost / the endpoint's in the same round (> 1: the twin is slower)"
    )
    print(
        f"  {'case':<15}{'variant':<10}{'req/s':>8}{'cpu ms':>8}{'ratio wall':>12}{'cpu':>7}"
        f"{'cpu quartiles':>18}"
    )
    for name, variants in cases.items():
        for variant in variants:
            ratios = ""
            if variant != "endpoint":
                ratios = ratio_cells(
                    walls=per_round(rate[(name, "endpoint")], rate[(name, variant)]),
                    costs=per_round(cpu[(name, variant)], cpu[(name, "endpoint")]),
                )
            print(
                f"  {name:<15}{variant:<10}{statistics.median(rate[(name, variant)]):8.0f}"
                f"{statistics.median(cpu[(name, variant)]):8.2f}{ratios}"
            )


def interleaved_script(targets: dict[str, Target], seed: int) -> str:
    """A wrk (Lua) script that sends `targets`' requests in turns: each turn every variant's
    request once, in an order shuffled for the turn (Lua's generator, seeded); a numbered
    body gets a number of the request's own, as the variant's own script gives it."""
    entries = []
    for target in targets.values():
        head, tail = (target.body or "").split(NUMBER_MARK) if target.numbered else ("", "")
        for text in (target.body or "", head, tail):
            assert "]==]" not in text
        headers = f'["Authorization"] = [==[{target.authorization}]==]'
        if target.body is not None:
            headers += ', ["Content-Type"] = "application/json"'
        body = "nil" if target.body is None else f"[==[{target.body}]==]"
        entries.append(
            f'  {{method = "{target.method}", path = [==[{target.path}]==], '
            f"headers = {{{headers}}}, body = {body}, numbered = "
            f"{'true' if target.numbered else 'false'}, head = [==[{head}]==], "
            f"tail = [==[{tail}]==]}},"
        )
    return (
        "local variants = {\n" + "\n".join(entries) + "\n}\n"
        f"math.randomseed({int(seed)})\n"
        f'local prefix = "{uuid.uuid4().hex[:12]}-"\n'
        "local order, at, counter = {}, 0, 0\n"
        "for i = 1, #variants do order[i] = i end\n"
        "request = function()\n"
        "  if at == 0 then\n"
        "    for i = #order, 2, -1 do\n"
        "      local j = math.random(i)\n"
        "      order[i], order[j] = order[j], order[i]\n"
        "    end\n"
        "  end\n"
        "  at = at + 1\n"
        "  local v = variants[order[at]]\n"
        "  if at == #order then at = 0 end\n"
        "  local body = v.body\n"
        "  if v.numbered then\n"
        "    counter = counter + 1\n"
        "    body = v.head .. prefix .. counter .. v.tail\n"
        "  end\n"
        "  return wrk.format(v.method, v.path, v.headers, body)\n"
        "end\n"
    )


@dataclass(frozen=True)
class BlockCost:
    """A variant's requests in one block, and their mean costs in ms (request_log.Logged)."""

    requests: int
    cpu: float
    worker_cpu: float
    wall: float


def per_variant(targets: dict[str, Target], lines: list[Logged]) -> dict[str, BlockCost]:
    """Each variant's requests and mean costs in a block's lines; a 4xx or 5xx answer fails
    the run."""
    by_route = {(target.method, target.path): variant for variant, target in targets.items()}
    kept: dict[str, list[Logged]] = {variant: [] for variant in targets}
    for line in lines:
        assert line.status < 400, line
        kept[by_route[(line.method, line.path)]].append(line)
    return {
        variant: BlockCost(
            requests=len(mine),
            cpu=statistics.fmean(line.cpu for line in mine) / 1e6,
            worker_cpu=statistics.fmean(line.worker_cpu for line in mine) / 1e6,
            wall=statistics.fmean(line.wall for line in mine) / 1e6,
        )
        for variant, mine in kept.items()
        if mine
    }


def run_server_interleaved(
    *,
    cases: dict[str, dict[str, Target]],
    names: list[str],
    rounds: int,
    seconds: int,
    seed: int | None,
) -> None:
    """Each round, per case (in a shuffled order), one wrk block whose requests take the
    case's variants in turns (`interleaved_script`); each request's costs are read inside the
    worker (benchmarks/request_log.py). A change in the machine's speed during a block reaches
    every variant alike, where blocks of one variant each see their own."""
    require_wrk()
    ready = cases["detail"]["endpoint"]
    cases = _checked_cases(cases, names)
    shuffler = random.Random(seed)
    measured: dict[tuple[str, str], list[BlockCost]] = {
        (name, variant): [] for name, variants in cases.items() for variant in variants
    }
    with (
        tempfile.TemporaryDirectory() as logs,
        gunicorn(ready, environment={"SPEED_REQUEST_LOG": logs}) as (base, _),
    ):
        log = RequestLog(logs)
        log.settled()  # the readiness probe's

        def block(name: str, length: int) -> dict[str, BlockCost]:
            targets = cases[name]
            _run_wrk(base + "/", length, interleaved_script(targets, shuffler.randrange(1, 2**31)))
            return per_variant(targets, log.settled())

        for name in cases:  # every worker warmed on every route
            block(name, 1)
        for _ in range(rounds):
            names_now = list(cases)
            shuffler.shuffle(names_now)
            for name in names_now:
                costs = block(name, seconds)
                for variant in cases[name]:
                    measured[(name, variant)].append(costs[variant])
    print(
        f"gunicorn (2 sync workers) + wrk (1 thread, 2 connections), {rounds} rounds x "
        f"{seconds:g} s per case, each case's variants interleaved request by request "
        f"(shuffled each turn); load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
        "per request, medians over rounds: the worker's CPU ms (all it spent on the request: "
        "the connection, parsing, the application, the answer), the application's CPU ms (its "
        "call to the answer written) and its wall ms; ratios: median over rounds of the "
        "twin's cost / the endpoint's in the same round (> 1: the twin is slower): wall and "
        "worker CPU (its quartiles), then application CPU"
    )
    print(
        f"  {'case':<15}{'variant':<10}{'requests':>9}{'cpu ms':>8}{'app ms':>8}{'wall ms':>9}"
        f"{'ratio wall':>12}{'cpu':>7}{'cpu quartiles':>18}{'app cpu':>9}"
    )
    for name, variants in cases.items():
        endpoint = measured[(name, "endpoint")]
        for variant in variants:
            mine = measured[(name, variant)]
            ratios = ""
            if variant != "endpoint":
                ratios = ratio_cells(
                    walls=per_round([one.wall for one in mine], [one.wall for one in endpoint]),
                    costs=per_round(
                        [one.worker_cpu for one in mine], [one.worker_cpu for one in endpoint]
                    ),
                )
                application = per_round([one.cpu for one in mine], [one.cpu for one in endpoint])
                ratios += f"{statistics.median(application):9.3f}"
            print(
                f"  {name:<15}{variant:<10}{sum(one.requests for one in mine):9d}"
                f"{statistics.median(one.worker_cpu for one in mine):8.2f}"
                f"{statistics.median(one.cpu for one in mine):8.2f}"
                f"{statistics.median(one.wall for one in mine):9.2f}{ratios}"
            )


def _send(connection: http.client.HTTPConnection, target: Target, number: str) -> None:
    """One request of `target`, as its wrk script sends it (a numbered body gets `number`),
    the answer read; a 4xx or 5xx answer fails the run."""
    headers = {"Authorization": target.authorization}
    body = None
    if target.body is not None:
        text = target.body.replace(NUMBER_MARK, number) if target.numbered else target.body
        body = text.encode()
        headers["Content-Type"] = "application/json"
    connection.request(target.method, target.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    assert response.status < 400, (target.method, target.path, response.status)


def run_server_instructions(
    *, cases: dict[str, dict[str, Target]], names: list[str], calls: int, passes: int = 3
) -> None:
    """Each variant's CPU instructions per request inside a gunicorn worker (gunicorn's own
    HTTP parsing and response writing included), counted by valgrind's callgrind: one sync
    worker started under it, every route warmed, then per variant and pass, the counters
    zeroed, `calls` requests sent one after another on one connection with instrumentation
    on, and the count dumped. The same work as the timed server mode, without the noise of
    the machine's speed; like `--instructions`, it counts work, not time."""
    require_valgrind("--server --instructions")
    ready = cases["detail"]["endpoint"]
    cases = _checked_cases(cases, names)
    blocks = [(name, variant) for name, variants in cases.items() for variant in variants]
    counts: dict[tuple[str, str], list[float]] = {block: [] for block in blocks}
    numbers = (f"{uuid.uuid4().hex[:12]}-{index}" for index in itertools.count())
    with tempfile.TemporaryDirectory() as scratch:
        wrapper = (
            "valgrind",
            "--tool=callgrind",
            "--cache-sim=no",
            "--instr-atstart=no",
            "--trace-children=yes",
            f"--callgrind-out-file={scratch}/callgrind.%p",
        )
        with gunicorn(
            ready,
            workers=1,
            wrapper=wrapper,
            boot_seconds=600,
            environment={"PYTHONHASHSEED": "0"},
        ) as (base, master):
            (worker,) = _workers(master)
            host, port = base.removeprefix("http://").split(":")
            connection = http.client.HTTPConnection(host, int(port), timeout=600)

            def control(option: str) -> None:
                subprocess.run(
                    ["callgrind_control", option, str(worker)],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )

            for name, variant in blocks:  # every route warmed, its compiled queries made
                for _ in range(WARM_CALLS):
                    _send(connection, cases[name][variant], next(numbers))
            for _ in range(passes):
                for name, variant in blocks:
                    control("--zero")
                    control("--instr=on")
                    for _ in range(calls):
                        _send(connection, cases[name][variant], next(numbers))
                    control("--dump")
                    control("--instr=off")
                    dumps = Path(scratch).glob(f"callgrind.{worker}.*")
                    newest = max(dumps, key=lambda dump: int(dump.suffix[1:]))
                    totals = re.search(r"^totals:\s*(\d+)", newest.read_text(), re.MULTILINE)
                    counts[(name, variant)].append(int(totals.group(1)) / calls)
            connection.close()
    print(
        f"CPU instructions per request inside one gunicorn sync worker (callgrind; {calls} "
        f"requests per count, {passes} passes, after {WARM_CALLS} per route); ratio = the "
        "twin's count / the endpoint's (> 1: the twin runs more)"
    )
    print(f"  {'case':<15}{'variant':<10}{'instructions':>14}{'ratio':>8}   passes")
    for name, variants in cases.items():
        endpoint = statistics.mean(counts[(name, "endpoint")])
        for variant in variants:
            count = statistics.mean(counts[(name, variant)])
            ratio = "" if variant == "endpoint" else f"{count / endpoint:8.3f}"
            each = ", ".join(f"{value:,.0f}" for value in counts[(name, variant)])
            print(f"  {name:<15}{variant:<10}{count:14,.0f}{ratio:>8}   {each}")
