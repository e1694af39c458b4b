"""The comparison page's bookmarks panel in a real browser: it follows the reader's bookmarks
in place with JavaScript, and after each post and redirect without it."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import ComparisonFactory, ToolFactory


@pytest.fixture
def comparison(transactional_db):
    alpha = ToolFactory(name="Alpha Model", slug="alpha-model")
    beta = ToolFactory(name="Beta Model", slug="beta-model", category=alpha.category)
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def test_the_panel_follows_bookmarks_in_place(page: Page, comparison):
    page.goto(comparison.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    bookmarks = page.get_by_role("region", name="Your bookmarks")
    expect(bookmarks).to_contain_text("No bookmarks yet")
    for name in ["Beta Model", "Alpha Model"]:
        page.get_by_role("button", name=f"Bookmark {name}").click()
        expect(bookmarks.get_by_role("link", name=name)).to_be_visible()
    expect(bookmarks.locator("li a")).to_have_text(["Alpha Model", "Beta Model"])  # newest first
    page.get_by_role("button", name="Bookmark Beta Model").click()
    expect(bookmarks.get_by_role("link", name="Beta Model")).to_have_count(0)
    expect(bookmarks.get_by_role("link", name="Alpha Model")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    bookmarks.get_by_role("link", name="Alpha Model").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Model")


def test_the_panel_follows_bookmarks_without_javascript(page_without_js: Page, comparison):
    page = page_without_js
    page.goto(comparison.get_absolute_url())
    bookmarks = page.get_by_role("region", name="Your bookmarks")
    expect(bookmarks).to_contain_text("No bookmarks yet")
    page.get_by_role("button", name="Bookmark Alpha Model").click()
    expect(page.get_by_text("Saved Alpha Model to your bookmarks.")).to_be_visible()
    expect(bookmarks.get_by_role("link", name="Alpha Model")).to_be_visible()
    page.get_by_role("button", name="Bookmark Alpha Model").click()
    expect(bookmarks).to_contain_text("No bookmarks yet")
