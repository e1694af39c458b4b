"""Alerts from the history: who hears of what, once, batched, and how they stop."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from comparisons.services import picks_record
from reviews.models import Review
from reviews.services import review_save
from tests.factories import (
    BookmarkFactory,
    ComparisonFactory,
    ReviewFactory,
    ToolFactory,
    UserFactory,
)
from tests.support.wire import header_problems
from tests.watchlists.conftest import AT_ONCE, DAILY, NEVER, choose
from watchlists.collect import alerts_collect, digests_gather
from watchlists.models import Alert, AlertDelivery, Follow
from watchlists.sending import alerts_deliver
from watchlists.services import follow_set

pytestmark = pytest.mark.django_db(transaction=True)


def rescore(tool, seat: str, score: int, call: str | None = None) -> Review:
    review = Review.objects.get(tool=tool, persona__slug=seat)
    review.score = score
    review.call = call or review.call
    return review_save(review=review)


def collect_and_send() -> None:
    alerts_collect()
    assert alerts_deliver().finished


def test_a_change_alerts_each_follower_once_however_often_collection_runs(alpha, smtp_server):
    follower = UserFactory(email="ann@example.com")
    choose(follower, review=AT_ONCE)
    follow_set(member=follower, target=alpha, following=True)
    UserFactory(email="bystander@example.com")
    rescore(alpha, "skeptic", 62)

    collect_and_send()
    collect_and_send()  # a second run reads the same event again (SETTLE) and writes nothing

    assert Alert.objects.count() == 1
    [received] = smtp_server.sink.received
    assert received.recipients == ["ann@example.com"]
    assert "Alpha · Skeptic: 70 → 62" in received.text
    assert "https://verdicts.example/tools/alpha/" in received.html


def test_a_bookmark_follows_until_the_member_unfollows(alpha, smtp_server):
    saver = UserFactory(email="saver@example.com")
    BookmarkFactory(member=saver, tool=alpha)
    choose(saver, review=AT_ONCE)
    rescore(alpha, "skeptic", 62)
    collect_and_send()
    assert smtp_server.sink.per_recipient() == {"saver@example.com": 1}

    follow_set(member=saver, target=alpha, following=False)  # still bookmarked
    AlertDelivery.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    rescore(alpha, "skeptic", 55)
    collect_and_send()
    assert smtp_server.sink.per_recipient() == {"saver@example.com": 1}
    assert alpha.bookmarks.filter(member=saver).exists()


def test_five_flips_in_a_minute_send_one_email_and_the_rest_wait_for_the_gap(
    alpha, smtp_server, settings
):
    member = UserFactory(email="busy@example.com")
    choose(member, review=AT_ONCE, call=AT_ONCE)
    follow_set(member=member, target=alpha, following=True)
    rescore(alpha, "skeptic", 61)
    collect_and_send()
    for score in (62, 63, 64, 65):
        rescore(alpha, "skeptic", score)
        collect_and_send()  # beat's runs through the minute

    assert len(smtp_server.sink.received) == 1
    assert Alert.objects.waiting().count() == 4

    settings.ALERT_AT_ONCE_GAP = 0  # the gap has passed
    collect_and_send()
    first, second = smtp_server.sink.received
    assert "70 → 61" in first.text
    assert [line for line in second.text.splitlines() if "Skeptic" in line] == [
        f"- Alpha · Skeptic: {a} → {b} ({t})"
        for (a, b), t in zip(
            ((61, 62), (62, 63), (63, 64), (64, 65)),
            (f"{a.at:%-d %b %Y, %H:%M}" for a in Alert.objects.order_by("at")[1:]),
            strict=True,
        )
    ]
    assert second.message["Subject"] == "4 changes in what you follow"


def one_click(url: str):
    """What a mail client does with List-Unsubscribe-Post: no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_one_click_unsubscribe_stops_only_that_kind(alpha, smtp_server, settings):
    settings.ALERT_AT_ONCE_GAP = 0
    member = UserFactory(email="picky@example.com")
    choose(member, review=AT_ONCE, call=AT_ONCE)
    follow_set(member=member, target=alpha, following=True)
    rescore(alpha, "skeptic", 62)  # a review change, no flip
    collect_and_send()
    [received] = smtp_server.sink.received

    head = received.raw.partition(b"\r\n\r\n")[0]
    assert header_problems(received.raw) == []
    [line] = [raw for raw in head.split(b"\r\n") if raw.startswith(b"List-Unsubscribe:")]
    url = line.removeprefix(b"List-Unsubscribe: <").removesuffix(b">").decode()
    assert url.startswith("https://verdicts.example/following/unsubscribe/")
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in received.raw
    assert b"=?" not in line

    assert Client().get(urlsplit(url).path).status_code == 200  # looking changes nothing
    rescore(alpha, "skeptic", 60)
    collect_and_send()
    assert len(smtp_server.sink.received) == 2

    assert one_click(url).status_code == 200
    rescore(alpha, "skeptic", 58)  # a review change: off now
    collect_and_send()
    assert len(smtp_server.sink.received) == 2
    for seat in ("builder", "futurist", "founder"):  # three skips: the panel call flips
        rescore(alpha, seat, 40, "skip")
    collect_and_send()
    third = smtp_server.sink.received[2]
    assert "Alpha · Panel call: Ship → Split" in third.text
    assert "Alpha · Panel call: Split → Skip" in third.text
    assert "Skeptic" not in third.text


def test_an_unsubscribe_link_we_did_not_sign_is_a_404(client):
    assert client.get("/following/unsubscribe/made-up:value/").status_code == 404
    assert one_click("https://verdicts.example/following/unsubscribe/x:y/").status_code == 404


def test_daily_followers_get_one_digest_with_every_change(alpha, smtp_server):
    member = UserFactory(email="daily@example.com")
    choose(member, review=DAILY, price=DAILY)
    follow_set(member=member, target=alpha, following=True)
    rescore(alpha, "skeptic", 62)
    alpha.pricing_entry = "paid"
    alpha.save()
    collect_and_send()
    assert smtp_server.sink.received == []
    assert Alert.objects.waiting().filter(frequency=DAILY).count() == 2

    digests_gather(frequency=DAILY)
    digests_gather(frequency=DAILY)  # beat firing twice sends one digest
    assert alerts_deliver().finished
    [digest] = smtp_server.sink.received
    assert digest.message["Subject"] == "Your daily digest: 2 changes you follow"
    assert "Skeptic: 70 → 62" in digest.text and "Entry price: Free → Paid" in digest.text


def test_categories_comparisons_and_seats_can_be_followed(alpha, panel, smtp_server, settings):
    settings.ALERT_AT_ONCE_GAP = 0
    member = UserFactory(email="wide@example.com")
    choose(member, new_comparison=AT_ONCE, persona_review=AT_ONCE, pick=AT_ONCE)
    follow_set(member=member, target=alpha.category, following=True)
    follow_set(member=member, target=panel[1], following=True)  # the Skeptic

    beta = ToolFactory(name="Beta", category=alpha.category)
    comparison = ComparisonFactory(tool_a=alpha, tool_b=beta)
    picks_record()
    ReviewFactory(tool=beta, persona=panel[1], score=90, call="ship")
    collect_and_send()
    texts = " ".join(r.text for r in smtp_server.sink.received)
    assert "New comparison: Alpha vs Beta" in texts
    assert "Skeptic reviewed Beta: 90, ship" in texts

    follow_set(member=member, target=comparison, following=True)
    for seat in panel:  # Beta ships 4–0, Alpha gets skips: the pick flips to Beta
        ReviewFactory(tool=beta, persona=seat, score=95, call="ship") if seat != panel[1] else None
    for seat in ("builder", "skeptic", "futurist"):
        rescore(alpha, seat, 30, "skip")
    picks_record()
    collect_and_send()
    lines = smtp_server.sink.received[-1].text.splitlines()
    [pick] = [line for line in lines if line.startswith("- ") and "pick" in line]
    assert pick.startswith("- Alpha vs Beta · the pick: ") and " → Beta (" in pick


def test_never_writes_no_alert(alpha, smtp_server):
    member = UserFactory()
    choose(member, review=NEVER)
    follow_set(member=member, target=alpha, following=True)
    rescore(alpha, "skeptic", 62)
    collect_and_send()
    assert not Alert.objects.exists() and smtp_server.sink.received == []
    assert Follow.objects.get().active
