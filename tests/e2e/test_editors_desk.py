"""The editors' desk in a real browser at 1280 × 800: the tools list fits the screen, each
row's figures on one line, and nothing hides behind the filters."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, CategoryFactory, ToolFactory, UserFactory
from tools.models import Tool

DESKTOP = {"width": 1280, "height": 800}

# How the list's layout reads in the browser: widths, and how many lines each figure takes.
LAYOUT = """() => {
  const lines = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const results = document.querySelector("#changelist .results");
  const filter = document.querySelector("#changelist-filter");
  const cells = (name) => [...document.querySelectorAll(`#result_list td.field-${name}`)];
  return {
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    results: [results.scrollWidth, results.clientWidth],
    filter: [filter.scrollWidth, filter.clientWidth],
    tableRight: document.querySelector("#result_list").getBoundingClientRect().right,
    filterLeft: filter.getBoundingClientRect().left,
    rows: document.querySelectorAll("#result_list tbody tr").length,
    wrapped: Object.fromEntries(
      ["panel_verdict", "panel_score", "community_verdict", "state", "price"].map((name) => [
        name,
        cells(name).filter((cell) => lines(cell) > 1).map((cell) => cell.textContent),
      ])
    ),
  };
}"""


@pytest.fixture
def desk(site, transactional_db):
    """The demo catalogue, and tools with the longest names and figures the fields allow."""
    call_command("load_demo", verbosity=0)
    shelf = CategoryFactory(name="C" * 80, slug="longest-category")
    ToolFactory(name="N" * 120, slug="longest-name", vendor="V" * 120, category=shelf)
    ToolFactory(name="Many words in a name " * 5, slug="wordy-name", category=shelf)
    # The widest figures: "Split · 50 ship / 50 skip", "100/100", "50% ship · 99,999 votes".
    Tool.objects.filter(slug__in=["longest-name", "wordy-name"]).update(
        panel_ships=50, panel_skips=50, panel_score_total=10_000,
        community_ships=49_999, community_skips=50_000,
    )  # fmt: skip
    editor = UserFactory(is_staff=True, is_superuser=True, verified=True)
    return editor


@pytest.fixture
def signed_in(browser: Browser, site, desk, browser_errors):
    context = browser.new_context(base_url=site, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and browser_errors.append(m.text))
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    page.goto("/accounts/login/?next=/admin/tools/tool/")
    page.locator("main").get_by_label("Email").fill(desk.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site}/admin/tools/tool/")
    expect(page.locator("#result_list")).to_be_visible()
    yield page
    context.close()
    assert browser_errors == [], f"the browser logged errors: {browser_errors}"


def test_the_tools_list_fits_1280_pixels_with_each_figure_on_one_line(signed_in: Page):
    layout = signed_in.evaluate(LAYOUT)
    assert layout["rows"] == Tool.objects.count()
    page_width, viewport = layout["page"]
    assert page_width <= viewport, "the page scrolls sideways"
    assert layout["results"][0] <= layout["results"][1], "the list scrolls sideways"
    assert layout["filter"][0] <= layout["filter"][1], "the filters scroll sideways"
    assert layout["tableRight"] <= layout["filterLeft"], "columns run under the filters"
    assert {name: cells for name, cells in layout["wrapped"].items() if cells} == {}


def test_the_search_finds_a_tool_by_its_vendor(signed_in: Page):
    signed_in.get_by_role("textbox", name="Search").fill("Anysphere")
    signed_in.get_by_role("button", name="Search").click()
    expect(signed_in.locator("#result_list tbody tr")).to_have_count(1)
    expect(signed_in.locator("#result_list tbody")).to_contain_text("Cursor")


def test_a_review_seat_has_no_links_beside_it_and_a_category_no_delete(signed_in: Page):
    signed_in.get_by_role("link", name="Cursor", exact=True).click()
    seat = signed_in.locator(
        ".related-widget-wrapper", has=signed_in.locator("#id_reviews-0-persona")
    )
    expect(seat).to_be_visible()
    expect(seat.locator("a")).to_have_count(0)
    category = signed_in.locator(".field-category .related-widget-wrapper")
    expect(category.locator(".delete-related, .change-related")).to_have_count(0)
