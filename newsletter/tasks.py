"""Celery tasks: thin, taking ids, calling the sending and edition code; safe to run twice
or at once. ``newsletter.services`` queues them, so nothing here imports it.

They ack late and go back to the broker if their worker process dies, so a killed
run is picked up again: everything they do may safely happen twice. A task that cannot
send says so in one line and ends; it does not crash.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from kombu.exceptions import OperationalError as BrokerError

from newsletter.editions import edition_compose
from newsletter.models import Edition
from newsletter.sending import (
    DATABASE_ERRORS,
    SMTP_ERRORS,
    backoff,
    edition_deliver,
    edition_send_copy,
    reconnect_backoff,
    smtp_failure,
    subscriber_confirmation_unsent,
    subscriber_send_confirmation,
)

log = logging.getLogger(__name__)

# A run stops sending when NEWSLETTER_TASK_BUDGET is spent, between two messages, and a
# message takes less than a lease; so it ends inside the soft limit unless the SMTP server
# crawls, and if it does, the soft limit interrupts the run and the rows it had not sent
# go back to the pool.
SEND_SOFT_LIMIT = settings.NEWSLETTER_TASK_BUDGET + settings.NEWSLETTER_CLAIM_LEASE
SEND_HARD_LIMIT = SEND_SOFT_LIMIT + 60


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def compose_weekly_edition() -> int | None:
    with transaction.atomic():
        edition = edition_compose()
        if edition is not None:
            senders_queue(edition.pk)
    return edition.pk if edition else None


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SEND_SOFT_LIMIT,
    time_limit=SEND_HARD_LIMIT,
)
def send_edition(edition_id: int) -> None:
    """Send the edition until nothing is due or the run's budget is spent, then queue the
    next run if one is due soon.

    Failures of the SMTP server or the database are waited out inside the run
    (``newsletter.sending``); a run that dies or cannot queue the next one is replaced by
    beat's sweep, ``resume_stalled_editions``.
    """
    run = edition_deliver(edition_id=edition_id)
    if run.again_in is None:
        return
    try:
        send_edition.apply_async((edition_id,), countdown=run.again_in)
    except BrokerError as error:
        log.warning(
            "Edition %s: the next run was not queued (%s); beat's sweep will start one",
            edition_id,
            error,
        )


@shared_task(soft_time_limit=30, time_limit=60)
def resume_stalled_editions() -> list[int]:
    """Start senders for every edition being sent that no sender has been heard from on
    for NEWSLETTER_SENDER_SILENCE seconds (``Edition.objects.unattended``)."""
    stalled = list(Edition.objects.unattended().values_list("pk", flat=True))
    for edition_id in stalled:
        log.warning(
            "Edition %s: no sender at work, starting %d", edition_id, settings.NEWSLETTER_SENDERS
        )
        senders_queue(edition_id)
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
    send_retrying(
        self,
        subscriber_send_confirmation,
        what=f"Confirmation for subscriber {subscriber_id}",
        give_up=lambda: subscriber_confirmation_unsent(subscriber_id=subscriber_id),
        subscriber_id=subscriber_id,
    )


@shared_task(**ONE_EMAIL, max_retries=3)
def send_edition_test(self, edition_id: int, email: str) -> None:
    send_retrying(
        self,
        edition_send_copy,
        what=f"Test copy of edition {edition_id} to {email}",
        edition_id=edition_id,
        email=email,
    )


def send_retrying(task, send, *, what: str, give_up=None, **kwargs) -> None:
    """For a one-email task (``ONE_EMAIL``): run ``send``, retrying a temporary failure:
    the database at once and then a little later, the SMTP server with the refusals'
    backoff.

    What cannot be sent (an address the mailer cannot encode, a permanent refusal, the
    tries used up, a retry the broker would not take) is logged in one line and marked
    by ``give_up``, and the task ends.
    """
    try:
        send(**kwargs)
    except DATABASE_ERRORS as exc:
        connection.close()
        _retry(task, exc, what=what, give_up=give_up, countdown=reconnect_backoff)
    except SMTP_ERRORS as exc:
        failure = smtp_failure(exc)
        if failure.permanent:
            _give_up(what, failure.error, give_up)
        else:
            _retry(task, exc, what=what, give_up=give_up, countdown=backoff)


def _retry(task, exc: Exception, *, what: str, give_up, countdown) -> None:
    tries = task.request.retries + 1
    error = (
        smtp_failure(exc).error if isinstance(exc, SMTP_ERRORS) else f"{type(exc).__name__}: {exc}"
    )
    if task.request.retries >= task.max_retries:
        _give_up(what, f"gave up after {tries} tries: {error}", give_up)
        return
    try:
        raise task.retry(exc=exc, countdown=countdown(tries)) from exc
    except BrokerError as broker:
        _give_up(what, f"{error}; its retry could not be queued ({broker})", give_up)


def _give_up(what: str, why: str, give_up) -> None:
    log.error("%s not sent: %s", what, why.strip())
    if give_up is not None:
        try:
            give_up()
        except DATABASE_ERRORS as exc:
            log.error("%s: not marked either, the database failed: %s", what, exc)


def senders_queue(edition_id: int) -> None:
    """Queue the senders once the transaction commits; each claims its own chunks (SKIP
    LOCKED), so NEWSLETTER_SENDERS workers share an edition without sharing a message.

    With the broker down the editor's request still succeeds (the failure is logged):
    beat's sweep starts the senders of an edition nobody is sending within seconds of the
    broker coming back."""

    def start() -> None:
        for _ in range(settings.NEWSLETTER_SENDERS):
            send_edition.delay(edition_id)

    transaction.on_commit(start, robust=True)
