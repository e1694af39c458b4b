"""A name that holds an unclosed right-to-left override (U+202E, pasted or typed on purpose)
turns round only itself: the text after it on every page still reads left to right, and the
page's title in the browser tab too."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.awkward import awkward_site, page_kinds

RLO = "\u202e"

# Every text on the page that runs backwards: letters, measured one by one, that go leftwards
# along a line, outside the editors' own texts (which may show reversed: a text alone in its
# node, or one isolated within it, FSI … PDI); or an override outside any such text, which
# nothing stops.
BACKWARDS = r"""(texts) => {
  const found = [], range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const text = node.data, where = node.parentElement;
    if (where.closest('svg, select, script, style')) continue;  // their own bidi paragraphs
    if (texts.includes(text.trim())) continue;
    const own = new Array(text.length).fill(false);
    for (const isolate of text.matchAll(/\u2068[^\u2068\u2069]*\u2069/g)) {
      own.fill(true, isolate.index, isolate.index + isolate[0].length);
    }
    if ([...text].some((char, i) => char === '\u202e' && !own[i])) {
      found.push('unisolated: ' + text.trim().slice(0, 60));
      continue;
    }
    let last = null;
    for (let i = 0; i < Math.min(text.length, 200); i++) {
      if (own[i] || /\s/.test(text[i])) continue;
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (!box.width) { last = null; continue; }
      if (last && Math.abs(box.top - last.top) < 2 && box.left < last.left - 0.5) {
        found.push(where.tagName.toLowerCase() + ': ' + text.trim().slice(0, 60));
        break;
      }
      last = box;
    }
  }
  return found;
}"""


@pytest.fixture
def overridden(site, transactional_db):
    """The awkward site with every name and text an editor's: a word, then an unclosed RLO."""
    texts = []

    def text(length: int, seed: str) -> str:
        texts.append(f"{seed}{RLO}Reversed"[:length])
        return texts[-1]

    return awkward_site(text), texts


def _unclosed(title: str) -> bool:
    """Whether an embedding, override or isolate in ``title`` runs on to its end (UAX #9:
    a PDF closes the last embedding or override, a PDI its isolate and all opened inside)."""
    opened = []
    for char in title:
        if char in "\u202a\u202b\u202d\u202e":
            opened.append("embedding")
        elif char in "\u2066\u2067\u2068":
            opened.append("isolate")
        elif char == "\u202c" and opened and opened[-1] == "embedding":
            opened.pop()
        elif char == "\u2069" and "isolate" in opened:
            while opened.pop() != "isolate":
                pass
    return bool(opened)


def test_an_unclosed_override_in_a_name_turns_round_nothing_after_it(
    browser: Browser, overridden, site
):
    site_data, texts = overridden
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(5_000)
    page = context.new_page()
    backwards, titles = {}, {}
    pages = page_kinds(site_data)
    pages["bookmarks"] = "/bookmarks/"
    for kind, path in pages.items():
        if kind == "bookmarks":
            page.goto(site_data.tools[0].get_absolute_url())
            page.locator(f"#tool-{site_data.tools[0].slug}").get_by_role(
                "button", name="Bookmark"
            ).click()
            expect(page.locator("#announcer")).to_contain_text("Saved")
        page.goto(path)
        if found := page.evaluate(BACKWARDS, texts):
            backwards[kind] = found[:6]
        if _unclosed(page.title()):
            titles[kind] = page.title()
    context.close()
    assert backwards == {}
    assert titles == {}


def test_isolating_a_name_keeps_what_follows_it_in_order(page, transactional_db):
    """The check itself: the same markup without isolation is caught."""
    page.set_content(
        f"<p><a>Tool{RLO}Reversed</a> vs <a>Other</a></p>"
        f"<p><bdi>Tool{RLO}Reversed</bdi> vs <bdi>Other</bdi></p>"
        f"<p>\u2068Tool{RLO}Reversed\u2069 vs Other</p>"
        f"<p>Tool{RLO}Reversed vs Other</p>"
    )
    found = page.evaluate(BACKWARDS, [f"Tool{RLO}Reversed"])
    assert found == ["p: vs", "a: Other", f"unisolated: Tool{RLO}Reversed vs Other"]
