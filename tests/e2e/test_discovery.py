"""Finding and weighing tools in a real browser, with JavaScript and without: the header's
search box on every page, and the compare picker."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.sizes import DESKTOP, PHONE

STATUS_400 = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


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


def pick(page: Page, label: str, typed: str, name: str) -> None:
    """Type into a picker field and pick ``name`` from its live matches."""
    page.get_by_role("searchbox", name=label).fill(typed)
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("group", name=label)).to_contain_text(name)


def test_the_compare_builder_picks_tools_from_any_category_with_javascript(open_page):
    page = open_page(DESKTOP)
    page.goto("/compare/")
    builder = page.get_by_role("region", name="Compare any tools")
    expect(builder).to_be_visible()
    pick(page, "First tool", "claude", "Claude Code Coding Assistants")
    pick(page, "Second tool", "mistral large", "Mistral Large 3 Developer Tools")
    pick(page, "Third tool (optional)", "pgvec", "pgvector")
    # A change of mind: the second field goes back to a box, and another tool is picked.
    page.get_by_role("button", name="Second tool: change Mistral Large 3").click()
    expect(page.get_by_role("searchbox", name="Second tool")).to_be_focused()
    pick(page, "Second tool", "ollama", "Ollama")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claude Code vs Ollama vs pgvector")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_compare_builder_takes_typed_names_and_says_what_it_cannot_read(
    open_page, browser_errors, javascript
):
    page = open_page(PHONE, javascript=javascript)
    page.goto("/compare/")
    page.get_by_role("searchbox", name="First tool").fill("claud")
    page.get_by_role("searchbox", name="Second tool").fill("whisper large v3 turbo")
    page.get_by_role("button", name="Compare", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("We have no tool called “claud”. Did you mean one of these?")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    alert.get_by_role("link", name="Claude Code (Coding Assistants)").click()
    expect(page).to_have_url(re.compile(r"/compare/claude-code-vs-whisper-large-v3-turbo/$"))
    assert browser_errors == [STATUS_400]  # the refused form's page, as expected
    browser_errors.clear()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_tool_page_compares_with_a_tool_of_any_category(open_page, javascript):
    page = open_page(DESKTOP, javascript=javascript)
    page.goto("/tools/ollama/")
    section = page.get_by_role("region", name="Compare Ollama with…")
    if javascript:
        pick(page, "Second tool", "qdrant", "Qdrant")
    else:
        section.get_by_role("searchbox", name="Second tool").fill("Qdrant")
    section.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare/ollama-vs-qdrant/$"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_bookmarks_compare_the_ones_the_reader_ticks(open_page, browser_errors, javascript):
    page = open_page(DESKTOP, javascript=javascript)
    for slug, name in [("cursor", "Cursor"), ("qdrant", "Qdrant"), ("ollama", "Ollama")]:
        page.goto(f"/tools/{slug}/")
        page.get_by_role("button", name=f"Bookmark {name}").first.click()
        expect(page.get_by_role("button", name=f"Bookmark {name}").first).to_have_attribute(
            "aria-pressed", "true"
        )
    page.goto("/bookmarks/")
    ticks = page.get_by_role("group", name="Tick two to four tools to put side by side")
    ticks.get_by_role("checkbox", name="Cursor").check()
    page.get_by_role("button", name="Compare the ticked tools").click()
    expect(page.get_by_role("alert")).to_contain_text("Pick at least two tools to compare.")
    assert browser_errors == [STATUS_400]
    browser_errors.clear()
    page.go_back()
    ticks.get_by_role("checkbox", name="Cursor").check()
    ticks.get_by_role("checkbox", name="Qdrant").check()
    ticks.get_by_role("checkbox", name="Ollama").check()
    page.get_by_role("button", name="Compare the ticked tools").click()
    # Most recently saved first, as the bookmarks list them.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ollama vs Qdrant vs Cursor")
