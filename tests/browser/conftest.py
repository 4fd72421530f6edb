"""Browser tests: the real app in gunicorn on the test database, driven by Debian's Chromium through Playwright.

def test_something(page, live_url, login, shot):
    login(page, "binhduong", "operator.binhduong")
    page.goto(live_url("binhduong") + "/cases/")
    shot(page, "inbox")
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tenants.demo import DEMO_PASSWORD
from tests.conftest import host_of
from tests.fakes.twilio_server import FakeTwilio, fake_twilio_server
from tests.servers import database_url, gunicorn

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
# A common phone's CSS pixels (iPhone 12 to 15); citizens mostly reach the public site from one.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
LOCALE = "vi-VN"
# Long enough for a cold page on a busy CI machine, short enough that a wrong selector fails fast.
ACTION_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser and run them last.

    They are the slowest, and what they do through the UI is committed to the test database:
    running them last keeps the other tests' view of the seeded demo unchanged.
    """
    in_browser = [item for item in items if HERE in item.path.parents]
    for item in in_browser:
        item.add_marker(pytest.mark.browser)
        # pytest-django creates the test database only for tests that declare they use it.
        item.add_marker(pytest.mark.django_db)
    chosen = set(in_browser)
    items[:] = [item for item in items if item not in chosen] + in_browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- The app under test ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    """Where the app answers. Call it with a province slug for that province's base URL."""

    port: int

    def __call__(self, slug: str | None = None) -> str:
        # Chromium resolves every *.localhost name to loopback by itself.
        host = host_of(slug) if slug else settings.BASE_DOMAIN
        return f"http://{host}:{self.port}"

    @property
    def origin(self) -> str:
        """For Python clients, which cannot resolve *.localhost: send the host in a Host header."""
        return f"http://127.0.0.1:{self.port}"


def live_server_env() -> dict[str, str | None]:
    """The test database and the tests' Redis, so the server sees the seeded demo and shares its cache."""
    cache = settings.CACHES["default"]
    return {
        # The tests' settings: the demo passwords were hashed with their fast hasher.
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": cache["LOCATION"],
        "CACHE_KEY_PREFIX": cache["KEY_PREFIX"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # WhiteNoise serves static files straight from the finders only in debug; tests never collectstatic.
        "DEBUG": "true",
        # Refused requests (the isolation steps) log warnings by design; errors are what matter here.
        "LOG_LEVEL": "ERROR",
        # Set for the test process only (see _playwright_loop_outside_tests); the server keeps Django's check.
        "DJANGO_ALLOW_ASYNC_UNSAFE": None,
    }


def assert_static_served(server: LiveServer) -> None:
    response = requests.get(f"{server.origin}/static/css/app.css", headers={"Host": settings.BASE_DOMAIN}, timeout=30)
    assert response.status_code == 200, f"/static/css/app.css answered {response.status_code}"
    assert response.headers["Content-Type"].startswith("text/css")


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    """Twilio's REST API as the live server reaches it: the real client, a local server."""
    with fake_twilio_server() as fake:
        yield fake


@pytest.fixture(scope="session")
def live_url(django_db_setup, fake_twilio) -> Iterator[LiveServer]:
    """The app in gunicorn against the session's test database, seeded and committed by django_db_setup."""
    with gunicorn({**live_server_env(), "TWILIO_API_URL": fake_twilio.url}) as base_url:
        server = LiveServer(port=urlsplit(base_url).port)
        assert_static_served(server)
        yield server


# --- The browser -------------------------------------------------------------------------------------


class PlaywrightLoop:
    """Playwright's sync API leaves its event loop marked as running in this thread between calls.

    Django takes that mark for async code and refuses every database call, so the mark is parked
    between browser tests (the rest of the suite never sees it) and put back for the next one.
    """

    parked: asyncio.AbstractEventLoop | None = None

    @classmethod
    def park(cls) -> None:
        cls.parked = asyncio._get_running_loop()
        asyncio._set_running_loop(None)

    @classmethod
    def resume(cls) -> None:
        if cls.parked is not None:
            asyncio._set_running_loop(cls.parked)
            cls.parked = None


@pytest.fixture(autouse=True)
def _playwright_loop_outside_tests(monkeypatch):
    # Inside a browser test the mark is back, so the test's own database calls need Django's consent.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    PlaywrightLoop.resume()
    yield
    PlaywrightLoop.park()


def launch_args() -> list[str]:
    # Chromium's sandbox refuses to run as root, as it does in containers and on CI.
    return ["--no-sandbox"] if os.getuid() == 0 else []


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (CHROMIUM_PATH overrides), one for the whole session."""
    executable = os.environ.get("CHROMIUM_PATH", CHROMIUM)
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=launch_args())
        # Session fixtures set up after this one (the database's) must not see the mark.
        PlaywrightLoop.park()
        yield launched
    finally:
        PlaywrightLoop.resume()
        playwright.stop()  # closes the browser too


@pytest.fixture
def new_page(browser: Browser, shot) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (own cookies: one user each); failed tests get a last screenshot.

    Keyword arguments go to the context: new_page(**PHONE) for a phone.
    """
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        context = browser.new_context(**{"viewport": VIEWPORT, "locale": LOCALE, **options})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        if shot.test_failed():
            for page in context.pages:
                shot(page, "failure")
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def phone_page(new_page) -> Page:
    """A page on a phone's screen: narrow viewport, touch, and the mobile meta viewport honoured."""
    return new_page(**PHONE)


# --- Helpers -----------------------------------------------------------------------------------------


@pytest.fixture
def login(live_url: LiveServer) -> Callable[..., None]:
    """login(page, host_slug, username, password=DEMO_PASSWORD): submit the login form on that province's host."""

    def submit(page: Page, host_slug: str, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{live_url(host_slug)}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) [type=submit]")

    return submit


@dataclass
class Shots:
    """shot(page, name): a full-page screenshot, numbered in the order the test takes them."""

    folder: Path
    request: pytest.FixtureRequest
    taken: int = field(default=0)

    def __call__(self, page: Page, name: str) -> Path:
        self.taken += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.taken:02d}-{safe_name(name)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    def test_failed(self) -> bool:
        reports = (getattr(self.request.node, f"report_{when}", None) for when in ("setup", "call"))
        return any(report is not None and report.failed for report in reports)


def safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "shot"


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shots:
    """Screenshots go to test-artifacts/screenshots/<test name>/, replacing that test's previous run."""
    folder = ARTIFACTS / safe_name(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    return Shots(folder=folder, request=request)
