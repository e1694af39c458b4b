"""Celery tasks: thin, taking ids, calling the sending and edition code; safe to run twice
or at once. ``newsletter.services`` queues them, so nothing here imports it.

They ack late and go back to the broker if their worker process dies, so a killed
run is picked up again: everything they do may safely happen twice.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import transaction

from newsletter.editions import edition_compose
from newsletter.models import Edition
from newsletter.sending import (
    backoff,
    edition_deliver,
    edition_send_copy,
    smtp_failure,
    subscriber_send_confirmation,
)

log = logging.getLogger(__name__)

# A run stops claiming chunks after NEWSLETTER_TASK_BUDGET, so it ends well inside these
# limits unless the SMTP server crawls; if it does, the soft limit interrupts the run and
# the rows it had not sent go back to the pool.
SEND_SOFT_LIMIT = settings.NEWSLETTER_TASK_BUDGET + settings.NEWSLETTER_CLAIM_LEASE
SEND_HARD_LIMIT = SEND_SOFT_LIMIT + 60


def _retry_countdown(retries: int) -> float:
    return backoff(retries + 1)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def compose_weekly_edition() -> int | None:
    with transaction.atomic():
        edition = edition_compose()
        if edition is not None:
            senders_queue(edition.pk)
    return edition.pk if edition else None


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=10,
    soft_time_limit=SEND_SOFT_LIMIT,
    time_limit=SEND_HARD_LIMIT,
)
def send_edition(self, edition_id: int) -> None:
    run = edition_deliver(edition_id=edition_id)
    if run.error is not None:
        raise self.retry(exc=run.error, countdown=_retry_countdown(self.request.retries))
    if run.again_in is not None:
        send_edition.apply_async((edition_id,), countdown=run.again_in)


@shared_task(soft_time_limit=30, time_limit=60)
def resume_stalled_editions() -> list[int]:
    """Queue a run for every edition being sent that no sender is working on."""
    stalled = list(Edition.objects.stalled().values_list("pk", flat=True))
    for edition_id in stalled:
        log.warning("Edition %s had stalled: queuing it again", edition_id)
        send_edition.delay(edition_id)
    return stalled


# One email, sent again after a worker dies (acks late) and retried on a temporary failure.
ONE_EMAIL = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 30,
    "time_limit": 60,
}


@shared_task(**ONE_EMAIL, max_retries=5)
def send_confirmation(self, subscriber_id: int) -> None:
    _send_retrying(self, subscriber_send_confirmation, subscriber_id=subscriber_id)


@shared_task(**ONE_EMAIL, max_retries=3)
def send_edition_test(self, edition_id: int, email: str) -> None:
    _send_retrying(self, edition_send_copy, edition_id=edition_id, email=email)


def _send_retrying(task, send, **kwargs) -> None:
    """Run ``send``; retry a temporary SMTP failure with backoff, log a permanent one."""
    try:
        send(**kwargs)
    except (smtplib.SMTPException, OSError) as exc:
        failure = smtp_failure(exc)
        if failure.permanent:
            log.error("%s%s refused for good: %s", task.name, kwargs, failure.error)
            return
        raise task.retry(exc=exc, countdown=_retry_countdown(task.request.retries)) from exc


def senders_queue(edition_id: int) -> None:
    """Queue the senders once the transaction commits; each claims its own chunks (SKIP
    LOCKED), so NEWSLETTER_SENDERS workers share an edition without sharing a message."""
    for _ in range(settings.NEWSLETTER_SENDERS):
        send_edition.delay_on_commit(edition_id)
