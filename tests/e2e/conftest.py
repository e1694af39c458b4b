"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

Reusable by any browser test: ``browser`` (one Chromium per session), ``page`` (a fresh
context with JavaScript, its base URL the live server) and ``page_without_js``. Both pages
fail the test if the browser logged an error (a failed request, a script error, a Content
Security Policy violation) that the test did not expect and clear from ``browser_errors``.
"""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make from here
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser: Browser, base_url: str, errors: list[str], *, javascript: bool):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    context.set_default_timeout(5_000)
    page = context.new_page()

    def note(message: ConsoleMessage) -> None:
        # The site has no favicon yet; any other failed load or script error is a bug.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"the browser logged errors: {errors}"


@pytest.fixture
def site(live_server, settings):
    """The live server's base URL; links in emails point at it."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def browser_errors() -> list[str]:
    """What the browser logged as errors; a test expecting some checks them and clears it."""
    return []


@pytest.fixture
def page(browser, site, browser_errors) -> Iterator[Page]:
    yield from _page(browser, site, browser_errors, javascript=True)


@pytest.fixture
def page_without_js(browser, site, browser_errors) -> Iterator[Page]:
    yield from _page(browser, site, browser_errors, javascript=False)
