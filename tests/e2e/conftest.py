"""Playwright for Python driving Debian's headless Chromium against a live test server.

Never downloads a browser: it launches /usr/bin/chromium (CHROMIUM_PATH to override), and skips
when there is none. Each page fixture records console errors and failed requests, and saves a
screenshot under test-output/e2e/.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_DIR / "test-output" / "e2e"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Module scope: Playwright's sync API keeps an event loop running in this thread until it stops, and later
    # tests that call asyncio.run() (the probes) must not find one. The ORM calls that fixtures make in this
    # thread meanwhile are still synchronous, so Django's async-safety guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class PageProblems:
    def __init__(self):
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []

    def assert_none(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.failed_requests == [], self.failed_requests


def _screenshot_name(request, suffix: str = "") -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_") + suffix


@pytest.fixture
def phone_page(browser, request):
    """A fresh page 390 px wide (a phone); after the test, a full-page screenshot named `<test>-390.png`."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{_screenshot_name(request)}-390.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; after the test, a screenshot and a check for console errors and failed requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda m: m.type == "error" and problems.console_errors.append(m.text))
    page.on("pageerror", lambda e: problems.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: problems.failed_requests.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems.failed_requests.append(f"{r.url} HTTP {r.status}"))
    page.problems = problems
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{_screenshot_name(request)}.png"), full_page=True)
    context.close()
