"""Sending alert emails: every AlertDelivery once, whatever crashes.

The design is the newsletter's (``newsletter/sending.py`` explains it at length): a sender
claims a chunk of due rows with SELECT … FOR UPDATE SKIP LOCKED and leases them for
NEWSLETTER_CLAIM_LEASE; it renews a row's lease just before its message and marks it sent
as soon as the server has answered 250, so only the message in flight when a sender dies
can go out twice (with the same Message-ID). A temporary refusal puts the row back with a
growing backoff, a permanent one fails it, a lost connection ends the run. A dead sender's
rows come due again when their lease runs out, and the collection, every
ALERT_COLLECT_INTERVAL, queues a sender whenever rows are due.

The alerts an email carries are read when it is sent: one switched off since (an
unsubscribe) is gone from it, and an email left with nothing to say is skipped.

Rows are committed one statement at a time, so none of this may run inside a transaction.
"""

import contextlib
import datetime as dt
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now

from newsletter.sending import SMTP_ERRORS, SMTPFailure, backoff, smtp_failure
from watchlists.emails import alerts_message
from watchlists.models import AlertDelivery

log = logging.getLogger(__name__)

Status = AlertDelivery.Status


@dataclass(frozen=True)
class Run:
    """How a sending run ended, and what the task should do next."""

    finished: bool = False  # nothing due: the collection queues the next run when rows are
    again_in: float | None = None  # the budget is spent: queue the next run at once
    error: Exception | None = None  # the SMTP server failed: retry with backoff


@dataclass(frozen=True)
class Chunk:
    claim: uuid.UUID
    deliveries: list[AlertDelivery]


def _lease_end():
    return Now() + dt.timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE)


def deliveries_claim(*, size: int | None = None) -> Chunk:
    """Lease up to ``size`` due rows that no other sender holds."""
    claim = uuid.uuid4()
    with transaction.atomic():
        due = AlertDelivery.objects.due().select_for_update(skip_locked=True).order_by("pk")
        ids = list(due.values_list("pk", flat=True)[: size or settings.NEWSLETTER_CHUNK_SIZE])
        AlertDelivery.objects.filter(pk__in=ids).update(claim=claim, available_at=_lease_end())
    rows = AlertDelivery.objects.filter(pk__in=ids).select_related("follower__member")
    return Chunk(claim=claim, deliveries=list(rows.order_by("pk")))


def alerts_deliver() -> Run:
    """Send chunks until none is due or NEWSLETTER_TASK_BUDGET is spent."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("alerts_deliver commits as it goes: call it outside a transaction.")
    started = time.monotonic()
    while time.monotonic() - started < settings.NEWSLETTER_TASK_BUDGET:
        chunk = deliveries_claim()
        if not chunk.deliveries:
            return Run(finished=True)
        log.info("Alerts: sending a chunk of %d", len(chunk.deliveries))
        if error := _send_chunk(chunk):
            log.warning("Alerts: SMTP failed, will retry: %s", error)
            return Run(error=error)
    return Run(again_in=0)


def _send_chunk(chunk: Chunk) -> Exception | None:
    mailer = mailers.default
    try:
        try:
            mailer.open()
        except (smtplib.SMTPException, OSError) as exc:
            return exc
        for delivery in chunk.deliveries:
            if error := _send_one(mailer, chunk, delivery):
                return error
        return None
    finally:
        # Whatever this run did not get to, another may take at once.
        AlertDelivery.objects.filter(claim=chunk.claim, status=Status.PENDING).update(
            claim=None, available_at=Now()
        )
        with contextlib.suppress(smtplib.SMTPException, OSError):
            mailer.close()


def _send_one(mailer, chunk: Chunk, delivery: AlertDelivery) -> Exception | None:
    mine = AlertDelivery.objects.filter(pk=delivery.pk, claim=chunk.claim, status=Status.PENDING)
    if not mine.update(available_at=_lease_end()):  # a fresh lease for this message
        return None
    alerts = list(delivery.alerts.order_by("at", "pk"))
    if not alerts:
        mine.update(status=Status.SKIPPED)
        return None
    message = alerts_message(delivery=delivery, alerts=alerts)
    try:
        mailer.send_messages([message])
    except SMTP_ERRORS as exc:
        failure = smtp_failure(exc)
        _record_failure(mine, attempts=delivery.attempts + 1, failure=failure)
        return exc if failure.halts_run else None
    # The server has the message: record it before anything else can go wrong.
    if not mine.update(
        status=Status.SENT, sent_at=Now(), attempts=F("attempts") + 1, last_error=""
    ):
        log.warning("Alert delivery %s was sent after its claim was lost", delivery.pk)
    return None


def _record_failure(row, *, attempts: int, failure: SMTPFailure) -> None:
    if failure.permanent:
        row.update(status=Status.FAILED, attempts=attempts, last_error=failure.error)
    elif attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        error = f"Gave up after {attempts} tries: {failure.error}"
        row.update(status=Status.FAILED, attempts=attempts, last_error=error)
    else:
        wait = 0 if failure.halts_run else backoff(attempts)
        row.update(
            attempts=attempts,
            last_error=failure.error,
            claim=None,
            available_at=Now() + dt.timedelta(seconds=wait),
        )
