"""Faults in the middle of sending an edition, through the real parts: a Celery worker and
beat (tests/support/celery_worker.py), Redis, PostgreSQL and an SMTP server on loopback.

Each test measures the time to resume: from the moment the fault ends to the next
message the SMTP server receives (its own arrival times), which must be 30 s at most.
It counts the lost (an active reader with no copy) and the duplicates (copies beyond one).
The worker and beat run with the production timeouts (lease, sweep, sender silence,
backoffs: SECURITY.md, "The timeouts"), not the shortened ones of the other worker tests.
The figures are printed (``-s``) for SECURITY.md.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection

from newsletter.models import Delivery, Edition
from newsletter.services import edition_start
from tests.factories import EditionFactory, SubscriberFactory
from tests.newsletter.conftest import FAST_SENDING
from tests.support.celery_worker import CeleryBeat, database_url, wait_for
from tests.support.redis import RedisServer, point_celery_at
from tests.support.smtp import SMTPSink
from verdicts.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

RESUME_BOUND = 30.0  # seconds from the end of a fault to the next message delivered
READERS = 200
SENDERS = 2
WORKER_DATABASE = "verdicts-fault-test-worker"  # the application_name its connections carry


@pytest.fixture
def worker_env(worker_env, settings):
    """The production sending timeouts, and the default two senders an edition."""
    settings.NEWSLETTER_SENDERS = SENDERS
    production = {name: str(getattr(settings, name)) for name in FAST_SENDING}
    return {
        **worker_env,
        **production,
        "NEWSLETTER_SENDERS": str(SENDERS),
        "DATABASE_URL": f"{database_url()}?application_name={WORKER_DATABASE}",
    }


@pytest.fixture
def start_beat(worker_env, tmp_path):
    beats: list[CeleryBeat] = []

    def start(env: dict | None = None) -> CeleryBeat:
        beat = CeleryBeat(env=env or worker_env, logfile=tmp_path / f"beat-{len(beats)}.log")
        beats.append(beat)
        return beat.start()

    yield start
    for beat in beats:
        beat.kill()


@pytest.fixture
def readers() -> list[str]:
    return [SubscriberFactory(email=f"reader{n}@example.com").email for n in range(READERS)]


@dataclass
class Outcome:
    """What the SMTP server saw of one edition after a fault."""

    resumed_after: float  # seconds from the fault's end to the next message received
    silent_for: float  # seconds with no message received, around the fault
    delivered: int
    lost: int
    duplicates: int

    def report(self, fault: str, record_property) -> str:
        for name in ("resumed_after", "silent_for", "lost", "duplicates"):
            record_property(name, getattr(self, name))
        line = (
            f"{fault}: resumed {self.resumed_after:.2f} s after the fault ended "
            f"(no message for {self.silent_for:.1f} s); delivered {self.delivered}, "
            f"lost {self.lost}, duplicates {self.duplicates}"
        )
        print(f"\n{line}")
        return line


def outcome(sink: SMTPSink, emails: list[str], *, fault_ended: float) -> Outcome:
    counts = sink.per_recipient()
    first = sink.first_after(fault_ended)
    last_before = max((r.at for r in sink.received if r.at <= fault_ended), default=0.0)
    return Outcome(
        resumed_after=first.at - fault_ended,
        silent_for=first.at - last_before,
        delivered=sum(counts.values()),
        lost=sum(1 for email in emails if counts[email] == 0),
        duplicates=sum(n - 1 for n in counts.values() if n > 1),
    )


def edition_done(edition: Edition) -> Callable[[], bool]:
    return lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT


def received_at_least(sink: SMTPSink, count: int) -> Callable[[], bool]:
    return lambda: len(sink.received) >= count


def start_sending(reviewed_comparison) -> Edition:
    return edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))


def test_sending_resumes_soon_after_the_worker_is_killed_and_restarted(
    start_worker, start_beat, smtp_server, readers, reviewed_comparison, record_property
):
    sink = smtp_server.sink
    sink.delay = 0.02  # the kill lands with messages in flight
    worker = start_worker()
    start_beat()
    edition = start_sending(reviewed_comparison)
    wait_for(received_at_least(sink, 60), what="sending to be under way")

    worker.kill()  # worker and pool at once: its two send tasks are never acknowledged
    time.sleep(2)
    restarted = time.monotonic()
    start_worker()

    wait_for(edition_done(edition), timeout=150, what="the edition to be sent after the restart")
    result = outcome(sink, readers, fault_ended=restarted)
    result.report("worker SIGKILLed, restarted 2 s later", record_property)
    assert result.resumed_after <= RESUME_BOUND
    assert result.lost == 0
    assert result.duplicates <= SENDERS  # at most the message each sender had in flight


def test_a_worker_killed_just_after_recording_a_message_sends_nothing_twice(
    start_worker, start_beat, worker_env, smtp_server, readers, reviewed_comparison, settings,
    record_property,
):  # fmt: skip
    """The sender commits each "sent" without waiting for the disk flush: killed the moment
    after, between two messages, it has lost none of those commits, so nothing goes out
    twice. (Only PostgreSQL crashing could lose them: newsletter/sending.py.)"""
    settings.NEWSLETTER_SENDERS = 1  # nobody else with a message in flight at the kill
    env = {**worker_env, "NEWSLETTER_SENDERS": "1"}
    sink = smtp_server.sink
    sink.hold_mail_after, sink.stall_for = 60, 30.0  # the 61st waits at its MAIL FROM
    worker = start_worker(env=env)
    start_beat(env)
    edition = start_sending(reviewed_comparison)
    assert sink.mail_held.wait(60), "sending should have reached the 61st message"

    worker.kill()
    restarted = time.monotonic()
    start_worker(env=env)

    wait_for(edition_done(edition), timeout=150, what="the edition to be sent after the kill")
    result = outcome(sink, readers, fault_ended=restarted)
    result.report("worker SIGKILLed just after recording its 60th message", record_property)
    assert result.lost == 0
    assert result.duplicates == 0
    assert sink.per_recipient()[readers[59]] == 1  # the last one recorded before the kill


def test_sending_resumes_soon_after_redis_is_down_for_90_seconds(
    start_worker, start_beat, worker_env, smtp_server, readers, reviewed_comparison, tmp_path,
    record_property,
):  # fmt: skip
    sink = smtp_server.sink
    sink.delay = 0.1  # ten seconds of sending in all, so the outage lands mid-edition
    broker = RedisServer(tmp_path).start()
    env = {**worker_env, "REDIS_URL": broker.url, "NEWSLETTER_TASK_BUDGET": "5"}
    default_broker = celery_app.conf.broker_url
    point_celery_at(broker.url)  # this process queues the senders there too
    try:
        worker = start_worker(env=env)
        start_beat(env)
        edition = start_sending(reviewed_comparison)
        wait_for(received_at_least(sink, 30), what="sending to be under way")

        # Each run hands over to the next after NEWSLETTER_TASK_BUDGET (5 s here, so the
        # hand-over falls in the outage); queuing it fails and the runs end.
        broker.stop()  # SIGKILL, nothing saved: the queue is lost with it
        time.sleep(90)
        broker.start()
        up = time.monotonic()

        wait_for(edition_done(edition), timeout=120, what="the edition to be sent")
    finally:
        point_celery_at(default_broker)
        broker.stop()
    result = outcome(sink, readers, fault_ended=up)
    result.report("Redis stopped for 90 s", record_property)
    assert result.silent_for >= 60, "sending should have stopped during the outage"
    assert "the next run was not queued" in worker.log()
    assert result.resumed_after <= RESUME_BOUND
    assert result.lost == 0
    assert result.duplicates <= SENDERS


def test_sending_resumes_soon_after_the_database_connections_are_terminated(
    start_worker, start_beat, smtp_server, readers, reviewed_comparison, record_property
):
    sink = smtp_server.sink
    sink.delay = 0.02
    worker = start_worker()
    start_beat()
    edition = start_sending(reviewed_comparison)
    wait_for(received_at_least(sink, 60), what="sending to be under way")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [WORKER_DATABASE],
        )
        terminated = cursor.rowcount
    ended = time.monotonic()

    wait_for(edition_done(edition), timeout=120, what="the edition to be sent")
    result = outcome(sink, readers, fault_ended=ended)
    result.report(f"{terminated} database connections terminated", record_property)
    assert terminated >= SENDERS
    assert "the database failed" in worker.log()
    assert "Traceback" not in worker.log()
    assert result.resumed_after <= RESUME_BOUND
    assert result.lost == 0
    assert result.duplicates == 0  # the message a sender could not mark is marked later


def test_sending_resumes_soon_after_the_smtp_server_is_down_for_a_minute(
    start_worker, start_beat, smtp_server, readers, reviewed_comparison, record_property
):
    sink = smtp_server.sink
    sink.delay = 0.02
    worker = start_worker()
    start_beat()
    edition = start_sending(reviewed_comparison)
    wait_for(received_at_least(sink, 60), what="sending to be under way")

    smtp_server.down()
    time.sleep(60)
    leased = Delivery.objects.leased().count()
    smtp_server.up()
    up = time.monotonic()

    wait_for(edition_done(edition), timeout=120, what="the edition to be sent")
    result = outcome(sink, readers, fault_ended=up)
    log = worker.log()
    sweeps = log.count("no sender at work")
    result.report(
        f"SMTP server down for 60 s (senders held {leased} rows; sweep started senders "
        f"{sweeps} times)",
        record_property,
    )
    assert "the SMTP server failed (ConnectionRefusedError" in log
    assert leased > 0  # the senders kept their chunks, renewing them at each try
    assert result.resumed_after <= RESUME_BOUND
    assert result.lost == 0
    assert result.duplicates <= SENDERS  # a message the server took as it went down


def test_an_smtp_server_cutting_every_37th_message_slows_the_edition_little(
    start_worker, start_beat, smtp_server, reviewed_comparison, record_property
):
    emails = [SubscriberFactory(email=f"reader{n}@example.com").email for n in range(300)]
    sink = smtp_server.sink
    start_worker()
    start_beat()

    def timed_edition() -> float:
        started = time.monotonic()
        edition = start_sending(reviewed_comparison)
        wait_for(edition_done(edition), timeout=120, what="the edition to be sent")
        return time.monotonic() - started

    clean = timed_edition()
    assert sink.per_recipient() == dict.fromkeys(emails, 1)
    sink.clear()
    sink.drop_every = 37  # mid-DATA, before the "250": the message is not kept
    flaky = timed_edition()

    counts = sink.per_recipient()
    resumes = [sink.first_after(cut).at - cut for cut in sink.dropped]
    lost = sum(1 for email in emails if counts[email] == 0)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    record_property("clean_seconds", clean)
    record_property("flaky_seconds", flaky)
    record_property("slowest_resume", max(resumes))
    print(
        f"\nSMTP cutting every 37th message: {len(sink.dropped)} cuts, 300 readers in "
        f"{flaky:.1f} s (a clean run: {clean:.1f} s); slowest resume after a cut "
        f"{max(resumes):.2f} s; lost {lost}, duplicates {duplicates}"
    )
    assert len(sink.dropped) >= 300 // 37
    assert max(resumes) <= RESUME_BOUND
    assert lost == 0 and duplicates == 0
    assert flaky <= 2 * clean + 10  # it was 100 times slower
