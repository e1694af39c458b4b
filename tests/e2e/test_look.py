"""How the site looks and handles in a real browser: phones, keyboards, and the screenshots the
README shows, taken of the demo comparison each time the suite runs."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.sizes import DESKTOP, PHONE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
COMPARISON = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"
FOUR_TOOLS = "/compare/?tools=smolvlm2-turbo,mistral-8x22b-v2,claude-code,cursor"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_comparison_page(open_page, size, scheme):
    page = open_page(DESKTOP if size == "desktop" else PHONE, scheme)
    page.goto(COMPARISON)
    expect(page.get_by_role("heading", level=1)).to_have_text("SmolVLM2 Turbo vs Mistral 8x22B v2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"comparison-{size}-{scheme}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    assert 10_000 < path.stat().st_size < 1_500_000


PAGES = [
    "/",
    COMPARISON,
    FOUR_TOOLS,
    "/compare/",
    "/tools/",
    "/tools/?q=model&pricing=free",
    "/tools/smolvlm2-turbo/",
    "/categories/",
    "/categories/developer-tools/",
    "/panel/",
    "/panel/builder/",
    "/top/",
    "/bookmarks/",
    "/newsletter/subscribe/",
    "/newsletter/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def test_no_page_is_wider_than_a_phone(open_page):
    page = open_page(PHONE)
    too_wide = {}
    for path in PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}


def test_the_scorecard_stacks_on_a_phone(open_page):
    page = open_page(PHONE)
    page.goto(COMPARISON)
    scorecard = page.get_by_role("table", name="Each panel seat's score, call and reasoning")
    box = scorecard.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    founder = scorecard.get_by_role("row", name="Founder")
    cells = founder.get_by_role("cell")
    expect(cells).to_have_count(2)
    # Stacked, one under the other, each under its tool's name, and as wide as the phone allows.
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1
    assert first["width"] > PHONE["width"] * 0.75
    expect(cells.nth(0).locator(".scorecard__tool")).to_have_text("S SmolVLM2 Turbo")
    expect(cells.nth(1).locator(".scorecard__tool")).to_contain_text("Mistral 8x22B v2")
    expect(cells.nth(1)).to_contain_text("55/100")
    # Still a table to assistive technology: rows, a row header, cells.
    expect(founder.get_by_role("rowheader")).to_contain_text("Founder")


def test_a_wide_scorecard_scrolls_with_the_seats_fixed(open_page):
    page = open_page({"width": 1040, "height": 900})
    page.goto(FOUR_TOOLS)
    scroller = page.locator(".table-scroll").filter(has=page.locator(".scorecard"))
    width, visible = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width > visible  # four tools do not fit: the table scrolls inside its box
    seat = scroller.get_by_role("rowheader").first
    review = scroller.get_by_role("cell").nth(1)
    seat_before, review_before = seat.bounding_box(), review.bounding_box()
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth }")
    seat_after, review_after = seat.bounding_box(), review.bounding_box()
    assert seat_after["x"] == pytest.approx(seat_before["x"], abs=1)
    assert review_after["x"] < review_before["x"] - 50
    # The seat column covers what scrolls under it.
    color = seat.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "transparent")


@pytest.mark.parametrize(
    ("path", "scheme"), [(COMPARISON, "light"), (COMPARISON, "dark"), ("/tools/", "light")]
)
def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(open_page, path, scheme):
    page = open_page(DESKTOP, scheme)
    page.goto(path)
    controls = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select')]
            .filter(e => e.getClientRects().length && e.tabIndex >= 0
                         && getComputedStyle(e).visibility !== 'hidden')
            .map(e => e.outerHTML)"""
    )
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    reached, unseen = set(), []
    for _ in range(len(controls) + 5):
        focused = page.evaluate(
            """() => {
                const e = document.activeElement, s = getComputedStyle(e);
                if (e === document.body) return null;  // past the last control, before the first
                const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                return [e.outerHTML, ring];
            }"""
        )
        if focused:
            reached.add(focused[0])
            if not focused[1]:
                unseen.append(focused[0][:80])
        page.keyboard.press("Tab")
    assert [c[:80] for c in controls if c not in reached] == []
    assert unseen == []
