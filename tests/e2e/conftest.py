"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

Reusable by any browser test: ``browser`` (one Chromium per session), ``page`` (a fresh
context with JavaScript, its base URL the live server), ``page_without_js``, ``demo_site``
(the live server with the demo data) and ``open_page`` (pages of it at a size from
tests/e2e/sizes.py). Every page fails the test if the browser logged an error (a failed
request, a script error, a Content Security Policy violation) that the test did not expect
and clear from ``browser_errors``.
"""

import os
from collections.abc import Iterator

import pytest
from django.core.management import call_command
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


def _new_page(browser: Browser, base_url: str, errors: list[str], **options) -> Page:
    """A page in a context of its own (``options``: viewport, colour scheme, JavaScript),
    noting every failed load and script error in ``errors``."""
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(5_000)
    page = context.new_page()

    def note(message: ConsoleMessage) -> None:
        # The site has no favicon yet; any other failed load or script error is a bug.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def _page(browser: Browser, base_url: str, errors: list[str], *, javascript: bool):
    page = _new_page(browser, base_url, errors, java_script_enabled=javascript)
    yield page
    page.context.close()
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


@pytest.fixture
def demo_site(site, transactional_db):
    """The live server with the demo data loaded."""
    call_command("load_demo", verbosity=0)
    return site


@pytest.fixture
def open_page(browser: Browser, demo_site, browser_errors):
    """Pages of the demo site at a given size (PHONE, DESKTOP), colour scheme, with or without
    JavaScript, each in its own context; the test fails on any browser error, like ``page``."""
    pages = []

    def open_(viewport: dict, color_scheme: str = "light", *, javascript: bool = True) -> Page:
        options = {"viewport": viewport, "color_scheme": color_scheme}
        page = _new_page(
            browser, demo_site, browser_errors, java_script_enabled=javascript, **options
        )
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.context.close()
    assert browser_errors == [], f"the browser logged errors: {browser_errors}"
