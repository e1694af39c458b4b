"""Sending an edition: every active subscriber gets it once, whatever crashes.

- Each (edition, subscriber) has one Delivery row, written before anything is
  sent (``editions.edition_begin``).
- A sender claims a chunk of due rows with SELECT … FOR UPDATE SKIP LOCKED, so
  two senders never take the same row, and leases them: it moves their
  ``available_at`` one lease ahead and commits. Then it sends the chunk over one
  SMTP connection and commits each row as sent as soon as the server has
  answered 250.
- Just before each message the sender renews that row's lease, and skips the
  row if it no longer holds it. A message takes far less than a lease, so a row
  is never taken over while its holder is still sending it, however slow the
  rest of the chunk was.
- A sender that dies keeps its leases until they run out; then another sender
  takes the rows it had not marked. Only the message in flight at the death,
  taken by the server but not yet marked, can go out twice.
- A temporary refusal (4xx) puts the row back with a growing backoff; a
  permanent one (5xx) marks it failed. A lost connection ends the run, and the
  task retries with backoff.
- The edition's status is read before each chunk: pausing takes effect there.

Rows are committed one statement at a time, so none of this may run inside a
transaction.
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
from django.db.models import F, Min
from django.db.models.functions import Now
from django.utils import timezone

from newsletter.emails import EditionContent, confirmation_message, edition_message
from newsletter.models import Delivery, Edition, Subscriber

log = logging.getLogger(__name__)


def backoff(attempt: int) -> float:
    """Seconds to wait before try ``attempt + 1``: doubling, within a ceiling."""
    return min(
        settings.NEWSLETTER_RETRY_BACKOFF * 2 ** max(attempt - 1, 0),
        settings.NEWSLETTER_RETRY_BACKOFF_MAX,
    )


@dataclass(frozen=True)
class SMTPFailure:
    error: str
    permanent: bool = False
    # The server or the connection failed, not this recipient: stop and try later.
    halts_run: bool = False


def smtp_failure(exc: Exception) -> SMTPFailure:
    """What a failed send means for the recipient's row and for the run."""
    if isinstance(exc, ValueError):  # Django refuses a malformed address before sending
        return SMTPFailure(f"Invalid address: {exc}", permanent=True)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPDataError):
        code, reply = exc.smtp_code, exc.smtp_error
    else:  # disconnected, timed out, refused at connect, HELO or MAIL FROM
        return SMTPFailure(f"{type(exc).__name__}: {exc}", halts_run=True)
    reply = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    error = f"{code} {reply}"
    if code == 421:  # the server is closing the connection
        return SMTPFailure(error, halts_run=True)
    return SMTPFailure(error, permanent=500 <= code < 600)


@dataclass(frozen=True)
class Run:
    """How a sending run ended, and what the task should do next."""

    finished: bool = False  # sent, paused or gone: nothing more to queue
    again_in: float | None = None  # queue another run in this many seconds
    error: Exception | None = None  # the SMTP server failed: retry with backoff


@dataclass(frozen=True)
class Chunk:
    claim: uuid.UUID
    deliveries: list[Delivery]


def _lease_end():
    return Now() + dt.timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE)


def deliveries_claim(*, edition: Edition, size: int | None = None) -> Chunk:
    """Lease up to ``size`` due rows of ``edition`` that no other sender holds."""
    claim = uuid.uuid4()
    with transaction.atomic():
        due = edition.deliveries.due().select_for_update(skip_locked=True).order_by("pk")
        ids = list(due.values_list("pk", flat=True)[: size or settings.NEWSLETTER_CHUNK_SIZE])
        Delivery.objects.filter(pk__in=ids).update(claim=claim, available_at=_lease_end())
    deliveries = Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
    return Chunk(claim=claim, deliveries=list(deliveries))


def edition_deliver(*, edition_id: int) -> Run:
    """Send chunks of ``edition_id`` until none is due or NEWSLETTER_TASK_BUDGET is spent."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("edition_deliver commits as it goes: call it outside a transaction.")
    started = time.monotonic()
    content = None
    while time.monotonic() - started < settings.NEWSLETTER_TASK_BUDGET:
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None or edition.status != Edition.Status.SENDING:
            return Run(finished=True)
        chunk = deliveries_claim(edition=edition)
        if not chunk.deliveries:
            return _wrap_up(edition)
        content = content or EditionContent.load(edition)
        log.info("Edition %s: sending a chunk of %d", edition.key, len(chunk.deliveries))
        if error := _send_chunk(chunk, content):
            log.warning("Edition %s: SMTP failed, will retry: %s", edition.key, error)
            return Run(error=error)
    return Run(again_in=0)


def _send_chunk(chunk: Chunk, content: EditionContent) -> Exception | None:
    """Send a chunk over one connection; None, or the error that ends the run."""
    mailer = mailers.default
    try:
        try:
            mailer.open()
        except (smtplib.SMTPException, OSError) as exc:
            return exc
        for delivery in chunk.deliveries:
            if error := _send_one(mailer, chunk, delivery, content):
                return error
        return None
    finally:
        # Whatever this run did not get to, another may take at once.
        Delivery.objects.filter(claim=chunk.claim, status=Delivery.Status.PENDING).update(
            claim=None, available_at=Now()
        )
        _close(mailer)


def _send_one(mailer, chunk: Chunk, delivery: Delivery, content) -> Exception | None:
    mine = Delivery.objects.filter(
        pk=delivery.pk, claim=chunk.claim, status=Delivery.Status.PENDING
    )
    # A fresh lease for the time this message takes; an unsubscribe since the claim counts.
    if not mine.filter(subscriber__status=Subscriber.Status.ACTIVE).update(
        available_at=_lease_end()
    ):
        mine.update(status=Delivery.Status.SKIPPED)  # a no-op if the row is no longer ours
        return None
    message = edition_message(
        content=content, subscriber=delivery.subscriber, delivery_id=delivery.pk
    )
    try:
        mailer.send_messages([message])
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        failure = smtp_failure(exc)
        _record_failure(mine, attempts=delivery.attempts + 1, failure=failure)
        return exc if failure.halts_run else None
    # The server has the message: record it before anything else can go wrong.
    marked = mine.update(
        status=Delivery.Status.SENT, sent_at=Now(), attempts=F("attempts") + 1, last_error=""
    )
    if not marked:
        log.warning("Delivery %s was sent after its claim was lost", delivery.pk)
    return None


def _record_failure(row, *, attempts: int, failure: SMTPFailure) -> None:
    """Fail the row for good, or put it back for a later try."""
    if failure.permanent:
        row.update(status=Delivery.Status.FAILED, attempts=attempts, last_error=failure.error)
    elif attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        error = f"Gave up after {attempts} tries: {failure.error}"
        row.update(status=Delivery.Status.FAILED, attempts=attempts, last_error=error)
    else:
        # The server failing is no reason to keep this reader waiting: back at once.
        wait = 0 if failure.halts_run else backoff(attempts)
        row.update(
            attempts=attempts,
            last_error=failure.error,
            claim=None,
            available_at=Now() + dt.timedelta(seconds=wait),
        )


def _close(mailer) -> None:
    # A connection already gone cannot say QUIT, and nothing depends on it doing so.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        mailer.close()


def _wrap_up(edition: Edition) -> Run:
    """Nothing is due: the edition is done, or its rows wait on a lease or a backoff."""
    next_due = edition.deliveries.pending().aggregate(at=Min("available_at"))["at"]
    if next_due is None:
        finished = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
            status=Edition.Status.SENT, sent_at=Now()
        )
        if finished:
            log.info("Edition %s: sent", edition.key)
        return Run(finished=True)
    return Run(again_in=max((next_due - timezone.now()).total_seconds(), 0.1))


def edition_send_copy(*, edition_id: int, email: str) -> None:
    """One copy of an edition to ``email``, outside the list: an editor's test."""
    edition = Edition.objects.get(pk=edition_id)
    content = EditionContent.load(edition)
    reader = Subscriber(email=email)  # on no list: its unsubscribe link is the sample page
    message = edition_message(content=content, subscriber=reader)
    message.subject = f"[Test] {message.subject}"
    mailers.default.send_messages([message])


def subscriber_send_confirmation(*, subscriber_id: int) -> bool:
    """Email the confirmation link, if the address still awaits one. True if sent."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return False
    mailers.default.send_messages([confirmation_message(subscriber=subscriber)])
    return True
