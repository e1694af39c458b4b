"""Alerts through the real parts: an editor's edit in the admin, a Celery worker process,
Redis, PostgreSQL and an SMTP server on loopback. Assertions are on what that server got."""

import time

import pytest

from reviews.models import Review, ReviewEvent
from tests.factories import UserFactory
from tests.support.admin import admin_errors, admin_form
from tests.support.celery_worker import wait_for
from tests.watchlists.conftest import AT_ONCE, DAILY, choose
from watchlists.models import Alert, AlertDelivery
from watchlists.services import follow_set
from watchlists.tasks import collect_alerts, send_digests

pytestmark = pytest.mark.django_db(transaction=True)


def followers(alpha, n: int, prefix: str, **frequencies) -> list[str]:
    emails = []
    for i in range(n):
        member = UserFactory(email=f"{prefix}{i}@example.com")
        choose(member, **frequencies)
        follow_set(member=member, target=alpha, following=True)
        emails.append(member.email)
    return emails


def all_sent():
    return not AlertDelivery.objects.exclude(status="sent").exists()


def beat():
    """collect_alerts about once a second, as Celery beat would (every few seconds), until
    every delivery is sent."""
    last = 0.0

    def tick():
        nonlocal last
        if time.monotonic() - last > 1:
            collect_alerts.delay()
            last = time.monotonic()
        return all_sent()

    return tick


def test_an_edit_in_the_admin_is_one_history_row_one_alert_each_and_one_digest_entry(
    celery_worker, smtp_server, client, alpha
):
    now = followers(alpha, 3, "now", review=AT_ONCE)
    daily = followers(alpha, 2, "daily", review=DAILY)
    review = Review.objects.get(tool=alpha, persona__slug="skeptic")
    before = ReviewEvent.objects.count()

    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # an editor
    url = f"/admin/reviews/review/{review.pk}/change/"
    form = admin_form(client, url)
    form.update(score="62")
    assert admin_errors(client.post(url, form)) == []
    collect_alerts.delay()  # Celery beat's job every ALERT_COLLECT_INTERVAL

    wait_for(lambda: len(smtp_server.sink.received) >= 3, what="the alerts to arrive")
    assert ReviewEvent.objects.count() == before + 1
    assert smtp_server.sink.per_recipient() == dict.fromkeys(now, 1)
    for received in smtp_server.sink.received:
        assert "Alpha · Skeptic: 70 → 62" in received.text
    waiting = Alert.objects.waiting().filter(frequency=DAILY)
    assert sorted(waiting.values_list("follower__member__email", flat=True)) == daily

    send_digests.delay("daily")
    wait_for(lambda: len(smtp_server.sink.received) >= 5, what="the digests to arrive")
    assert smtp_server.sink.per_recipient() == dict.fromkeys(now + daily, 1)
    assert Alert.objects.count() == 5
    wait_for(all_sent, what="every delivery to be marked sent")


def test_a_worker_killed_mid_alert_loses_none_and_sends_at_most_the_one_in_flight_twice(
    start_worker, smtp_server, alpha, record_property
):
    everyone = followers(alpha, 40, "f", review=AT_ONCE)
    review = Review.objects.get(tool=alpha, persona__slug="skeptic")
    review.score = 62
    review.save()
    smtp_server.sink.stall_after = 20  # the server holds its "250" for the 20th message
    first = start_worker()
    collect_alerts.delay()
    assert smtp_server.sink.stalled.wait(30), "sending never got under way"
    in_flight = smtp_server.sink.received[19].recipients[0]

    first.kill()  # the whole worker, pool and all, while that message is in flight
    start_worker()
    # Beat runs collect_alerts every ALERT_COLLECT_INTERVAL; here the test keeps the time.
    # Once the dead worker's lease has run out its rows are due, and a sender is queued.
    wait_for(
        beat(),
        timeout=60,
        what="every alert to be sent after the kill",
    )
    counts = smtp_server.sink.per_recipient()
    assert set(counts) == set(everyone)
    extra = {address: n for address, n in counts.items() if n > 1}
    record_property("duplicates", sum(n - 1 for n in extra.values()))
    print(f"\nworker killed with one alert in flight: duplicates {extra}")
    assert extra in ({}, {in_flight: 2})
    ids = {r.message["Message-ID"] for r in smtp_server.sink.received}
    assert len(ids) == len(everyone)  # the copy sent twice carries the same Message-ID
