"""A member finds their account from the header, with a keyboard or without JavaScript, and
deletes it: every browser they were signed in on is signed out and the counts move."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import assert_clean, axe_source  # noqa: F401  (the fixture)
from tests.factories import PASSWORD, ToolFactory, UserFactory, VoteFactory


@pytest.fixture
def member(transactional_db):
    return UserFactory(verified=True, name="Ada Lovelace")


def sign_in(page: Page, member, next_url: str = "/") -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("main").get_by_label("Email").fill(member.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-menu summary")).to_contain_text("Ada Lovelace")


def test_the_account_menu_works_from_the_keyboard(page: Page, member):
    sign_in(page, member, "/tools/")
    menu = page.locator(".account-menu")
    account = menu.get_by_role("link", name="Your account")
    expect(account).to_be_hidden()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(account).to_be_visible()
    expect(menu).to_contain_text(member.email)
    for name in ["Bookmarks", "Change email", "Change password"]:
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    page.keyboard.press("Tab")
    expect(account).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()


def test_the_account_menu_and_pages_fit_a_phone(page: Page, transactional_db):
    member = UserFactory(verified=True, email=f"{'a-rather-long-name' * 3}@example.com")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.locator("main").get_by_label("Email").fill(member.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.locator(".account-menu summary").click()
    panel = page.locator(".account-menu__panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
    too_wide = {}
    for path in ["/", "/accounts/", "/accounts/email/", "/accounts/sessions/", "/accounts/delete/"]:
        page.goto(path)
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            too_wide[path] = width
    assert too_wide == {}


def test_the_account_menu_works_without_javascript(page_without_js: Page, member):
    page = page_without_js
    sign_in(page, member)
    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_deleting_an_account_signs_out_everywhere_and_moves_the_counts(
    page: Page, browser, site, member
):
    tool = ToolFactory(name="Alpha Model", slug="alpha-model")
    VoteFactory(member=member, tool=tool, value="ship")
    VoteFactory(tool=tool, value="skip")  # someone else's
    other = browser.new_context(base_url=site)
    elsewhere = other.new_page()
    sign_in(elsewhere, member)
    sign_in(page, member, tool.get_absolute_url())
    expect(page.locator("#community-figure-alpha-model")).to_have_text(
        "50% ship · Preliminary (2 of 10 votes)"
    )

    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Delete your account").click()
    removes = page.get_by_role("list").filter(has_text="ship or skip")
    expect(removes).to_contain_text("Your vote on 1 tool, ship or skip")
    expect(removes).to_contain_text("Your sign-ins on 2 browsers")
    expect(removes).to_contain_text(member.email)
    page.locator("main").get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.locator("#messages")).to_contain_text("Your account is deleted")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator(".account-menu")).to_have_count(0)
    elsewhere.reload()
    expect(elsewhere.get_by_role("link", name="Sign in")).to_be_visible()
    expect(elsewhere.locator(".account-menu")).to_have_count(0)
    page.goto(tool.get_absolute_url())
    expect(page.locator("#community-figure-alpha-model")).to_have_text(
        "0% ship · Preliminary (1 of 10 votes)"
    )
    other.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_account_pages_and_the_open_menu_have_no_axe_violations(
    request, browser, site, member, scheme, browser_errors
):
    axe = request.getfixturevalue("axe_source")
    context = browser.new_context(base_url=site, color_scheme=scheme)
    page = context.new_page()
    sign_in(page, member)
    page.locator(".account-menu summary").click()
    assert_clean(page, axe)
    for path in [
        "/accounts/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/delete/",
        "/accounts/logout/",
    ]:
        page.goto(path)
        assert_clean(page, axe)
    context.close()
