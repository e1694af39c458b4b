"""The dated history of verdicts: kept by PostgreSQL triggers (pghistory), so every write
path lands in it, and shown on the tool and comparison pages, /moved/, /corrections/, the
feeds, the API and the weekly edition."""

import datetime as dt
import html
import re

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from comparisons.models import ComparisonEvent
from comparisons.services import picks_record
from reviews.history import corrections, tool_history
from reviews.models import Call, Review, ReviewEvent
from reviews.services import review_save
from tests.factories import (
    ComparisonFactory,
    EditionFactory,
    ReviewFactory,
    ToolFactory,
    VoteFactory,
)
from tests.support.admin import admin_errors, admin_form
from tools.models import Tool, ToolEvent, VerdictDay

pytestmark = pytest.mark.django_db


def text(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


@pytest.fixture
def reviewed(panel):
    """Alpha, reviewed by the whole panel (Skeptic 70, ship), against Beta."""
    builder, skeptic, futurist, founder = panel
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    for seat, score in ((builder, 80), (skeptic, 70), (futurist, 75), (founder, 72)):
        ReviewFactory(tool=alpha, persona=seat, score=score, call=Call.SHIP)
    ReviewFactory(tool=beta, persona=builder, score=60, call=Call.SHIP)
    return alpha, beta


def skeptic_review(tool: Tool) -> Review:
    return Review.objects.get(tool=tool, persona__slug="skeptic")


def test_an_edit_in_the_admin_is_one_dated_history_row_with_the_old_and_new(
    client, editor, reviewed
):
    alpha, _ = reviewed
    review = skeptic_review(alpha)
    before = ReviewEvent.objects.count()
    client.force_login(editor)
    url = f"/admin/reviews/review/{review.pk}/change/"
    form = admin_form(client, url)
    form.update(score="62", call="skip")
    assert admin_errors(client.post(url, form)) == []
    assert ReviewEvent.objects.count() == before + 1
    [change] = [c for c in tool_history(alpha) if c.subject == "Skeptic" and "→" in c.what]
    assert change.what == "70 → 62, ship → skip"
    assert change.at.date() == timezone.localdate()
    page = text(client.get("/tools/alpha/").content.decode())
    assert f"Skeptic: 70 → 62, ship → skip · {timezone.localdate():%-d %b %Y}" in page


def test_a_plain_update_and_raw_sql_cannot_skip_the_history(reviewed):
    alpha, _ = reviewed
    Review.objects.filter(pk=skeptic_review(alpha).pk).update(score=55)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tools_tool SET pricing_entry = 'paid' WHERE slug = 'alpha'")
        cursor.execute(
            "UPDATE tools_tool SET panel_ships = 0, panel_skips = 4 WHERE slug = 'alpha'"
        )
    lines = [c.line for c in tool_history(alpha)]
    assert "Skeptic: 70 → 55" in lines
    assert "Entry price: Free → Paid" in lines
    assert "Panel call: Ship → Skip" in lines


def test_the_history_is_append_only(reviewed):
    alpha, beta = reviewed
    ReviewFactory(tool=beta, persona=skeptic_review(alpha).persona, score=1)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        ReviewEvent.objects.update(score=99)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        ToolEvent.objects.all().delete()


def test_a_correction_carries_its_note_to_the_history_and_the_corrections_page(
    client, editor, reviewed
):
    alpha, _ = reviewed
    client.force_login(editor)
    url = f"/admin/tools/tool/{alpha.pk}/change/"
    form = admin_form(client, url)
    assert "correction_note" in form
    prefix = next(
        k for k, v in form.items() if k.endswith("-id") and v == str(skeptic_review(alpha).pk)
    )[:-3]
    form[f"{prefix}-score"] = "26"
    form["correction_note"] = "The Skeptic's score was entered as 70, not 26."
    assert admin_errors(client.post(url, form)) == []
    [fixed] = corrections()
    assert (fixed.line, fixed.tool) == ("Skeptic: 70 → 26", alpha)
    assert fixed.correction == "The Skeptic's score was entered as 70, not 26."
    client.logout()
    page = text(client.get("/corrections/").content.decode())
    assert "Alpha · Skeptic: 70 → 26" in page
    assert "correction: The Skeptic's score was entered as 70, not 26." in page
    tool_page = text(client.get("/tools/alpha/").content.decode())
    assert "correction: The Skeptic's score was entered as 70, not 26." in tool_page


def test_an_ordinary_edit_is_no_correction(client, editor, reviewed):
    alpha, _ = reviewed
    review = skeptic_review(alpha)
    review.score = 71
    review_save(review=review)
    assert corrections() == []
    assert "No corrections yet." in client.get("/corrections/").content.decode()


def test_the_pick_is_recorded_when_it_changes_and_the_page_says_since_when(
    client, reviewed, django_capture_on_commit_callbacks
):
    alpha, beta = reviewed
    comparison = ComparisonFactory(tool_a=alpha, tool_b=beta)
    assert picks_record() == 1  # the sweep finds it unrecorded
    comparison.refresh_from_db()
    assert comparison.pick_winner == alpha
    assert picks_record() == 0  # nothing moved: nothing recorded
    since = comparison.pick_since
    page = text(client.get(comparison.get_absolute_url()).content.decode())
    assert f"Our answer since {since:%-d %b %Y}" in page

    # Alpha's whole panel turns to skip, so Beta's panel ship rate leads.
    with django_capture_on_commit_callbacks(execute=True):  # the page cache moves on
        for seat in ("builder", "skeptic", "futurist", "founder"):
            review = Review.objects.get(tool=alpha, persona__slug=seat)
            review.call = Call.SKIP
            review_save(review=review)
        assert picks_record() == 1
    comparison.refresh_from_db()
    assert comparison.pick_winner == beta
    assert ComparisonEvent.objects.filter(pgh_obj=comparison).count() == 2
    page = text(client.get(comparison.get_absolute_url()).content.decode())
    assert "The pick's record" in page
    assert "ship with Beta." in page and "ship with Alpha." in page
    moved = text(client.get("/moved/").content.decode())
    assert "Alpha vs Beta · the pick is now: ship with Beta" in moved


def test_what_moved_this_week_lists_flips_prices_and_what_is_new(client, reviewed, member):
    alpha, beta = reviewed
    Tool.objects.filter(pk=beta.pk).update(pricing_entry="paid")
    VoteFactory(tool=alpha, value="skip")
    old = ToolFactory(name="Old news", published_at=timezone.now() - dt.timedelta(days=30))
    page = text(client.get("/moved/").content.decode())
    assert "Verdicts that flipped" in page
    assert "Alpha · Community call: No community votes yet → Skip" in page
    assert "Beta · Entry price: Free → Paid" in page
    assert "New: Alpha" in page and "New: Beta" in page
    assert f"New: {old.name}" not in page
    feed = client.get("/feeds/moved/").content.decode()
    assert "Beta · Entry price: Free → Paid" in feed


def test_the_api_and_a_feed_per_tool_give_the_history(client, reviewed):
    alpha, _ = reviewed
    review = skeptic_review(alpha)
    review.score = 64
    with pghistory.context(correction="A typo."):
        review_save(review=review)
    answer = client.get("/api/tools/alpha/history/").json()
    [fixed] = [change for change in answer if change["line"] == "Skeptic: 70 → 64"]
    assert fixed["correction"] == "A typo." and fixed["kind"] == "review"
    assert {change["kind"] for change in answer} == {"review", "call"}
    assert client.get("/api/tools/nothing/history/").status_code == 404
    feed = client.get("/feeds/tools/alpha/history/").content.decode()
    assert "<title>Skeptic: 70 → 64</title>" in feed
    assert (
        client.get("/tools/alpha/").content.decode().count('href="/feeds/tools/alpha/history/"')
        >= 0
    )


def test_every_card_says_when_its_panel_verdict_was_updated(client, reviewed):
    alpha, _ = reviewed
    Tool.objects.filter(pk=alpha.pk).update(
        verdict_updated_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    )
    page = text(client.get("/tools/").content.decode())
    assert "Panel verdict updated 30 Nov 2026" in page
    review = skeptic_review(alpha)
    review.score = 20
    review_save(review=review)  # a trigger moves the date with the verdict
    alpha.refresh_from_db()
    assert alpha.verdict_updated_at.date() == timezone.localdate()


def test_the_weekly_edition_carries_what_moved_and_keeps_it_as_sent(
    client, reviewed, smtp_server, editor
):
    from newsletter.editions import edition_begin
    from newsletter.sending import edition_send_copy

    alpha, beta = reviewed
    Tool.objects.filter(pk=beta.pk).update(pricing_entry="paid")
    edition = EditionFactory(comparisons=[ComparisonFactory(tool_a=alpha, tool_b=beta)])
    edition = edition_begin(edition=edition)
    Tool.objects.filter(pk=beta.pk).update(pricing_entry="freemium")  # after it went out
    edition_send_copy(edition_id=edition.pk, email="reader@example.com")
    [message] = smtp_server.sink.received
    body = message.text  # the plain-text part as the SMTP server received it
    assert "== What moved this week ==" in body
    assert "- Beta · Entry price: Free → Paid" in body
    assert "Paid → Freemium" not in body  # the edition says what it said when it went out
    client.force_login(editor)
    page = text(client.get(f"/newsletter/{edition.key}/").content.decode())
    assert "What moved this week" in page and "Beta · Entry price: Free → Paid" in page


def test_an_edition_lists_what_moved_most_and_links_to_the_rest(reviewed, smtp_server, settings):
    """A week in which many things moved: the calls first, then a line to the whole list."""
    from newsletter.editions import edition_begin
    from newsletter.sending import edition_send_copy

    settings.NEWSLETTER_MOVED_LINES = 2
    _, beta = reviewed
    for index in range(4):
        ToolFactory(name=f"Newcomer {index}")
    Tool.objects.filter(pk=beta.pk).update(pricing_entry="paid")
    edition = edition_begin(edition=EditionFactory())
    edition_send_copy(edition_id=edition.pk, email="reader@example.com")
    [message] = smtp_server.sink.received
    section = message.text.split("== What moved this week ==", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert "Panel call:" in lines[0]  # a flipped call before a price or a newcomer
    assert not any("Newcomer" in line for line in lines)
    assert len(lines) == 3 and re.fullmatch(r"- And \d+ more changes this week", lines[2])
    assert "/moved/" in section


def test_a_tool_page_draws_its_ship_rates_over_time(client, reviewed):
    alpha, _ = reviewed
    today = timezone.localdate()
    for back, (panel, community) in enumerate([(50, 40), (75, 60), (100, 80)], start=1):
        day = today - dt.timedelta(days=4 - back)
        VerdictDay.objects.create(tool=alpha, day=day, panel_pct=panel, community_pct=community)
    page = client.get("/tools/alpha/").content.decode()
    [panel] = re.findall(r'class="chart__line chart__line--0" points="([^"]+)"', page)
    assert panel.split()[0] == "0.0,50.0"  # the oldest point: 50% on the left
    assert panel.split()[-1] == "100.0,0.0"  # today, 100%, on the right
    assert "Ship rates from" in page and "panel 50% to 100%" in page


def test_at_one_time_the_cause_is_told_before_the_call_it_flipped(panel):
    """Changes in one transaction share a time, and the event tables' ids say nothing of
    their order across tables: the review comes first whatever the ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tools_toolcallevent', 'pgh_id'), 900000)"
        )
    tool = ToolFactory(name="Gamma", slug="gamma")
    ReviewFactory(tool=tool, persona=panel[1], score=40, call=Call.SKIP)
    [newest, *_] = tool_history(tool)
    assert newest.line == "Skeptic: reviewed it: 40, skip"
    assert [c.line for c in tool_history(tool)][1] == "Panel call: Awaiting panel → Skip"
