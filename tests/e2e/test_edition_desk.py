"""An editor makes a second edition in one week, tests it and sends it, in a real browser: the
picker finds a comparison by its title, the send buttons never leave an edit behind, and
sending shows what goes out and to how many before anything does."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from newsletter.editions import edition_key
from newsletter.models import Edition
from tests.factories import (
    PASSWORD,
    ComparisonFactory,
    EditionFactory,
    SubscriberFactory,
    ToolFactory,
    UserFactory,
)
from verdicts.celery import app as celery_app

EDITOR = "editor@verdicts.example"


@pytest.fixture
def eager_celery():
    """Queued emails go out from the live server's own thread, to the test SMTP server."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def desk(transactional_db, smtp_server, eager_celery):
    UserFactory(email=EDITOR, is_staff=True, is_superuser=True, verified=True)
    comparison = ComparisonFactory(
        tool_a=ToolFactory(name="Cursor"), tool_b=ToolFactory(name="Claude Code")
    )
    ComparisonFactory(tool_a=ToolFactory(name="Zed"), tool_b=ToolFactory(name="Helix"))
    readers = [SubscriberFactory().email for _ in range(2)]
    week, now = edition_key(timezone.now()), timezone.now()
    EditionFactory(key=week, status="sent", started_at=now, sent_at=now)  # Monday's
    return {"comparison": comparison, "readers": readers, "week": week}


def sign_in(page: Page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("main").get_by_label("Email").fill(EDITOR)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_an_editor_adds_tests_and_sends_a_second_edition_of_the_week(page: Page, desk, smtp_server):
    sign_in(page, "/admin/newsletter/edition/add/")
    expect(page.get_by_label("Key:")).to_have_value(f"{desk['week']}-2")
    expect(page.get_by_text(f"This week's edition is {desk['week']}")).to_be_visible()
    page.get_by_label("Subject:").fill("A midweek extra")

    # The picker: the title typed as it reads, names in the other order from the title.
    page.locator(".field-comparisons .select2-selection").click()
    page.locator(".select2-search__field").fill("Claude Code vs Cursor")
    option = page.locator(".select2-results__option", has_text="Cursor vs Claude Code")
    expect(option).to_have_count(1)
    option.click()

    page.get_by_role("button", name="Save and send me a test").click()
    expect(page.get_by_text(f"A test copy is on its way to {EDITOR}")).to_be_visible()
    [test_copy] = smtp_server.sink.to(EDITOR)
    assert test_copy.message["Subject"] == "[Test] A midweek extra"
    assert "Cursor vs Claude Code" in test_copy.text

    # An edit not yet saved goes with the press that leads to sending.
    page.get_by_label("Subject:").fill("A midweek extra, corrected")
    page.get_by_role("button", name="Save and review sending").click()
    expect(page).to_have_url(re.compile(r"/admin/newsletter/edition/\d+/send/$"))
    main = page.locator("#content-main")
    expect(main).to_contain_text("A midweek extra, corrected")
    expect(main).to_contain_text("Cursor vs Claude Code")
    expect(main).to_contain_text("Every active subscriber: 2 addresses")
    assert smtp_server.sink.to(desk["readers"][0]) == []  # nothing has gone out yet

    page.get_by_role("button", name="Send to 2 subscribers").click()
    expect(page.get_by_text("Sending to 2 active subscriber(s).")).to_be_visible()
    for reader in desk["readers"]:
        [copy] = smtp_server.sink.to(reader)
        assert copy.message["Subject"] == "A midweek extra, corrected"
    edition = Edition.objects.get(key=f"{desk['week']}-2")
    assert edition.status == Edition.Status.SENT


def test_the_test_copy_s_unsubscribe_link_opens_the_readers_page(page: Page, desk, smtp_server):
    draft = EditionFactory(comparisons=[desk["comparison"]])
    sign_in(page, f"/admin/newsletter/edition/{draft.pk}/change/")
    page.get_by_role("button", name="Save and send me a test").click()
    [test_copy] = smtp_server.sink.to(EDITOR)
    link = re.search(r"Unsubscribe: (\S+)", test_copy.text).group(1)

    response = page.goto(link)
    assert response.status == 200
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're off the list")
    expect(page.get_by_role("note")).to_contain_text("no address is taken off the list")
