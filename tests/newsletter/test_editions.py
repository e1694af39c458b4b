"""Composing the weekly edition, its life from draft to sent, and the beat schedule."""

import datetime as dt
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from newsletter.editions import EditionStateError, edition_compose, edition_key
from newsletter.models import Delivery, Edition
from newsletter.services import edition_pause, edition_resume, edition_start
from newsletter.tasks import compose_weekly_edition
from tests.factories import ComparisonFactory, EditionFactory, SubscriberFactory, ToolFactory

pytestmark = pytest.mark.django_db

# A Monday 08:00 a few weeks back, so that "published" (up to the real now) holds for
# everything these tests publish around it.
_weeks_ago = timezone.now() - dt.timedelta(weeks=3)
MONDAY = (_weeks_ago - dt.timedelta(days=_weeks_ago.weekday())).replace(
    hour=8, minute=0, second=0, microsecond=0
)


def published(days_ago: float, **kwargs):
    return ComparisonFactory(published_at=MONDAY - dt.timedelta(days=days_ago), **kwargs)


def test_no_new_comparison_means_no_edition(django_capture_on_commit_callbacks):
    published(days_ago=30)  # before the first edition's window
    ComparisonFactory(status="draft", published_at=None)
    with django_capture_on_commit_callbacks() as queued:
        assert edition_compose(now=MONDAY) is None
    assert not Edition.objects.exists() and queued == []


def test_the_edition_holds_the_weeks_comparisons_and_goes_to_active_subscribers(
    django_capture_on_commit_callbacks,
):
    older, newer = published(days_ago=3), published(days_ago=1)
    published(days_ago=-1)  # scheduled for tomorrow
    readers = [SubscriberFactory() for _ in range(3)]
    SubscriberFactory(pending=True)
    SubscriberFactory(unsubscribed=True)

    with django_capture_on_commit_callbacks() as queued:
        edition = edition_compose(now=MONDAY)

    year, week, _ = MONDAY.isocalendar()
    assert edition.key == f"{year}-w{week:02d}"
    assert list(edition.comparisons.newest_first()) == [newer, older]
    assert edition.subject == f"This week on Verdicts: {newer.title}, and 1 more"
    assert edition.status == Edition.Status.SENDING and edition.started_at
    assert edition.covers_until == MONDAY
    assert {d.subscriber for d in edition.deliveries.all()} == set(readers)
    assert queued == []  # composing writes rows; whoever composed starts the senders


def test_a_subject_of_the_longest_names_is_shortened_to_fit():
    first = published(
        days_ago=1, tool_a=ToolFactory(name="A" * 60), tool_b=ToolFactory(name="B" * 120)
    )
    published(days_ago=2)
    edition = edition_compose(now=MONDAY)
    assert len(edition.subject) == Edition._meta.get_field("subject").max_length
    assert edition.subject.startswith(f"This week on Verdicts: {first.tool_a.name} vs BBB")
    assert edition.subject.endswith("B…, and 1 more")


def test_the_weekly_task_composes_and_starts_the_senders_once_committed(
    django_capture_on_commit_callbacks,
):
    ComparisonFactory(published_at=timezone.now() - dt.timedelta(days=1))
    SubscriberFactory()
    with django_capture_on_commit_callbacks() as queued:
        edition_id = compose_weekly_edition()
    assert Edition.objects.get(pk=edition_id).status == Edition.Status.SENDING
    # send_edition, once per parallel sender, once the rows are committed
    assert len(queued) == settings.NEWSLETTER_SENDERS


def test_composing_twice_in_a_week_finds_the_key_taken(django_capture_on_commit_callbacks):
    published(days_ago=1)
    with django_capture_on_commit_callbacks():
        first = edition_compose(now=MONDAY)
    published(days_ago=0.01)
    with django_capture_on_commit_callbacks() as queued:
        assert edition_compose(now=MONDAY + dt.timedelta(hours=2)) is None
    assert list(Edition.objects.all()) == [first] and queued == []


def test_next_week_starts_where_the_last_edition_stopped(django_capture_on_commit_callbacks):
    shown = published(days_ago=1)
    with django_capture_on_commit_callbacks():
        edition_compose(now=MONDAY)
    later = published(days_ago=-3)  # published on Thursday
    with django_capture_on_commit_callbacks():
        second = edition_compose(now=MONDAY + dt.timedelta(days=7))
    assert second.key == edition_key(MONDAY + dt.timedelta(days=7))
    assert list(second.comparisons.all()) == [later]
    assert shown not in second.comparisons.all()
    assert second.subject == f"This week on Verdicts: {later.title}"


def test_a_comparison_already_in_an_edition_is_not_repeated(django_capture_on_commit_callbacks):
    comparison = published(days_ago=1)
    EditionFactory(comparisons=[comparison], covers_until=MONDAY - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks():
        assert edition_compose(now=MONDAY) is None


@pytest.mark.django_db(transaction=True)
def test_two_composers_at_the_same_moment_make_one_edition():
    published(days_ago=1)
    barrier = threading.Barrier(2)
    results = []

    def compose():
        try:
            barrier.wait()
            results.append(edition_compose(now=MONDAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=compose) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Edition.objects.count() == 1
    assert sorted(r is None for r in results) == [False, True]


def test_the_database_refuses_a_second_edition_with_the_same_key():
    EditionFactory(key="2026-w48")
    with pytest.raises(IntegrityError):
        EditionFactory(key="2026-w48")


def test_the_database_refuses_a_second_delivery_of_an_edition_to_a_subscriber():
    edition, subscriber = EditionFactory(), SubscriberFactory()
    Delivery.objects.create(edition=edition, subscriber=subscriber)
    with pytest.raises(IntegrityError):
        Delivery.objects.create(edition=edition, subscriber=subscriber)


def test_keys_that_would_hide_a_page_are_refused():
    with pytest.raises(ValidationError):
        EditionFactory.build(key="subscribe", covers_until=timezone.now()).full_clean()


def test_an_edition_key_is_its_iso_week():
    assert edition_key(dt.datetime(2027, 1, 1, tzinfo=dt.UTC)) == "2026-w53"
    assert edition_key(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)) == "2026-w48"


def test_starting_writes_a_row_per_active_subscriber_and_only_once(
    django_capture_on_commit_callbacks,
):
    SubscriberFactory.create_batch(4)
    edition = EditionFactory()
    with django_capture_on_commit_callbacks():
        edition_start(edition=edition)
    assert edition.deliveries.count() == 4
    with pytest.raises(EditionStateError):
        edition_start(edition=edition)
    assert edition.deliveries.count() == 4


def test_pause_and_resume_move_between_the_sending_states(django_capture_on_commit_callbacks):
    edition = EditionFactory()
    with pytest.raises(EditionStateError):
        edition_pause(edition=edition)
    with django_capture_on_commit_callbacks():
        edition_start(edition=edition)
    assert edition_pause(edition=edition).status == Edition.Status.PAUSED
    with pytest.raises(EditionStateError):
        edition_pause(edition=edition)
    with django_capture_on_commit_callbacks() as queued:
        assert edition_resume(edition=edition).status == Edition.Status.SENDING
    assert len(queued) == settings.NEWSLETTER_SENDERS


def test_beat_composes_on_monday_at_eight_utc_by_default():
    entry = settings.CELERY_BEAT_SCHEDULE["newsletter-weekly-edition"]
    assert entry["task"] == "newsletter.tasks.compose_weekly_edition"
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {8}, {0})
    assert settings.CELERY_BEAT_SCHEDULE["newsletter-resume-stalled"]["task"] == (
        "newsletter.tasks.resume_stalled_editions"
    )


def test_the_day_and_hour_come_from_the_environment():
    code = (
        "import django, os; django.setup(); from django.conf import settings;"
        "s = settings.CELERY_BEAT_SCHEDULE['newsletter-weekly-edition']['schedule'];"
        "print(sorted(s.day_of_week), sorted(s.hour))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "verdicts.settings",
        "NEWSLETTER_WEEKDAY": "fri",
        "NEWSLETTER_HOUR": "17",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[5] [17]"
