"""The sending timeouts depend on one another (SECURITY.md, "The timeouts"): these are the
orders they must keep, checked on the settings as configured."""

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from newsletter.tasks import send_edition
from verdicts.celery import app

SMTP_TIMEOUT = settings.SMTP_TIMEOUT  # what the SMTP mailer waits at each step


def test_a_lease_outlasts_any_message_so_no_live_sender_loses_a_row():
    # A message waits on at most four replies (MAIL, RCPT, DATA, end of data) and a write.
    assert settings.NEWSLETTER_CLAIM_LEASE > 5 * SMTP_TIMEOUT


def test_a_live_sender_is_never_silent_for_as_long_as_the_sweep_waits():
    # Between two signs of life a sender waits on the server (a timeout at most) or sleeps
    # before reconnecting (at most the reconnect ceiling).
    longest_gap = max(SMTP_TIMEOUT, settings.NEWSLETTER_RECONNECT_BACKOFF_MAX)
    assert longest_gap < settings.NEWSLETTER_SENDER_SILENCE


def test_a_dead_sender_is_replaced_well_within_30_seconds():
    # Silence, then at most one sweep interval; a restarted worker takes seconds to start.
    assert settings.NEWSLETTER_SENDER_SILENCE + settings.NEWSLETTER_SWEEP_INTERVAL <= 20


def test_a_run_ends_inside_its_time_limits():
    # The budget is checked between messages, and a message takes less than a lease.
    assert send_edition.soft_time_limit >= (
        settings.NEWSLETTER_TASK_BUDGET + settings.NEWSLETTER_CLAIM_LEASE
    )
    assert send_edition.time_limit > send_edition.soft_time_limit


def test_no_live_task_is_handed_to_a_second_worker():
    # Redis redelivers a task unacknowledged for the visibility timeout; a task is held
    # unacknowledged through its countdown (at most the backoff ceiling) and its run.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    autodiscover_modules("tasks")  # every app's tasks, not only those imported so far
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert "reviews.tasks.recount_verdicts" in app.tasks
    for task in ours:
        longest_run = task.time_limit or app.conf.task_time_limit
        assert longest_run + settings.NEWSLETTER_RETRY_BACKOFF_MAX < visibility, task.name
