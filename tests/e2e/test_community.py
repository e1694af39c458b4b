"""A reader becomes a member and votes, changes the vote, bookmarks and signs out, in a real
browser; and the same vote flow with JavaScript off."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, ComparisonFactory, ToolFactory, UserFactory, VoteFactory

EMAIL = "new-member@example.com"
# A lone vote, and what would change the call it makes (as patterns for to_have_text).
PRELIMINARY_ONE = re.escape("Preliminary (1 of 10 votes)")
SHIP_FIRM = re.escape("2 more skip votes would make the community call Skip; 1 would split it.")
SKIP_FIRM = re.escape("2 more ship votes would make the community call Ship; 1 would split it.")


@pytest.fixture
def comparison(transactional_db):
    alpha = ToolFactory(name="Alpha Model", slug="alpha-model")
    beta = ToolFactory(name="Beta Model", slug="beta-model", category=alpha.category)
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def confirmation_link(smtp_server, email: str) -> str:
    [message] = smtp_server.sink.to(email)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.text).group(0)


def test_sign_up_confirm_vote_change_bookmark_and_sign_out(page: Page, comparison, smtp_server):
    url = comparison.get_absolute_url()
    page.goto(url)
    card = page.locator("#tool-alpha-model")
    ship = card.get_by_role("button", name="Ship")
    skip = card.get_by_role("button", name="Skip")
    figure = card.locator("#community-figure-alpha-model")
    row = page.locator("#community-row-alpha-model")
    expect(figure).to_have_text("No community votes yet")

    # Signed out, a vote sends the reader to sign in, and the way there keeps the page.
    ship.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fcompare%2F"))
    page.get_by_role("link", name="Create an account").click()
    page.locator("main").get_by_label("Email").fill(EMAIL)
    page.locator("main").get_by_label("Password").fill("plenty-of-words-99")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # The link arrives over SMTP; following it confirms the address and signs the member in.
    page.goto(confirmation_link(smtp_server, EMAIL))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".account-menu summary")).to_contain_text(EMAIL)
    # Back on the page, the Ship pressed before signing up is cast; pressed again, taken back.
    expect(page).to_have_url(re.compile(f"{url}#tool-alpha-model$"))
    expect(ship).to_have_attribute("aria-pressed", "true")
    ship.click()
    expect(figure).to_have_text("No community votes yet")

    VoteFactory(tool=comparison.tool_b, value="skip")  # someone else's, so votes decide the pick
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    pick = page.locator("#pick")
    expect(pick).to_contain_text("Too close to call")
    expect(ship).to_have_attribute("aria-pressed", "false")
    ship.click()
    expect(ship).to_have_attribute("aria-pressed", "true")
    expect(figure).to_have_text("100% ship · Preliminary (1 of 10 votes)")
    # Ahead of Beta's 0%, and marked; under it, what would change the call.
    led = rf"^\s*100% ship · {PRELIMINARY_ONE} ▲Better\s*{SHIP_FIRM}\s*$"
    expect(row).to_have_text(re.compile(led))
    expect(pick).to_contain_text("Ship with Alpha Model.")
    expect(ship).to_be_focused()  # the swap keeps the keyboard where it was

    skip.click()
    expect(skip).to_have_attribute("aria-pressed", "true")
    expect(ship).to_have_attribute("aria-pressed", "false")
    expect(figure).to_have_text("0% ship · Preliminary (1 of 10 votes)")
    expect(row).to_have_text(re.compile(rf"^\s*0% ship · {PRELIMINARY_ONE}\s*{SKIP_FIRM}\s*$"))
    expect(pick).to_contain_text("Too close to call: level on community ship rate.")

    bookmark = card.get_by_role("button", name="Bookmark Alpha Model")
    bookmark.click()
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True  # all of it in place, no reload

    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Bookmarks", exact=True).click()
    expect(page.get_by_role("heading", name="Tools you saved")).to_be_visible()
    expect(page.locator("#tool-alpha-model")).to_be_visible()
    expect(page.locator("#tool-beta-model")).to_have_count(0)
    expect(page.locator("#community-figure-alpha-model")).to_have_text(
        "0% ship · Preliminary (1 of 10 votes)"
    )

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(url)
    expect(ship).to_have_attribute("aria-pressed", "false")
    expect(figure).to_have_text("0% ship · Preliminary (1 of 10 votes)")


def test_a_flood_of_votes_shows_a_notice_in_place(page: Page, comparison, settings, browser_errors):
    settings.VOTE_RATE_LIMIT = "1/m"
    member = UserFactory(verified=True)
    page.goto(f"/accounts/login/?next={comparison.get_absolute_url()}")
    page.locator("main").get_by_label("Email").fill(member.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    card = page.locator("#tool-alpha-model")
    card.get_by_role("button", name="Ship").click()
    expect(card.get_by_role("button", name="Ship")).to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Skip").click()
    expect(page.locator("#messages")).to_contain_text("Wait a minute")
    expect(card.get_by_role("button", name="Ship")).to_have_attribute("aria-pressed", "true")
    assert browser_errors and all("429" in error for error in browser_errors)
    browser_errors.clear()


def test_voting_without_javascript(page_without_js: Page, comparison):
    page = page_without_js
    member = UserFactory(verified=True)
    url = comparison.get_absolute_url()
    page.goto(url)
    card = page.locator("#tool-beta-model")
    ship = card.get_by_role("button", name="Ship")
    skip = card.get_by_role("button", name="Skip")

    ship.click()  # signed out: off to sign in, then straight back with the vote cast
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fcompare%2F"))
    page.locator("main").get_by_label("Email").fill(member.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(f"{url}#tool-beta-model$"))
    expect(page.locator("#messages")).to_contain_text("You'd ship Beta Model.")
    expect(ship).to_have_attribute("aria-pressed", "true")
    expect(card.locator("#community-figure-beta-model")).to_have_text(
        "100% ship · Preliminary (1 of 10 votes)"
    )
    expect(page.locator("#community-row-beta-model")).to_have_text(
        re.compile(rf"^\s*100% ship · {PRELIMINARY_ONE}\s*{SHIP_FIRM}\s*$")
    )

    skip.click()
    expect(skip).to_have_attribute("aria-pressed", "true")
    expect(ship).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#community-row-beta-model")).to_have_text(
        re.compile(rf"^\s*0% ship · {PRELIMINARY_ONE}\s*{SKIP_FIRM}\s*$")
    )

    skip.click()  # pressing the pressed button takes the vote back
    expect(skip).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#community-row-beta-model")).to_have_text("No community votes yet")


def test_quick_bookmarks_by_a_new_signed_out_reader_all_count(page: Page, transactional_db):
    slugs = [ToolFactory().slug for _ in range(3)]
    # Hold each answer back until the test lets it through, as a slow network would: posts
    # sent before the first answer brings the session cookie would each start a session.
    held = []
    page.route("**/bookmark/", lambda route: held.append((route, route.fetch())))
    page.goto("/tools/")
    for slug in slugs:
        page.locator(f"#bookmark-{slug}-button").click()
    answered = 0
    while answered < len(slugs):
        page.wait_for_timeout(100)
        assert len(held) <= 1, "bookmark posts went out together"
        for route, response in held:
            route.fulfill(response=response)
            answered += 1
        held.clear()
    for slug in slugs:
        expect(page.locator(f"#bookmark-{slug}-button")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="Bookmarks", exact=True).click()
    for slug in slugs:
        expect(page.locator(f"#tool-{slug}")).to_be_visible()
