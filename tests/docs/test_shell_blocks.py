"""Every shell block of README.md and docs/*.md, run as pasted into a fresh terminal against the
server `make run` starts: the demo data (`manage.py seed_demo`), gunicorn and the job worker
(scripts/serve), here on a free port (tests/make_run.py's `demo_server`, once per session).
Only `http://127.0.0.1:8000` and `localhost:8000` are rewritten to that port. Each block runs
under `bash -euo pipefail` and passes when it exits 0; a block that claims an answer checks it
itself (curl's `-w '%{http_code}'`, `--fail-with-body`).

Fences tagged bash, sh, shell or console are shell blocks. A fence without a language shows
output and is never run. A shell block that is not meant to run (it needs root, starts the
server itself, installs software) says so on the line before its fence:

    <!-- not run: why -->

A block that needs what `make` does not bring says which, the same way, and runs only where it
is there: `needs network` (a webhook URL on example.com must resolve when it is registered),
`needs HTTPie` (the `http` command on PATH):

    <!-- needs network: why -->
    <!-- needs HTTPie: why -->

Every other shell block runs; one that cannot run fails here. After each block the database is
put back to the demo data exactly as `seed_demo` left it (what `make reset` does, copied back
with SQLite's backup API instead of seeding again, so it takes milliseconds), so every block
starts from the same data and no block depends on another having run.
"""

import contextlib
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.make_run import DemoServer
from tests.server.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}
FENCE = re.compile(r"^\s*```([\w-]*)\s*$")
MARKER = re.compile(r"^<!-- (?P<kind>not run|needs [\w-]+): (?P<reason>\S.*?) -->$")
DOCUMENTED_ADDRESS = re.compile(r"http://127\.0\.0\.1:8000|(?<![\w.])localhost:8000")
# `<uuid>`, `<token>`, `<site_number>`: a value the reader is to fill in.
PLACEHOLDER = re.compile(r"<[a-z][a-z0-9_ -]*>")
BLOCK_TIMEOUT = 60


@dataclass(frozen=True)
class Block:
    document: Path
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    not_run: str | None  # the reason, for a block marked `<!-- not run: ... -->`
    needs: str | None  # what it needs, for a block marked `<!-- needs X: ... -->`

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def fenced_blocks(document: Path) -> list[Block]:
    lines = document.read_text().splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        before = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
        marker = MARKER.match(before)
        kind, reason = (marker.group("kind"), marker.group("reason")) if marker else (None, None)
        blocks.append(
            Block(
                document=document,
                line=index + 1,
                language=opening.group(1),
                code="\n".join(lines[index + 1 : end]) + "\n",
                not_run=reason if kind == "not run" else None,
                needs=kind.removeprefix("needs ") if kind and kind != "not run" else None,
            )
        )
        index = end + 1
    return blocks


SHELL_BLOCKS = [
    block
    for document in DOCUMENTS
    for block in fenced_blocks(document)
    if block.language in SHELL_LANGUAGES
]
RUNNABLE = [block for block in SHELL_BLOCKS if block.not_run is None]


def test_the_documents_have_shell_blocks_to_run():
    assert len(RUNNABLE) > 20, [block.name for block in SHELL_BLOCKS]


def test_markers_stand_only_before_shell_blocks():
    """A marker before anything else would silently mark nothing."""
    for document in DOCUMENTS:
        lines = document.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            if line.startswith(("<!-- not run", "<!-- needs")):
                marker = MARKER.match(line)
                assert marker, f"{document.name}:{number}: {line!r}"
                needs = marker.group("kind").removeprefix("needs ")
                assert marker.group("kind") == "not run" or needs in AVAILABLE, (
                    f"{document.name}:{number}: needs one of {sorted(AVAILABLE)}"
                )
                following = next((later for later in lines[number:] if later.strip()), "")
                opening = FENCE.match(following)
                assert opening and opening.group(1) in SHELL_LANGUAGES, (
                    f"{document.name}:{number}: a marker must stand just before a shell block's "
                    "opening fence"
                )


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.name)
def test_block_names_no_placeholder(block):
    assert not PLACEHOLDER.findall(block.code), (
        f"{block.name} has a placeholder to fill in: capture the value in a variable first"
    )


def terminal_env(demo: DemoServer, home: Path) -> dict:
    """A fresh terminal in the checkout, beside the one running `make run`: nothing the blocks
    set, the server's own configuration (so a `manage.py` line reaches the same database)."""
    kept = ("PATH", "LANG", "LC_ALL", "TERM", "TMPDIR")
    env = {name: os.environ[name] for name in kept if name in os.environ}
    # The dev venv's commands last (HTTPie's `http`, requirements-dev.txt): the machine's own first.
    env["PATH"] = os.pathsep.join(filter(None, (env.get("PATH"), str(VENV_BIN))))
    configuration = ("DATABASE_URL", "QUEUE_URL", "MEDIA_ROOT", "SECRET_KEY")
    env.update({name: demo.env[name] for name in configuration if name in demo.env})
    return {**env, "HOME": str(home)}


VENV_BIN = ROOT / ".venv" / "bin"


@functools.cache
def internet_names_resolve() -> bool:
    try:
        socket.getaddrinfo("example.com", 443)
    except OSError:
        return False
    return True


AVAILABLE = {
    "network": internet_names_resolve,
    "HTTPie": lambda: (VENV_BIN / "http").exists() or shutil.which("http") is not None,
}


def checkout_view(directory: Path) -> Path:
    """A working directory that looks like the checkout (each top-level entry a symlink), so a
    block's paths (`clients/...`, `.venv/bin/python manage.py`) hold while the files it writes
    (`-o schema.json`, `> seed.json`) land outside the repository."""
    directory.mkdir()
    for entry in ROOT.iterdir():
        if entry.name != ".git":
            (directory / entry.name).symlink_to(entry)
    return directory


def run_shell(code: str, cwd: Path, env: dict) -> tuple[str | None, str]:
    """`code` under `bash -euo pipefail`: (why it failed or None, its output). A block still
    running after BLOCK_TIMEOUT is killed with everything it started."""
    process = subprocess.Popen(
        ["bash", "-euo", "pipefail"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(code, timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return f"still running after {BLOCK_TIMEOUT} s", output
    with contextlib.suppress(ProcessLookupError):  # anything it left running in the background
        os.killpg(process.pid, signal.SIGKILL)
    return (f"exit status {process.returncode}" if process.returncode else None), output


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.name)
def test_block_runs_against_make_run(block, demo_server, tmp_path):
    if block.needs and not AVAILABLE[block.needs]():
        pytest.skip(f"{block.name}: needs {block.needs}, not here")
    code = DOCUMENTED_ADDRESS.sub(
        lambda match: match.group().replace(match.group().split("//")[-1], demo_server.address),
        block.code,
    )
    log_start = demo_server.log.stat().st_size
    try:
        failure, output = run_shell(
            code, checkout_view(tmp_path / "checkout"), terminal_env(demo_server, tmp_path)
        )
    finally:
        demo_server.reset()
    if failure:
        with demo_server.log.open() as log:
            log.seek(log_start)
            server_log = log.read()[-4000:]
        pytest.fail(
            f"{block.name}: {failure}\n--- block ---\n{block.code}--- output ---\n{output}"
            f"\n--- server log (tail) ---\n{server_log}",
            pytrace=False,
        )
