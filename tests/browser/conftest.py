"""
Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Chromium comes from the system (`apt-get install chromium`, `make system-deps`), never
from `playwright install`. Without it the tests are skipped with the reason, and under
`CI=true` they fail instead (see `require_chromium`).

Every page opened through these fixtures records console errors, uncaught exceptions and
Content Security Policy violations in `console_problems`, so that a test can assert that
a page is clean. `screenshot(page, name)` writes a PNG into `$SCREENSHOT_DIR`, or into a
temporary directory, for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from feed.demo.people import DEMO_PASSWORD, seed_people
from tests.conftest import require_chromium

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Long enough for a cold live server on a slow CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000

EMPLOYEE = "employee@example.com"


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, started on plain HTTP.

    Django's middleware reads SECURE_SSL_REDIRECT once, when the server builds its
    handler: a function-scoped `settings` change comes too late for this
    session-wide server, which would send Chromium to https:// and fail.
    """
    addr = request.config.getvalue("liveserver") or os.environ.get(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """Plain-HTTP cookies for the live server, and a fresh cache.

    Outside DEBUG the session and CSRF cookies are `Secure`; the live server speaks
    HTTP. The cache holds allauth's rate limits: counts left by an earlier test (or an
    earlier run, with Redis) must not lock the demo login out.
    """
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    cache.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole run; each test gets its own context (cookies, storage).

    While it is open, Playwright's sync API keeps an asyncio loop running in the main
    thread, and Django's async-safety check would take every query from that thread
    (test code, fixtures, even the test database's teardown) for one made in async
    code. Nothing here is async, so the check is switched off for as long as the
    browser lives. The live server answers in its own thread and is unaffected.
    """
    executable = require_chromium()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def console_problems() -> list[str]:
    """What went wrong in any page of this test: console errors, exceptions, CSP violations."""
    return []


def open_page(
    browser: Browser, viewport: dict[str, int], problems: list[str]
) -> tuple[BrowserContext, Page]:
    """A new browser context and page, recording its problems in `problems`."""
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"{page.url}: console.{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))
    return context, page


@pytest.fixture
def page(browser, live_server, console_problems) -> Iterator[Page]:
    """A fresh desktop browser (1280×800), with its own cookies."""
    context, page = open_page(browser, DESKTOP, console_problems)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, console_problems) -> Iterator[Page]:
    """A fresh phone-sized browser (390×844), with its own cookies."""
    context, page = open_page(browser, PHONE, console_problems)
    yield page
    context.close()


@pytest.fixture
def demo_people(transactional_db):
    """The demo organisation with its four logins (password `wins-demo-2026`)."""
    return seed_people(with_logins=True)


@pytest.fixture
def sign_in(live_server) -> Callable[..., None]:
    """Sign a person in through the real login form; waits for the feed."""

    def sign_in(page: Page, email: str = EMPLOYEE, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("[name=login]").fill(email)
        page.locator("[name=password]").fill(password)
        page.locator("main").get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/")

    return sign_in


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    configured = os.environ.get("SCREENSHOT_DIR")
    path = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(screenshot_dir) -> Callable[..., Path]:
    """`screenshot(page, "login-phone")` saves the whole page as a PNG and returns its path."""

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled", caret="hide")
        return path

    return take
