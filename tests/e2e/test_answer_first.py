"""The answer comes first: a reader sees the pick and why without scrolling, on a desktop and
on a phone, and a vote that changes it changes it in place, lead marks included."""

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.factories import PASSWORD, ToolFactory, UserFactory, VoteFactory

COMPARISON = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"
FOUR_TOOLS = "/compare/?tools=smolvlm2-turbo,mistral-8x22b-v2,claude-code,cursor"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.mark.parametrize("path", [COMPARISON, FOUR_TOOLS])
@pytest.mark.parametrize("size", SIZES)
def test_the_pick_is_in_the_first_screenful(browser: Browser, demo_site, path, size):
    context = browser.new_context(base_url=demo_site, viewport=SIZES[size])
    page = context.new_page()
    page.goto(path)
    pick = page.locator("#pick")
    expect(pick.locator(".pick__answer")).to_have_text(re.compile(r"^Ship with .+\.$"))
    box = pick.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= SIZES[size]["height"], box
    context.close()


def test_a_vote_that_changes_the_pick_changes_it_and_the_marks_in_place(page, transactional_db):
    """Two tools the panel has not judged: the community decides, and a vote moves it."""
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    VoteFactory(tool=beta, value="skip")
    member = UserFactory(verified=True)
    page.goto("/accounts/login/?next=/compare/alpha-vs-beta/")
    page.locator("main").get_by_label("Email").fill(member.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    community = page.get_by_role("row", name="Community")
    expect(page.locator("#pick .pick__answer")).to_have_text("Too close to call.")
    expect(community.locator(".lead-mark")).to_have_count(0)
    page.locator("#tool-alpha").get_by_role("button", name="Ship").click()
    expect(page.locator("#pick .pick__answer")).to_have_text("Ship with Alpha.")
    expect(community.get_by_role("cell").first.locator(".lead-mark")).to_have_text("▲Better")
    expect(community.locator(".lead-mark")).to_have_count(1)
