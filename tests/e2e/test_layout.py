"""No page scrolls sideways, whatever editors type: every kind of page, at a desktop's and a
phone's width, with every name and slug as long as its field allows and one unbroken word."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.awkward import awkward_site, page_kinds

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}

# What is wider than the page, if anything: the widest elements that stick out past its edge.
OVERFLOW = """() => {
  const root = document.documentElement, edge = root.clientWidth + 1;
  if (root.scrollWidth <= root.clientWidth) return null;
  const out = e => e.getBoundingClientRect().right > edge;
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(e => out(e) && !(e.parentElement && out(e.parentElement)
                             && !['BODY', 'MAIN'].includes(e.parentElement.tagName)))
    .map(e => e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join(''));
  return {scrollWidth: root.scrollWidth, width: root.clientWidth, culprits: culprits.slice(0, 8)};
}"""


@pytest.fixture
def awkward(site, transactional_db):
    return awkward_site()


@pytest.mark.parametrize("size", WIDTHS)
def test_no_page_scrolls_sideways_with_the_longest_names(browser: Browser, awkward, site, size):
    context = browser.new_context(base_url=site, viewport=WIDTHS[size])
    context.set_default_timeout(5_000)
    page = context.new_page()
    too_wide = {}
    pages = page_kinds(awkward)
    for kind, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (kind, path, response.status)
        if overflow := page.evaluate(OVERFLOW):
            too_wide[kind] = overflow
    # Bookmarks: saved from a tool's card, then the reader's bookmarks page.
    page.goto(awkward.tools[0].get_absolute_url())
    button = page.locator(f"#tool-{awkward.tools[0].slug}").get_by_role("button", name="Bookmark")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    for kind, path in [("with a bookmark", pages["a comparison"]), ("bookmarks", "/bookmarks/")]:
        page.goto(path)
        if overflow := page.evaluate(OVERFLOW):
            too_wide[kind] = overflow
    context.close()
    assert too_wide == {}
