"""A reader re-weights the panel in a real browser: with JavaScript the page updates in place
and the address follows; without it the form reloads the page re-weighted."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.comparisons.conftest import reviewed_pair


@pytest.fixture
def pair(transactional_db, panel) -> str:
    """The comparison tests' pair, committed, so that the browser's server sees it."""
    return reviewed_pair(panel)


def test_reweighting_updates_the_page_in_place(page: Page, pair):
    page.goto(pair)
    page.evaluate("window.notReloaded = true")
    pick = page.locator("#pick")
    expect(pick).to_contain_text("Ship with Beta.")
    builder = page.get_by_label("Builder", exact=True)
    builder.focus()
    builder.select_option("builder:3")
    expect(page).to_have_url(re.compile(re.escape(pair) + r"\?w=builder:3$"))
    expect(pick).to_contain_text("The pick with your weights")
    expect(pick).to_contain_text("Ship with Alpha.")
    expect(pick).to_contain_text("Re-weighted view: Builder ×3.")
    expect(pick).to_contain_text("The panel's own verdict: ship with Beta.")
    expect(page.locator("#panel-row-alpha")).to_contain_text("Ship · 4 ship / 2 skip, weighted")
    expect(page.locator("#panel-figure-alpha")).to_contain_text("67%")
    expect(page.locator("#weights-status")).to_contain_text("Re-weighted view: Builder ×3.")
    expect(builder).to_be_focused()  # the form stays as it was, the keyboard with it
    assert page.evaluate("window.notReloaded") is True

    page.get_by_label("Founder", exact=True).select_option("founder:3")
    expect(page).to_have_url(re.compile(r"\?w=builder:3,founder:3$"))
    expect(pick).to_contain_text("Re-weighted view: Builder ×3, Founder ×3.")
    assert page.evaluate("window.notReloaded") is True

    page.go_back()  # the address held the weights, so history does too
    expect(page).to_have_url(re.compile(r"\?w=builder:3$"))
    expect(pick).to_contain_text("Re-weighted view: Builder ×3.")


def test_junk_weights_in_place_show_a_notice(page: Page, pair, browser_errors):
    page.goto(pair)
    page.evaluate(  # every seat at 0: what no option list should let through, but a reader can
        "document.querySelectorAll('select[name=w]').forEach(s => "
        "{ s.options[0].selected = true; })"
    )
    page.get_by_role("button", name="Re-weight").click()
    expect(page.locator("#messages")).to_contain_text("no seat counts")
    expect(page.locator("#pick")).to_contain_text("Ship with Beta.")
    assert browser_errors and all("400" in error for error in browser_errors)
    browser_errors.clear()


def test_reweighting_without_javascript_reloads_the_page(page_without_js: Page, pair):
    page = page_without_js
    page.goto(pair)
    page.get_by_label("Builder", exact=True).select_option("builder:3")
    page.get_by_role("button", name="Re-weight").click()
    expect(page).to_have_url(re.compile(re.escape(pair) + r"\?w=builder:3$"))
    pick = page.locator("#pick")
    expect(pick).to_contain_text("Ship with Alpha.")
    expect(pick).to_contain_text("Re-weighted view: Builder ×3.")
    expect(page.get_by_label("Builder", exact=True)).to_have_value("builder:3")
    page.locator("#pick").get_by_role("link", name="Back to the panel's own weights").click()
    expect(page).to_have_url(re.compile(r"\?w=panel$"))
    expect(pick).to_contain_text("Ship with Beta.")


def test_rankings_reweigh_in_place(page: Page, pair):
    page.goto("/top/")
    ranking = page.locator("#overall-panel-heading + ol")
    expect(ranking.locator("li").first).to_contain_text("Beta")
    page.get_by_label("Builder", exact=True).select_option("builder:3")
    expect(page).to_have_url(re.compile(r"/top/\?w=builder:3$"))
    expect(ranking.locator("li").first).to_contain_text("Alpha")
    expect(page.locator("#rankings")).to_contain_text("Re-weighted view: Builder ×3.")


def test_a_tool_page_reweighs_its_verdict_in_place(page: Page, pair):
    page.goto("/tools/alpha/")
    page.evaluate("window.notReloaded = true")
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Split · 2 ship / 2 skip")
    page.get_by_label("Builder", exact=True).select_option("builder:3")
    expect(page).to_have_url(re.compile(r"/tools/alpha/\?w=builder:3$"))
    expect(verdict).to_contain_text("Ship · 4 ship / 2 skip, weighted")
    expect(verdict).to_contain_text("Re-weighted view: Builder ×3.")
    expect(page.locator("#panel-figure-alpha")).to_contain_text("67%")
    expect(page.locator("#weights-status")).to_contain_text("Re-weighted view: Builder ×3.")
    assert page.evaluate("window.notReloaded") is True


def test_a_tool_page_reweighs_without_javascript(page_without_js: Page, pair):
    page = page_without_js
    page.goto("/tools/alpha/")
    page.get_by_label("Builder", exact=True).select_option("builder:3")
    page.get_by_role("button", name="Re-weight").click()
    expect(page).to_have_url(re.compile(r"/tools/alpha/\?w=builder:3$"))
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Ship · 4 ship / 2 skip, weighted")
    expect(verdict).to_contain_text("the panel's own: Split · 2 ship / 2 skip, 60/100")
    verdict.get_by_role("link", name="Back to the panel's own weights").click()
    expect(page).to_have_url(re.compile(r"/tools/alpha/\?w=panel$"))
    expect(verdict).not_to_contain_text("weighted")
