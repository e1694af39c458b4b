"""The sending engine in this process, against the loopback SMTP server.

The engine commits as it goes, so these tests use a transactional database.
The same engine under a real Celery worker is in test_worker.py.
"""

import threading
import time
from unittest.mock import patch

import pytest
from django.db import connection, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from newsletter.models import Delivery, Edition
from newsletter.sending import deliveries_claim, edition_deliver
from newsletter.services import edition_pause, edition_resume, edition_start
from newsletter.tasks import send_edition
from tests.factories import EditionFactory, SubscriberFactory
from tests.newsletter.test_tasks import UNENCODABLE
from tests.support.smtp import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_sending")]


def readers(count: int) -> list[str]:
    return [SubscriberFactory().email for _ in range(count)]


@pytest.fixture
def start(reviewed_comparison, django_capture_on_commit_callbacks):
    """Start an edition to the subscribers there are now; the test runs the sending itself."""

    def start_edition() -> Edition:
        with (
            patch.object(send_edition, "delay") as queued,
            django_capture_on_commit_callbacks(execute=True),
        ):
            edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
        queued.assert_called_once_with(edition.pk)
        return edition

    return start_edition


def test_every_active_subscriber_gets_the_edition_once(start, smtp_server):
    emails = readers(45)
    SubscriberFactory(pending=True, email="pending@example.com")
    SubscriberFactory(unsubscribed=True, email="gone@example.com")
    edition = start()

    run = edition_deliver(edition_id=edition.pk)

    assert run.finished
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at is not None
    assert set(edition.deliveries.values_list("status", flat=True)) == {"sent"}
    assert edition.progress().sent == 45


def test_one_connection_carries_a_whole_chunk(start, smtp_server, settings):
    settings.NEWSLETTER_CHUNK_SIZE = 10
    readers(25)
    sessions = []
    original = smtp_server.sink.handle_DATA

    async def handle_DATA(server, session, envelope):
        sessions.append(id(session))
        return await original(server, session, envelope)

    smtp_server.sink.handle_DATA = handle_DATA
    edition_deliver(edition_id=start().pk)
    assert len(sessions) == 25
    assert len(set(sessions)) == 3  # 10 + 10 + 5


def test_a_temporary_refusal_is_retried_after_a_backoff(start, smtp_server):
    emails = readers(5)
    smtp_server.sink.fail_for[emails[2]] = "451 4.3.0 Mailbox busy, try later"
    edition = start()

    first = edition_deliver(edition_id=edition.pk)

    assert 0 < first.again_in <= 0.2  # the row's backoff: the task queues the next run then
    row = Delivery.objects.get(subscriber__email=emails[2])
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("451 4.3.0 Mailbox busy")
    assert emails[2] not in smtp_server.sink.per_recipient()

    del smtp_server.sink.fail_for[emails[2]]
    time.sleep(first.again_in)
    assert edition_deliver(edition_id=edition.pk).finished
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_permanent_refusal_marks_the_row_failed_with_the_error(start, smtp_server):
    emails = readers(4)
    smtp_server.sink.fail_for[emails[1]] = "550 5.1.1 No such user here"
    edition = start()

    assert edition_deliver(edition_id=edition.pk).finished

    row = Delivery.objects.get(subscriber__email=emails[1])
    assert row.status == "failed"
    assert row.last_error == "550 5.1.1 No such user here"
    assert smtp_server.sink.per_recipient() == {e: 1 for e in emails if e != emails[1]}
    edition.refresh_from_db()
    assert edition.status == "sent"
    assert (edition.progress().sent, edition.progress().failed) == (3, 1)


def test_temporary_refusals_give_up_after_the_last_attempt(start, smtp_server, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    settings.NEWSLETTER_RETRY_BACKOFF = 0.05
    [email] = readers(1)
    smtp_server.sink.fail_for[email] = "452 4.2.2 Mailbox full"
    edition = start()

    runs = deliver_until_done(edition)

    assert len(runs) == 2
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.last_error == "Gave up after 2 tries: 452 4.2.2 Mailbox full"


def test_a_dropped_connection_is_reopened_and_the_chunk_carries_on(start, smtp_server, caplog):
    emails = readers(30)
    smtp_server.sink.drop_after = 7  # the connection is gone when the 8th message starts
    edition = start()

    first, *_ = deliver_until_done(edition)

    assert first.sent >= 29  # the run carried on past the cut, not a retry of the task
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    [cut] = Delivery.objects.filter(attempts=2)  # the one message the cut caught
    assert cut.subscriber.email == emails[7] and cut.status == "sent"
    assert "the SMTP server failed (SMTPServerDisconnected" in caplog.text


def test_a_server_cutting_every_few_messages_costs_only_the_messages_it_cut(start, smtp_server):
    emails = readers(60)
    smtp_server.sink.drop_every = 7  # mid-DATA, before the "250": those are not kept
    edition = start()

    deliver_until_done(edition)

    cut = len(smtp_server.sink.dropped)
    assert cut >= 60 // 7
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    rows = Delivery.objects.filter(edition=edition)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert sum(rows.values_list("attempts", flat=True)) == 60 + cut  # each cut, tried again


def test_a_lost_reply_resends_only_the_one_message_in_flight(start, smtp_server):
    emails = readers(30)
    smtp_server.sink.lose_reply_after = 7  # the 7th is kept but its "250" never arrives
    edition = start()

    deliver_until_done(edition)

    counts = smtp_server.sink.per_recipient()
    assert set(counts) == set(emails)
    assert [e for e, n in counts.items() if n > 1] == [emails[6]]
    assert counts[emails[6]] == 2
    # The copy sent twice carries one Message-ID, so clients that dedupe show one.
    ids = {r.message["Message-ID"] for r in smtp_server.sink.to(emails[6])}
    assert len(ids) == 1


def test_an_address_the_mailer_cannot_encode_fails_its_row_and_the_rest_go_out(start, smtp_server):
    emails = readers(4)
    unencodable = SubscriberFactory(email=UNENCODABLE)  # past the form, as old rows may be
    edition = start()

    assert edition_deliver(edition_id=edition.pk).finished

    row = Delivery.objects.get(subscriber=unencodable)
    assert row.status == "failed" and row.attempts == 1
    # then the idna codec's own words, which differ between Python versions ("… label too
    # long" on 3.13, "label empty or too long" on 3.12)
    error = row.last_error
    assert error.startswith("Invalid address: ") and error.endswith("too long")
    assert "\n" not in error
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)


def test_an_unsubscribe_after_the_rows_were_written_skips_the_reader(start, smtp_server, client):
    emails = readers(3)
    edition = start()
    leaving = Delivery.objects.get(subscriber__email=emails[0]).subscriber
    client.post(f"/newsletter/unsubscribe/{leaving.token}/", {"List-Unsubscribe": "One-Click"})

    assert edition_deliver(edition_id=edition.pk).finished

    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails[1:], 1)
    assert Delivery.objects.get(subscriber=leaving).status == "skipped"
    assert edition.progress().skipped == 1


def test_pausing_stops_after_the_chunk_under_way_and_resuming_finishes(
    start, smtp_server, settings, eager_celery
):
    settings.NEWSLETTER_CHUNK_SIZE = 5
    emails = readers(20)
    smtp_server.sink.stall_after, smtp_server.sink.stall_for = 2, 0.5
    edition = start()
    runs = []
    sender = threading.Thread(target=_run_in_thread, args=(edition.pk, runs))
    sender.start()
    assert smtp_server.sink.stalled.wait(10)  # the first chunk is under way
    edition_pause(edition=edition)
    sender.join(timeout=10)

    assert runs[0].finished
    assert sum(smtp_server.sink.per_recipient().values()) == 5  # the first chunk, whole
    assert edition.progress().pending == 15

    edition_resume(edition=edition)  # queues the task, which runs here (eager)
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    edition.refresh_from_db()
    assert edition.status == "sent"


def test_two_senders_at_once_never_send_a_row_twice(start, smtp_server, settings, monkeypatch):
    settings.NEWSLETTER_CHUNK_SIZE = 4
    settings.NEWSLETTER_SWEEP_INTERVAL = 0  # the first to run out of rows ends at once
    emails = readers(40)
    smtp_server.sink.delay = 0.01
    edition = start()
    claimed_by: dict[str, int] = {}
    both_started = threading.Barrier(2, timeout=10)

    def claim(**kwargs):
        name = threading.current_thread().name
        if name not in claimed_by:
            both_started.wait()  # neither may finish the list before the other begins
        chunk = deliveries_claim(**kwargs)
        claimed_by[name] = claimed_by.get(name, 0) + len(chunk.deliveries)
        return chunk

    monkeypatch.setattr("newsletter.sending.deliveries_claim", claim)
    runs: list = []
    senders = [threading.Thread(target=_run_in_thread, args=(edition.pk, runs)) for _ in "ab"]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)

    # The first to find nothing left to claim ends; the sweep would replace the other.
    assert len(runs) == 2 and any(run.finished for run in runs)
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    edition.refresh_from_db()
    assert edition.status == "sent"
    assert len(claimed_by) == 2 and all(claimed_by.values())  # both did part of the work
    assert sum(claimed_by.values()) == 40


def test_rows_a_dead_sender_held_are_taken_over_when_its_lease_runs_out(
    start, smtp_server, settings
):
    settings.NEWSLETTER_CLAIM_LEASE = 1.0
    emails = readers(12)
    edition = start()
    abandoned = deliveries_claim(edition=edition, size=5)  # a sender that then died

    first = edition_deliver(edition_id=edition.pk)

    assert sum(smtp_server.sink.per_recipient().values()) == 7
    assert 0 < first.again_in <= 1.0  # come back when the lease runs out
    time.sleep(first.again_in)
    assert edition_deliver(edition_id=edition.pk).finished
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    assert len(abandoned.deliveries) == 5


def test_the_engine_refuses_to_run_inside_a_transaction(start):
    edition = start()
    with transaction.atomic(), pytest.raises(RuntimeError, match="outside a transaction"):
        edition_deliver(edition_id=edition.pk)


def test_an_edition_no_sender_was_heard_from_lately_is_unattended(start, settings):
    settings.NEWSLETTER_CLAIM_LEASE = 60.0
    settings.NEWSLETTER_SENDER_SILENCE = 1.0
    readers(3)
    edition = start()
    assert list(Edition.objects.unattended()) == [edition]  # written, never claimed

    chunk = deliveries_claim(edition=edition, size=1)
    assert not Edition.objects.unattended().exists()  # a lease just taken: someone is sending
    time.sleep(1.1)
    # Silent for longer than NEWSLETTER_SENDER_SILENCE, long before its lease runs out.
    assert list(Edition.objects.unattended()) == [edition]

    chunk.rows().update(status="sent", sent_at=Now())
    assert not Edition.objects.unattended().exists()  # a message just sent
    time.sleep(1.1)
    assert list(Edition.objects.unattended()) == [edition]

    Delivery.objects.filter(edition=edition).update(status="sent", sent_at=Now())
    time.sleep(1.1)
    assert not Edition.objects.unattended().exists()  # silent, but nothing left to send


def deliver_until_done(edition: Edition) -> list:
    """Run the sender as the task chains it, the next run when the last says, to the end."""
    runs = [edition_deliver(edition_id=edition.pk)]
    while not runs[-1].finished:
        assert runs[-1].again_in is not None and len(runs) < 20, runs
        time.sleep(runs[-1].again_in)
        runs.append(edition_deliver(edition_id=edition.pk))
    return runs


def _run_in_thread(edition_id: int, runs: list) -> None:
    try:
        runs.append(edition_deliver(edition_id=edition_id))
    finally:
        connection.close()


def _runs_in_thread(edition_id: int, runs: list) -> None:
    """As the task chains runs: the next one when the last says, to the end."""
    try:
        runs.append(edition_deliver(edition_id=edition_id))
        while not runs[-1].finished and runs[-1].again_in is not None:
            time.sleep(runs[-1].again_in)
            runs.append(edition_deliver(edition_id=edition_id))
    finally:
        connection.close()


def _wait(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_an_smtp_server_that_is_down_is_tried_again_until_the_budget_blaming_no_reader(
    start, settings, caplog
):
    settings.NEWSLETTER_TASK_BUDGET = 1.5
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},
        }
    }
    readers(2)
    edition = start()

    run = edition_deliver(edition_id=edition.pk)

    assert run.again_in == 0  # the task queues the next run at once, which goes on trying
    tries = caplog.text.count("the SMTP server failed (ConnectionRefusedError")
    assert tries >= 4  # at once, then 0.2, 0.4, 0.8 s later: NEWSLETTER_RECONNECT_BACKOFF
    assert set(edition.deliveries.values_list("status", "attempts")) == {("pending", 0)}
    assert not Delivery.objects.leased().exists()  # free for the next run at once


def test_a_run_rides_out_an_smtp_server_that_goes_away_and_comes_back(
    start, smtp_server, settings, caplog
):
    settings.NEWSLETTER_CHUNK_SIZE = 10
    emails = readers(30)
    smtp_server.sink.stall_after, smtp_server.sink.stall_for = 5, 0.3
    edition = start()
    runs = []
    sender = threading.Thread(target=_runs_in_thread, args=(edition.pk, runs))
    sender.start()
    assert smtp_server.sink.stalled.wait(10)

    smtp_server.down()  # the message in flight is cut, and connecting is refused
    _wait(lambda: caplog.text.count("ConnectionRefusedError") >= 2)
    leased = Delivery.objects.leased().count()
    smtp_server.up()
    sender.join(timeout=30)

    assert runs[-1].finished
    assert leased >= 5  # it held its chunk while the server was away
    counts = smtp_server.sink.per_recipient()
    assert set(counts) == set(emails)
    # The 5th message had crossed the wire when the server went: it may have kept it.
    assert sum(counts.values()) - len(emails) <= 1


def test_a_terminated_database_connection_loses_and_repeats_nothing(start, smtp_server, caplog):
    emails = readers(30)
    smtp_server.sink.stall_after, smtp_server.sink.stall_for = 12, 0.5
    edition = start()
    runs = []
    sender = threading.Thread(target=_runs_in_thread, args=(edition.pk, runs))
    sender.start()
    assert smtp_server.sink.stalled.wait(10)

    # The sender waits for the 12th message's "250"; its connection goes meanwhile, so
    # marking that message sent fails.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    sender.join(timeout=30)

    assert runs[-1].finished
    assert "the database failed" in caplog.text
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)  # 12th marked, not resent


def test_a_chunk_slower_than_its_lease_is_renewed_and_never_taken_over(
    start, smtp_server, settings, caplog
):
    settings.NEWSLETTER_CHUNK_SIZE = 20
    settings.NEWSLETTER_CLAIM_LEASE = 1.5
    settings.NEWSLETTER_SWEEP_INTERVAL = 0
    # A message is bounded at 5 × 0.2 s, so the lease is renewed once 0.5 s of it is gone;
    # the chunk takes 2 s, past the lease the claim took.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 0.2},
        }
    }
    smtp_server.sink.delay = 0.1
    emails = readers(40)
    edition = start()
    runs: list = []
    senders = [threading.Thread(target=_runs_in_thread, args=(edition.pk, runs)) for _ in "ab"]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=60)

    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    assert "was sent after its claim was lost" not in caplog.text
    assert Edition.objects.get(pk=edition.pk).status == "sent"


def test_a_message_costs_one_statement_when_the_lease_covers_the_chunk(
    start, smtp_server, settings
):
    settings.NEWSLETTER_CHUNK_SIZE = 30
    settings.NEWSLETTER_CLAIM_LEASE = 60.0  # as in production: 60 s against a 10 s timeout
    emails = readers(30)
    edition = start()

    with CaptureQueriesContext(connection) as queries:
        assert edition_deliver(edition_id=edition.pk).finished

    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "newsletter_delivery"')]
    marks = [sql for sql in updates if "STATEMENT_TIMESTAMP()" in sql and "sent" in sql]
    assert len(marks) == 30
    # Beside them: the claim's lease, putting back what is left (nothing), a claim that
    # finds nothing; no lease renewed per message.
    assert len(queries) <= 30 + 15, [q["sql"][:80] for q in queries]


def test_commits_wait_for_the_disk_again_once_a_run_is_over(start, smtp_server):
    readers(3)
    edition = start()
    assert edition_deliver(edition_id=edition.pk).finished
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
