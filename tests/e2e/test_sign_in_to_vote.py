"""Signed out, a reader presses Ship: the sign-in page says why, and once they are in (or have
signed up and confirmed) the vote is cast and they are back on the card they pressed."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, ComparisonFactory, ToolFactory, UserFactory


@pytest.fixture
def comparison(transactional_db):
    alpha = ToolFactory(name="Alpha Model", slug="alpha-model")
    beta = ToolFactory(name="Beta Model", slug="beta-model", category=alpha.category)
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def sign_in_here(page: Page, member) -> None:
    page.locator("main").get_by_label("Email").fill(member.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"], ids=["htmx", "no-js"])
def test_a_signed_out_ship_is_cast_after_signing_in(request, comparison, browser_page):
    page: Page = request.getfixturevalue(browser_page)
    member = UserFactory(verified=True)
    url = comparison.get_absolute_url()
    page.goto(url)
    page.locator("#tool-beta-model").get_by_role("button", name="Ship").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to vote ship on Beta Model")
    sign_in_here(page, member)

    expect(page).to_have_url(re.compile(f"{url}#tool-beta-model$"))
    expect(page.locator("#messages")).to_contain_text("You'd ship Beta Model. Thanks for voting.")
    card = page.locator("#tool-beta-model")
    expect(card.get_by_role("button", name="Ship")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("#community-figure-beta-model")).to_have_text(
        "100% ship · Preliminary (1 of 10 votes)"
    )
    expect(page.locator("#tool-alpha-model").get_by_role("button", name="Ship")).to_have_attribute(
        "aria-pressed", "false"
    )


def test_a_signed_out_skip_is_cast_after_signing_up_and_confirming(
    page: Page, comparison, smtp_server
):
    url = comparison.get_absolute_url()
    page.goto(url)
    page.locator("#tool-alpha-model").get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to vote skip on Alpha Model")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Create an account to vote skip on Alpha Model"
    )
    page.locator("main").get_by_label("Email").fill("new-member@example.com")
    page.locator("main").get_by_label("Password").fill("plenty-of-words-99")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("main")).to_contain_text("counts the vote you pressed")

    [message] = smtp_server.sink.to("new-member@example.com")
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.text).group(0))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(f"{url}#tool-alpha-model$"))
    expect(page.locator("#messages")).to_contain_text("You'd skip Alpha Model. Thanks for voting.")
    card = page.locator("#tool-alpha-model")
    expect(card.get_by_role("button", name="Skip")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("#community-figure-alpha-model")).to_have_text(
        "0% ship · Preliminary (1 of 10 votes)"
    )
