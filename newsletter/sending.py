"""Sending an edition: every active subscriber gets it once, whatever crashes.

The machinery is ``Sender``; ``EditionSender`` sends editions, and watchlists' alerts
(``watchlists.sending.AlertSender``) go out through the same, so both keep these promises.

- Each (edition, subscriber) has one Delivery row, written before anything is
  sent (``editions.edition_begin``).
- A sender claims a chunk of due rows with SELECT … FOR UPDATE SKIP LOCKED, so
  two senders never take the same row, and leases them: it moves their
  ``available_at`` one lease (NEWSLETTER_CLAIM_LEASE) ahead and commits. Then it
  sends the chunk over one SMTP connection and commits each row as sent as soon
  as the server has answered 250, before the next message: that one UPDATE is
  all the database work a message costs. It is not batched with the next ones:
  n messages answered and not yet recorded would be n sent twice after a kill.
  Nor does a sender open several connections at once, each with a message in
  flight: more connections are more senders (NEWSLETTER_SENDERS), each one
  message in flight, which is what the bound below counts.
- Before each message the sender checks that what is left of the chunk's lease
  outlasts the longest a message can take (its four replies and a write, each
  within the SMTP timeout: ``Sender.renew_after``); if not, it renews the lease
  of the whole chunk in one statement and passes over the rows it no longer
  holds. So a row is never taken over while its holder is still sending it,
  however slow the rest of the chunk was; with the production figures (a 60 s
  lease, a 10 s timeout) the claim's lease covers the chunk unless the server
  crawls. An edition's reader who unsubscribed is skipped if they had left by
  the claim or by the last renewal (at most the lease less a message's bound
  before their message; at full speed, the fraction of a second a chunk takes).
- Each copy of an edition is the edition's bytes, serialised once, with the
  reader's To, Date, Message-ID and unsubscribe token written in
  (``newsletter.wire``, which proves the copies equal the full build).
- A sender that dies keeps its leases until they run out; then another sender
  takes the rows it had not marked. Only the message in flight at the death,
  taken by the server but not yet marked, can go out twice. The rest of the
  list does not wait for that: a lease taken or a message sent is a sender's
  sign of life, and beat's sweep (``Edition.objects.unattended``) starts new
  senders for an edition none of whose senders has shown one for
  NEWSLETTER_SENDER_SILENCE seconds.
- A temporary refusal (4xx) puts the row back with a growing backoff; a
  permanent one (5xx) or an address that cannot be sent to marks it failed.
- When the server or the connection fails (refused, cut, timed out, 421), the
  row in flight goes back with a short backoff, its attempt counted, and the
  sender reconnects and carries on with the rest of the chunk: at once the first
  time, then waiting longer while the server keeps failing with nothing sent
  (NEWSLETTER_RECONNECT_BACKOFF, doubling up to NEWSLETTER_RECONNECT_BACKOFF_MAX),
  and from the start again once a message goes through. It holds its rows the
  while, renewing their lease at each try. The database failing (a terminated
  connection, a restart) is met the same way: the sender reconnects, first marks
  sent any message the server had taken (so it is not sent again), puts back the
  rest of its chunk and carries on.
- The edition's status is read before each chunk: pausing takes effect there.
- A run ends when the edition is sent, paused or gone; when nothing is due (the
  task queues the next run for when a row falls due, if that is within a sweep
  interval; if later, the sweep starts one then); or when its time budget
  (NEWSLETTER_TASK_BUDGET) is spent, and the task queues the next run at once.
  So a run never sleeps in its worker process waiting for rows, only while the
  server or the database is failing.

Rows are committed one statement at a time, so none of this may run inside a
transaction. While a chunk is being sent, those commits do not wait for PostgreSQL to
flush them to disk (``synchronous_commit = off``, ``commits_unflushed``): the flush cost
more than the rest of a message. What that promises, and what not:

- A worker that dies (SIGKILL, out of memory, its machine gone) loses no commit it made:
  PostgreSQL has each one once the statement returns, whether or not it has reached the
  disk. So the bound above holds: at most the one message in flight per sender goes
  out twice, and none is lost.
- PostgreSQL itself crashing (or its machine losing power) can lose the commits of the
  last moments (up to three times ``wal_writer_delay``, 0.6 s by default): rows marked
  sent in that time are pending again, and go out a second time, with the same
  Message-ID. None is lost: a lost claim or putting-back only leaves rows to be taken
  again. Claims and an edition's status are committed with the flush, as before.
"""

import contextlib
import datetime as dt
import logging
import smtplib
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPMailer
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Min
from django.db.models.functions import Now
from django.utils import timezone

from newsletter.emails import EditionContent, confirmation_message, edition_message
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.wire import EditionWire, WireMessage

log = logging.getLogger(__name__)

# The connection to PostgreSQL broke (terminated, restarted, unreachable): worth a retry.
DATABASE_ERRORS = (OperationalError, InterfaceError)
# What sending one message can raise. ValueError (UnicodeError among them): an address
# the mailer cannot put on the wire.
SMTP_ERRORS = (smtplib.SMTPException, OSError, ValueError)


def backoff(attempt: int) -> float:
    """Seconds to wait before try ``attempt + 1`` after a refusal: doubling, within a ceiling."""
    return min(
        settings.NEWSLETTER_RETRY_BACKOFF * 2 ** max(attempt - 1, 0),
        settings.NEWSLETTER_RETRY_BACKOFF_MAX,
    )


def reconnect_backoff(failures: int) -> float:
    """Seconds to wait after ``failures`` server or database failures in a row with nothing
    sent between them: none after the first, then doubling, within a ceiling."""
    if failures <= 1:
        return 0.0
    return min(
        settings.NEWSLETTER_RECONNECT_BACKOFF * 2 ** (failures - 2),
        settings.NEWSLETTER_RECONNECT_BACKOFF_MAX,
    )


@dataclass(frozen=True)
class SMTPFailure:
    error: str
    permanent: bool = False
    # The server or the connection failed, not this recipient: reconnect, blame no one.
    halts_run: bool = False


def smtp_failure(exc: Exception) -> SMTPFailure:
    """What a failed send means for the recipient's row and for the connection."""
    if isinstance(exc, ValueError):  # Django refuses or cannot encode the address
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
    # Queue the next run in this many seconds: 0 when the budget is spent, a moment when a
    # row falls due soon. None: nothing is due for a while; beat's sweep starts a run then.
    again_in: float | None = None
    sent: int = 0


@dataclass(frozen=True)
class Chunk:
    claim: uuid.UUID
    deliveries: list  # rows of a delivery model (Delivery, watchlists' AlertDelivery)
    model: type
    # time.monotonic() before the lease was taken: it lasts at least the lease from then.
    leased_at: float = 0.0

    def rows(self):
        """The chunk's rows this sender still holds and has not finished."""
        return self.model.objects.filter(claim=self.claim, status=self.model.Status.PENDING)


def _lease_end():
    return Now() + dt.timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE)


def chunk_claim(due, *, related: str, size: int | None = None) -> Chunk:
    """Lease up to ``size`` rows of ``due`` (a delivery model's due rows) that no other
    sender holds, loading ``related`` with them."""
    model, claim, leased_at = due.model, uuid.uuid4(), time.monotonic()
    with transaction.atomic():
        locked = due.select_for_update(skip_locked=True).order_by("pk")
        ids = list(locked.values_list("pk", flat=True)[: size or settings.NEWSLETTER_CHUNK_SIZE])
        model.objects.filter(pk__in=ids).update(claim=claim, available_at=_lease_end())
    deliveries = model.objects.filter(pk__in=ids).select_related(related).order_by("pk")
    return Chunk(claim=claim, deliveries=list(deliveries), model=model, leased_at=leased_at)


def deliveries_claim(*, edition: Edition, size: int | None = None) -> Chunk:
    """Lease up to ``size`` due rows of ``edition`` that no other sender holds."""
    return chunk_claim(edition.deliveries.due(), related="subscriber", size=size)


def edition_deliver(*, edition_id: int) -> Run:
    """Send chunks of ``edition_id`` until none is due or NEWSLETTER_TASK_BUDGET is spent."""
    return EditionSender(edition_id).deliver()


class Sender(ABC):
    """One run of one sender: its SMTP connection, what it has left to settle, and how many
    times in a row the server or the database has failed it. The kinds of email differ in
    the hooks below (which rows, what message, when to stop); the crash-safety is this.

    Delivery models have ``status`` (their ``Status``: pending, sent, failed, skipped),
    ``claim``, ``available_at``, ``attempts``, ``last_error`` and ``sent_at``."""

    def __init__(self) -> None:
        self.key = ""
        self.deadline = time.monotonic() + settings.NEWSLETTER_TASK_BUDGET
        self.mailer = mailers.default
        self.connected = False
        self.failures = 0  # server or database failures since a message last went through
        self.sent = 0
        self.held: Chunk | None = None  # a chunk whose unsent rows still need putting back
        self.unmarked: tuple[Chunk, int] | None = None  # taken by the server, not yet marked
        # The held chunk's lease: since when it runs, and which of its rows it still covers.
        self.leased_at = 0.0
        self.holding: set[int] = set()

    # The hooks.
    label = "Sending"  # how the log names the run

    def before_chunk(self) -> Run | None:
        """A Run to end with before claiming the next chunk (paused, gone), or None."""
        return None

    @abstractmethod
    def claim(self) -> Chunk:
        """Lease the next chunk of this sender's rows (``chunk_claim``)."""

    def nothing_due(self) -> Run:
        return Run(finished=True, sent=self.sent)

    def renew(self, rows) -> None:
        """Lease ``rows`` (the held chunk's unfinished rows) afresh; a row this marks
        finished (skipped) is not sent."""
        rows.update(available_at=_lease_end())

    @abstractmethod
    def message(self, delivery):
        """The email for ``delivery`` (a Django message, or a ``WireMessage`` when the
        mailer is SMTP), or None to skip it (nothing left to say)."""

    # The machinery.
    def deliver(self) -> Run:
        if transaction.get_connection().in_atomic_block:
            raise RuntimeError("Sending commits as it goes: call it outside a transaction.")
        try:
            return self.run()
        finally:
            self.disconnect()

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def run(self) -> Run:
        while self.time_left() > 0:
            try:
                self.settle()
                if (ended := self.before_chunk()) is not None:
                    return ended
                chunk = self.claim()
                if chunk.deliveries:
                    self.send_chunk(chunk)
                    continue
                return self.nothing_due()
            except DATABASE_ERRORS as exc:
                self.database_failed(exc)
        with contextlib.suppress(*DATABASE_ERRORS):
            self.settle()
        return Run(again_in=0, sent=self.sent)

    def send_chunk(self, chunk: Chunk) -> None:
        log.info("%s: sending a chunk of %d", self.label, len(chunk.deliveries))
        self.held = chunk
        self.leased_at, self.holding = chunk.leased_at, {row.pk for row in chunk.deliveries}
        try:
            with commits_unflushed():
                for delivery in chunk.deliveries:
                    if self.time_left() <= 0 or not self.connect(chunk):
                        break  # the budget is spent: hand the rest over
                    self.send_one(chunk, delivery)
                self.settle()
        finally:
            # Whatever this run did not get to, another may take at once. If the database
            # is what failed, this waits for the next settle(), once it is back.
            with contextlib.suppress(*DATABASE_ERRORS):
                self.settle()
            self.disconnect()

    def connect(self, chunk: Chunk) -> bool:
        """Open the SMTP connection if it is not; while the server fails, keep trying (and
        holding the chunk) until the time budget is spent. False if it was."""
        while not self.connected:
            if self.time_left() <= 0:
                return False
            try:
                self.mailer.open()
                self.connected = True
            except (smtplib.SMTPException, OSError) as exc:
                self.server_failed(exc, holding=chunk)
        return True

    def send_one(self, chunk: Chunk, delivery) -> None:
        if time.monotonic() - self.leased_at > self.renew_after():
            self.lease_again(chunk)
        if delivery.pk not in self.holding:
            return  # skipped when the lease was renewed, or lost to another sender
        message = self.message(delivery)
        if message is None:
            chunk.rows().filter(pk=delivery.pk).update(status=chunk.model.Status.SKIPPED)
            return
        try:
            self.transmit(message)
        except SMTP_ERRORS as exc:
            failure = smtp_failure(exc)
            mine = chunk.rows().filter(pk=delivery.pk)
            _record_failure(mine, attempts=delivery.attempts + 1, failure=failure)
            if failure.halts_run:
                self.server_failed(exc, holding=chunk)
            return
        # The server has the message: record it before anything else can go wrong, and
        # remember it until then, so a database failure now does not send it twice.
        self.unmarked = (chunk, delivery.pk)
        self.sent += 1
        self.failures = 0
        self.mark_sent()

    def renew_after(self) -> float:
        """Seconds a lease may have run before the next message needs it renewed: what
        is left of it must outlast the message (four replies and a write, each within
        the SMTP timeout) and the row's marking after it, so no one takes a row over
        while it is in flight. With the production figures (a 60 s lease, a 10 s
        timeout) one lease covers a chunk unless the server crawls."""
        timeout = getattr(self.mailer, "timeout", None)
        if timeout is None:
            return 0.0  # no bound on a message: renew before each
        return max(settings.NEWSLETTER_CLAIM_LEASE - 5 * timeout, 0.0)

    def lease_again(self, chunk: Chunk) -> None:
        renewed_at = time.monotonic()
        self.renew(chunk.rows())
        self.holding = set(chunk.rows().values_list("pk", flat=True))
        self.leased_at = renewed_at

    def transmit(self, message) -> None:
        if isinstance(message, WireMessage):
            self.mailer.connection.sendmail(message.from_email, [message.to], message.data)
        else:
            self.mailer.send_messages([message])

    def mark_sent(self) -> None:
        chunk, pk = self.unmarked
        marked = _row_sent(chunk, pk)
        self.unmarked = None
        if not marked:
            log.warning("%s: row %s was sent after its claim was lost", self.label, pk)

    def settle(self) -> None:
        """Mark the message the server took, then put back what the chunk did not send."""
        if self.unmarked is not None:
            self.mark_sent()
        if self.held is not None:
            self.held.rows().update(claim=None, available_at=Now())
            self.held = None

    def server_failed(self, exc: Exception, *, holding: Chunk) -> None:
        """The SMTP server refused the connection or cut it: keep the chunk (its lease
        renewed, so no one else takes it), wait and let the caller reconnect."""
        self.disconnect()
        with contextlib.suppress(*DATABASE_ERRORS):
            renewed_at = time.monotonic()
            holding.rows().update(available_at=_lease_end())
            self.leased_at = renewed_at
        self.wait_after("the SMTP server", exc)

    def database_failed(self, exc: Exception) -> None:
        """The connection to PostgreSQL broke: drop it (Django opens a fresh one at the
        next query), wait and let ``run`` settle the chunk and go on."""
        connection.close()
        self.wait_after("the database", exc)

    def wait_after(self, what: str, exc: Exception) -> None:
        """Log the failure, then wait: longer each time in a row, never past the budget."""
        self.failures += 1
        wait = min(reconnect_backoff(self.failures), max(self.time_left(), 0))
        detail = str(exc).strip() or "no detail"
        log.warning(
            "%s: %s failed (%s: %s); trying again in %.0f s",
            self.label, what, type(exc).__name__, detail, wait,
        )  # fmt: skip
        time.sleep(wait)

    def disconnect(self) -> None:
        if self.connected:
            self.connected = False
            # A connection already gone cannot say QUIT, and nothing depends on it doing so.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.mailer.close()


class EditionSender(Sender):
    """A run of one edition: stops when it is paused or gone, skips readers who left."""

    def __init__(self, edition_id: int) -> None:
        super().__init__()
        self.edition_id = edition_id
        self.key = str(edition_id)
        self.edition: Edition | None = None
        self.content: EditionContent | None = None
        self.wire: EditionWire | None = None  # None too when the mailer is not SMTP

    @property
    def label(self) -> str:
        return f"Edition {self.key}"

    def before_chunk(self) -> Run | None:
        edition = Edition.objects.filter(pk=self.edition_id).first()
        if edition is None or edition.status != Edition.Status.SENDING:
            return Run(finished=True, sent=self.sent)
        self.edition, self.key = edition, edition.key
        return None

    def claim(self) -> Chunk:
        return deliveries_claim(edition=self.edition)

    def nothing_due(self) -> Run:
        wait = _next_due_in(self.edition)
        if wait is None:
            _mark_sent(self.edition)
            return Run(finished=True, sent=self.sent)
        soon = wait <= settings.NEWSLETTER_SWEEP_INTERVAL
        return Run(again_in=wait if soon else None, sent=self.sent)

    def renew(self, rows) -> None:
        # An unsubscribe since the claim counts.
        gone = rows.exclude(subscriber__status=Subscriber.Status.ACTIVE)
        gone.update(status=Delivery.Status.SKIPPED)
        super().renew(rows)

    def message(self, delivery: Delivery):
        reader = delivery.subscriber  # as at the claim; a renewal skips who left since
        if reader.status != Subscriber.Status.ACTIVE:
            return None
        if self.content is None:
            self.content = EditionContent.load(self.edition)
            if isinstance(self.mailer, SMTPMailer):
                self.wire = EditionWire.load(self.content, mailer=self.mailer)
                if self.wire is None:
                    log.warning(
                        "%s: the copies cannot be spliced; each is built in full", self.label
                    )
        if self.wire and (copy := self.wire.copy(reader=reader, delivery_id=delivery.pk)):
            return copy
        return edition_message(content=self.content, subscriber=reader, delivery_id=delivery.pk)


def _row_sent(chunk: Chunk, pk: int) -> bool:
    """Mark row ``pk`` of ``chunk`` sent, if the chunk still holds it.

    This is the one statement every message costs, so it is written out: the ORM took
    longer to compile it each time than PostgreSQL took to run it. The delivery models
    share these column names (the Sender's docstring lists them).
    """
    table = connection.ops.quote_name(chunk.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = STATEMENT_TIMESTAMP(),"
            " attempts = attempts + 1, last_error = ''"
            " WHERE id = %s AND claim = %s AND status = %s",
            [chunk.model.Status.SENT, pk, chunk.claim, chunk.model.Status.PENDING],
        )
        return cursor.rowcount == 1


@contextlib.contextmanager
def commits_unflushed():
    """Commit without waiting for PostgreSQL to flush the commit to disk (see the module's
    docstring: what a worker's crash cannot lose, a PostgreSQL crash can)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with contextlib.suppress(*DATABASE_ERRORS), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _record_failure(row, *, attempts: int, failure: SMTPFailure) -> None:
    """Fail the row for good, or put it back for a later try."""
    failed = row.model.Status.FAILED
    if failure.permanent:
        row.update(status=failed, attempts=attempts, last_error=failure.error)
    elif attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        error = f"Gave up after {attempts} tries: {failure.error}"
        row.update(status=failed, attempts=attempts, last_error=error)
    else:
        # The server failing is no fault of this reader's: a short wait, not a refusal's.
        wait = reconnect_backoff(attempts + 1) if failure.halts_run else backoff(attempts)
        row.update(
            attempts=attempts,
            last_error=failure.error,
            claim=None,
            available_at=Now() + dt.timedelta(seconds=wait),
        )


def _next_due_in(edition: Edition) -> float | None:
    """Seconds until a pending row of ``edition`` (waiting on a lease or a backoff) is due;
    None if none is pending."""
    next_due = edition.deliveries.pending().aggregate(at=Min("available_at"))["at"]
    if next_due is None:
        return None
    return max((next_due - timezone.now()).total_seconds(), 0.05)


def _mark_sent(edition: Edition) -> None:
    finished = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
        status=Edition.Status.SENT, sent_at=Now()
    )
    if finished:
        log.info("Edition %s: sent", edition.key)


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


def subscriber_confirmation_unsent(*, subscriber_id: int) -> None:
    """The confirmation could not be sent: record none as sent, so that the reader's next
    try queues one at once rather than in NEWSLETTER_CONFIRM_INTERVAL."""
    Subscriber.objects.filter(pk=subscriber_id).update(confirmation_sent_at=None)
