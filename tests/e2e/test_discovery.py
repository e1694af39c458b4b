"""Finding and weighing tools in a real browser, with JavaScript and without: the header's
search box on every page, and the compare picker."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo_site(site, transactional_db):
    call_command("load_demo", verbosity=0)
    return site


@pytest.fixture
def open_page(browser: Browser, demo_site, browser_errors):
    """A page at ``viewport``, with or without JavaScript, failing on any browser error."""
    contexts = []

    def open_(viewport: dict, *, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=demo_site, viewport=viewport, java_script_enabled=javascript
        )
        context.set_default_timeout(5_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and browser_errors.append(m.text))
        page.on("pageerror", lambda error: browser_errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert browser_errors == [], f"the browser logged errors: {browser_errors}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_header_search_box_fits_and_finds_tools(open_page, size, javascript):
    viewport = PHONE if size == "phone" else DESKTOP
    page = open_page(viewport, javascript=javascript)
    page.goto("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/")
    search = page.get_by_role("search", name="Find a tool")
    box = search.get_by_role("searchbox", name="Find a tool")
    button = search.get_by_role("button", name="Find")
    for control in (box, button):
        expect(control).to_be_visible()
        where = control.bounding_box()
        assert where["x"] >= 0 and where["x"] + where["width"] <= viewport["width"]
    assert box.bounding_box()["width"] >= 150  # room to read what was typed
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    box.fill("mistral")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/tools/\?q=mistral$"))
    expect(page.get_by_role("status").filter(has_text="matching “mistral”")).to_be_visible()
    expect(
        page.locator("#results").get_by_role("link", name="Mistral Large 3").first
    ).to_be_visible()


def test_an_emoji_search_from_the_header_says_what_to_try(open_page):
    page = open_page(PHONE)
    page.goto("/")
    page.get_by_role("searchbox", name="Find a tool").fill("🚀")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#results")).to_contain_text("try a word from the tool's name")
