"""axe-core finds nothing to fix on the site's main pages, in the light theme and in the dark.

axe-core comes from node_modules (``make node``, which ``make test`` runs first). It goes into
the page through DevTools rather than a script tag, so the page keeps its Content Security
Policy while it is checked: a check that needed the policy off would not be checking the page
readers get. Every rule runs, the best-practice ones too (heading order, landmarks, regions).
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from newsletter.links import confirm_url
from tests.factories import PASSWORD, SubscriberFactory, UserFactory

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
COMPARISON = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"
THEMES = ["light", "dark"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing from node_modules: run `make node` (npm ci)")
    return AXE.read_text()


@pytest.fixture(params=THEMES)
def themed_page(request, browser: Browser, demo_site, browser_errors):
    """A page in the light or the dark theme, failing on any browser error like ``page``."""
    context = browser.new_context(base_url=demo_site, color_scheme=request.param)
    context.set_default_timeout(5_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and browser_errors.append(m.text))
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    yield page
    context.close()
    assert browser_errors == [], f"the browser logged errors: {browser_errors}"


def violations(page: Page, axe_source: str) -> list[str]:
    """What axe-core reports on the page as it stands, one line per rule broken."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
    ]


def assert_clean(page: Page, axe_source: str) -> None:
    found = violations(page, axe_source)
    assert found == [], f"axe-core on {page.url}:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        COMPARISON,
        f"{COMPARISON}?w=futurist:0,founder:2",  # a reader's weights
        "/compare/?tools=smolvlm2-turbo,mistral-8x22b-v2,claude-code,cursor",
        "/tools/smolvlm2-turbo/",
        "/tools/",
        "/panel/builder/",
        # and every other kind of page the site has
        "/compare/",
        "/categories/",
        "/categories/developer-tools/",
        "/panel/",
        "/top/",
        "/top/?w=futurist:0,founder:2",
        "/newsletter/",
        "/newsletter/unsubscribe/sample/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_page_has_no_axe_violations(themed_page: Page, axe_source, path):
    themed_page.goto(path)
    assert_clean(themed_page, axe_source)


def test_not_found_page_has_no_axe_violations(themed_page: Page, axe_source, browser_errors):
    themed_page.goto("/no-such-page/")
    assert_clean(themed_page, axe_source)
    assert [error for error in browser_errors if "404" not in error] == []
    browser_errors.clear()


def test_catalogue_search_results_have_no_axe_violations(themed_page: Page, axe_source):
    themed_page.goto("/tools/")
    themed_page.get_by_role("searchbox", name="Search").fill("model")
    # The count is a live region that stays put while the results under it are swapped.
    count = themed_page.get_by_role("status").filter(has_text="matching “model”")
    expect(count).to_have_id("results-count")
    assert_clean(themed_page, axe_source)


def test_bookmarks_have_no_axe_violations(themed_page: Page, axe_source):
    themed_page.goto(COMPARISON)
    for name in ["SmolVLM2 Turbo", "Mistral 8x22B v2"]:
        button = themed_page.get_by_role("button", name=f"Bookmark {name}")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(themed_page.locator("#announcer")).to_have_text(f"Saved {name} to your bookmarks.")
    assert_clean(themed_page, axe_source)  # the page after the htmx swaps
    themed_page.goto("/bookmarks/")
    expect(themed_page.locator("#tool-smolvlm2-turbo")).to_be_visible()
    assert_clean(themed_page, axe_source)


def test_a_members_vote_is_announced_and_the_page_stays_clean(themed_page: Page, axe_source):
    member = UserFactory(verified=True)
    themed_page.goto(f"/accounts/login/?next={COMPARISON}")
    assert_clean(themed_page, axe_source)
    themed_page.locator("main").get_by_label("Email").fill(member.email)
    themed_page.locator("main").get_by_label("Password").fill(PASSWORD)
    themed_page.get_by_role("button", name="Sign in").click()
    ship = themed_page.locator("#tool-smolvlm2-turbo").get_by_role("button", name="Ship")
    ship.click()
    expect(ship).to_have_attribute("aria-pressed", "true")
    expect(themed_page.locator("#announcer")).to_have_text(
        "You'd ship SmolVLM2 Turbo. Thanks for voting. "
        "Community: 100% ship · Preliminary (1 of 10 votes)."
    )
    assert_clean(themed_page, axe_source)


def test_subscribing_has_no_axe_violations(themed_page: Page, axe_source):
    themed_page.goto("/newsletter/subscribe/")
    assert_clean(themed_page, axe_source)
    themed_page.locator("main").get_by_label("Email address").fill("reader@example.com")
    themed_page.locator("main").get_by_role("button", name="Subscribe").click()
    expect(themed_page.locator(".subscribe-answer")).to_contain_text("now check your inbox")
    expect(themed_page.locator("#announcer")).to_contain_text("Thanks: now check your inbox.")
    assert_clean(themed_page, axe_source)
    themed_page.goto("/newsletter/subscribe/thanks/")
    assert_clean(themed_page, axe_source)
    themed_page.goto(confirm_url(SubscriberFactory(pending=True)))
    expect(themed_page.get_by_role("button", name="Confirm my subscription")).to_be_visible()
    assert_clean(themed_page, axe_source)


def test_the_compare_picker_with_live_matches_has_no_axe_violations(themed_page, axe_source):
    themed_page.goto("/compare/")
    themed_page.get_by_role("searchbox", name="First tool").fill("claude")
    themed_page.get_by_role("button", name="Claude Code").click()
    themed_page.get_by_role("searchbox", name="Second tool").fill("mistral")
    expect(themed_page.get_by_text("5 matches for “mistral”: pick one.")).to_be_visible()
    assert_clean(themed_page, axe_source)


def test_a_refused_comparison_has_no_axe_violations(themed_page, axe_source, browser_errors):
    themed_page.goto("/compare/?with=claud&with=cursor")
    expect(themed_page.get_by_role("alert")).to_contain_text("Did you mean")
    assert_clean(themed_page, axe_source)
    assert [error for error in browser_errors if "400" not in error] == []
    browser_errors.clear()
