"""Following a tool in a real browser: a member follows it, an editor flips its Skeptic
review in the admin, the alert reaches the member's inbox (the test SMTP server) with the
old and the new score, and the tool page's History shows the change."""

import pytest
from playwright.sync_api import Browser, Page, expect

from reviews.models import Call, Review
from tests.factories import PASSWORD, PersonaFactory, ReviewFactory, ToolFactory, UserFactory
from watchlists.collect import alerts_collect
from watchlists.models import AlertSetting, Follow
from watchlists.sending import alerts_deliver


@pytest.fixture
def alpha(transactional_db):
    tool = ToolFactory(name="Alpha", slug="alpha")
    for order, name in enumerate(["Builder", "Skeptic", "Futurist", "Founder"], start=1):
        seat = PersonaFactory(name=name, slug=name.lower(), order=order)
        ReviewFactory(
            tool=tool, persona=seat, score=70 if name == "Skeptic" else 80, call=Call.SHIP
        )
    return tool


def signed_in(browser: Browser, site: str, user, errors: list[str]) -> Page:
    context = browser.new_context(base_url=site)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.locator("main").get_by_label("Email").fill(user.email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {user.email}", exact=True)).to_be_attached()
    return page


def test_a_member_follows_a_tool_and_hears_of_the_skeptics_flip(
    browser, site, alpha, smtp_server, browser_errors
):
    member = UserFactory(email="follower@example.com", verified=True)
    editor = UserFactory(is_staff=True, is_superuser=True, verified=True)

    reader = signed_in(browser, site, member, browser_errors)
    reader.goto("/tools/alpha/")
    reader.evaluate("window.notReloaded = true")
    reader.get_by_role("button", name="Follow Alpha").click()
    expect(reader.get_by_role("button", name="Following Alpha")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert reader.evaluate("window.notReloaded") is True  # htmx swapped the button in place
    assert Follow.objects.filter(follower__member=member, tool=alpha, active=True).exists()
    follower = Follow.objects.get(follower__member=member).follower
    AlertSetting.objects.create(follower=follower, kind="review", frequency="at-once")

    desk = signed_in(browser, site, editor, browser_errors)
    skeptics = Review.objects.get(tool=alpha, persona__slug="skeptic")
    desk.goto(f"/admin/reviews/review/{skeptics.pk}/change/")
    desk.get_by_label("Score").fill("62")
    desk.get_by_label("Call").select_option("skip")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")

    alerts_collect()  # Celery beat's collection, and a worker's send, run here
    assert alerts_deliver().finished
    [received] = smtp_server.sink.to("follower@example.com")
    assert "Alpha · Skeptic: 70 → 62, ship → skip" in received.text
    assert "Alpha · Skeptic: 70 → 62, ship → skip" in received.html

    reader.goto("/tools/alpha/")
    history = reader.get_by_role("region", name="History")
    expect(history).to_contain_text("Skeptic: 70 → 62, ship → skip")
    assert browser_errors == []
