"""The admin in a real browser: Playwright for Python driving Debian's Chromium against
gunicorn on a free port, with a database of its own (as tests/server starts it).

Without /usr/bin/chromium (apt-get install chromium) or the playwright package, these tests
are skipped; with CI=true they fail instead. Each step's screenshot is written to
artifacts/admin-screens/ (ADMIN_SCREENS_DIR to change it; git-ignored).
"""

import os
import subprocess
from pathlib import Path

import pytest

from tests.server.conftest import (
    BIN,
    ROOT,
    Server,
    _database_url,
    free_port,
    gunicorn_command,
    migrated_sqlite,
    populate,
    stop,
    wait_until_up,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path(os.environ.get("ADMIN_SCREENS_DIR", ROOT / "artifacts" / "admin-screens"))


def _missing(what: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing and CI=true: failing instead of skipping.")
    pytest.skip(f"{what} is missing")


def _require_browser() -> None:
    """Skip (fail with CI=true) where Playwright or Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("playwright (requirements-dev.txt)")
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")


class _Chromium:
    """One Chromium for the browser tests a process runs one after another: launched by the
    first, closed after the last of a run of them (pytest_runtest_teardown below), not once per
    module (a launch, with Playwright's driver, costs about 0.7 s of CPU). Playwright's sync API
    keeps an asyncio loop running in this thread while it is open, and Django refuses to run
    from a thread with a running loop (SynchronousOnlyOperation; async_to_sync, e.g. the health
    checks of /readyz), so it is closed before any test that does not use it."""

    def __init__(self):
        self.playwright = None
        self.browser = None

    def launch(self):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
            except BaseException:
                self.close()
                raise
        return self.browser

    def close(self):
        browser, self.browser = self.browser, None
        playwright, self.playwright = self.playwright, None
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


_CHROMIUM = _Chromium()


@pytest.fixture
def browser():
    """Chromium (see _Chromium: one for consecutive browser tests)."""
    _require_browser()
    return _CHROMIUM.launch()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the test's own fixtures (its browser context) are torn down: Chromium closed
    unless the next test uses it too."""
    try:
        return (yield)
    finally:
        if nextitem is None or "browser" not in nextitem.fixturenames:
            _CHROMIUM.close()


def pytest_sessionfinish(session):
    _CHROMIUM.close()


@pytest.fixture(scope="session")
def admin_server(tmp_path_factory):
    """gunicorn with DEBUG off (the admin's static files collected, served by WhiteNoise)."""
    _require_browser()
    tmp_path = tmp_path_factory.mktemp("admin-server")
    database_url, drop_database = _database_url(tmp_path, suffix="browser")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "connect_api.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",
        # jobs (the event outbox's mail) run in the request; mail lands in files to read
        "QUEUE_IMMEDIATE": "true",
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    manage = [str(BIN / "python"), "manage.py"]
    commands = [["collectstatic", "--noinput", "-v0"]]
    if database_url.startswith("sqlite:"):
        migrated_sqlite(tmp_path / "server.sqlite3")
    else:
        commands[:0] = [["migrate", "--noinput", "-v0"]]
    for command in commands:
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
    data = populate(env, "tests.browser.populate")
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        gunicorn_command(port),
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    running = Server(port=port, data=data, env=env)
    try:
        wait_until_up(running, process, log_path)
        yield running
    finally:
        stop(process)
        log.close()
        drop_database()


@pytest.fixture
def page(browser, admin_server):
    """A fresh browser context logged in to the admin as the operator (a superuser)."""
    context = browser.new_context(
        base_url=f"http://127.0.0.1:{admin_server.port}",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


class Screens:
    """Full-page screenshots of each step: <test>-<n>-<step>.png."""

    def __init__(self, prefix: str):
        SCREENS.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.count = 0

    def shot(self, page, step: str) -> Path:
        self.count += 1
        path = SCREENS / f"{self.prefix}-{self.count}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screens(request) -> Screens:
    return Screens(request.node.name.removeprefix("test_"))
