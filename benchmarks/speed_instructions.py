"""`speed.py --instructions`: each variant's CPU instructions per call, counted by valgrind's
callgrind, beside the endpoint's.

The timed ratios move with the machine: on this one a run of 41 rounds pins a ratio's median to
about ±0.03, and a difference of a few percent (what a write pays DRF beside its plain twin)
stays inside that. An instruction count does not move: the same calls run the same instructions,
whoever else uses the machine, so two counts of the same variant agree within about 0.2%
(every child has the same hash seed), and a change of one function shows as a change of its
count.

What it counts: the instructions this process runs for `calls` calls of one variant (Python,
Django, the database driver; not the database server's, nor the kernel's), after 20 calls that
fill its caches and `warm_and_freeze()`, as the timed run. Each variant runs in its own process
under callgrind, on the data speed.py prepared once (the state file names its token, its
requests and the outreach caller), with instrumentation switched on only around the counted
calls (`callgrind_control -i on|off`: no cache simulation, so a call is about 50 times slower).

What it does not say: the time. Instructions differ in cost (a cache miss costs hundreds), so
an instruction ratio is no time ratio; beside the timed run it says how much of a difference is
work done, and it weighs a change to the code without the machine's noise.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.speed_ablation import PARTS

WARM_CALLS = 20
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def counted(calls: int, call) -> None:
    """In the child: `calls` calls of `call` with callgrind's instrumentation on."""
    toggle = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(toggle, check=True, stdout=subprocess.DEVNULL)
    for _ in range(calls):
        call()
    toggle[1] = "--instr=off"
    subprocess.run(toggle, check=True, stdout=subprocess.DEVNULL)


def require_valgrind(mode: str) -> None:
    """Exits naming what is missing unless valgrind and callgrind_control are installed."""
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"{mode} needs valgrind ({', '.join(missing)} not found)")


def run_instruction_counts(
    *, cases: dict, state: dict, calls: int, sqlite: bool, without: list[tuple[str, ...]] = ()
) -> None:
    """In the parent: one child per (case, variant), its count per call, each twin's ratio;
    with `without` (benchmarks/speed_ablation.py), each case's endpoint again without each of
    those sets of parts of DRF's work."""
    require_valgrind("--instructions")
    script = str(Path(__file__).resolve().parent / "speed.py")
    per_call: dict[tuple[str, str, tuple[str, ...]], float] = {}  # (case, variant, parts out)
    children = [(name, variant, ()) for name, variants in cases.items() for variant in variants]
    children += [(name, "endpoint", parts) for name in cases for parts in without]
    # One hash seed for every child: dict and set layouts, and so the instructions spent on
    # them, are the same from process to process.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory() as scratch:
        state_file = Path(scratch) / "state.json"
        for index, (name, variant, parts) in enumerate(children):
            # Each child's outreach bodies are its own (a repeated one is the duplicate path).
            state_file.write_text(json.dumps({**state, "posted_from": (index + 1) * 10**7}))
            command = [
                "valgrind",
                "--tool=callgrind",
                "--cache-sim=no",
                "--instr-atstart=no",
                f"--callgrind-out-file={scratch}/callgrind.out",
                sys.executable,
                script,
                "--instructions-child",
                f"{name}:{variant}",
                "--state",
                str(state_file),
                "--calls",
                str(calls),
                *(["--sqlite"] if sqlite else []),
                *(["--without-child", "+".join(parts)] if parts else []),
            ]
            label = f"{name} {variant}" + (f" without {'+'.join(parts)}" if parts else "")
            done = subprocess.run(command, capture_output=True, text=True, env=environment)
            found = COLLECTED.findall(done.stderr)
            if done.returncode != 0 or not found:
                sys.exit(f"{label}: the counted child failed\n{done.stderr[-3000:]}")
            per_call[(name, variant, parts)] = int(found[-1]) / calls
            print(f"  counted {label}", file=sys.stderr)
    print(
        f"CPU instructions per call (callgrind, {calls} calls after {WARM_CALLS}); "
        "ratio = the twin's count / the endpoint's (> 1: the twin runs more)"
    )
    print(f"  {'case':<15}{'variant':<11}{'instructions':>14}{'ratio':>8}")
    for name, variants in cases.items():
        for variant in variants:
            count = per_call[(name, variant, ())]
            ratio = (
                "" if variant == "endpoint" else f"{count / per_call[(name, 'endpoint', ())]:8.3f}"
            )
            print(f"  {name:<15}{variant:<11}{count:14,.0f}{ratio}")
    if without:
        print(
            "Parts of DRF's work taken out (benchmarks/speed_ablation.py): the endpoint's "
            "instructions per call without them, what they cost, and the plain twin's ratio "
            "to what is left"
        )
        print(f"  {'case':<15}{'without':<50}{'instructions':>14}{'cost':>10}{'plain':>8}")
        for name, variants in cases.items():
            endpoint = per_call[(name, "endpoint", ())]
            for parts in without:
                count = per_call[(name, "endpoint", parts)]
                plain = (
                    f"{per_call[(name, 'plain', ())] / count:8.3f}" if "plain" in variants else ""
                )
                shown = "+".join(parts) if len(parts) < len(PARTS) else "all five"
                print(f"  {name:<15}{shown:<50}{count:14,.0f}{endpoint - count:10,.0f}{plain}")
