"""The newsletter through the real parts: a Celery worker process started here, Redis,
PostgreSQL and an SMTP server on loopback. Assertions are on what that server received.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils.timezone import now

from newsletter.editions import edition_compose
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.services import edition_start
from newsletter.tasks import (
    compose_weekly_edition,
    resume_stalled_editions,
    send_confirmation,
    send_edition,
)
from tests.factories import EditionFactory, SubscriberFactory
from tests.newsletter.test_tasks import UNENCODABLE
from tests.support.celery_worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ACTIVE = 200


@pytest.fixture
def list_of_readers() -> dict[str, list[str]]:
    """200 active subscribers, and others who must receive nothing."""
    return {
        "active": [SubscriberFactory(email=f"active{n}@example.com").email for n in range(ACTIVE)],
        "others": [
            *(
                SubscriberFactory(pending=True, email=f"pending{n}@example.com").email
                for n in range(5)
            ),
            *(
                SubscriberFactory(unsubscribed=True, email=f"gone{n}@example.com").email
                for n in range(5)
            ),
        ],
    }


def sent_to_all(smtp_server, emails: list[str]):
    return lambda: set(smtp_server.sink.per_recipient()) >= set(emails)


def edition_done(edition: Edition):
    return lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT


def duplicates(counts) -> dict[str, int]:
    return {address: n for address, n in counts.items() if n > 1}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.hostname == "verdicts.example", url
    return parts.path


@pytest.mark.parametrize("drop_after", [None, 70], ids=["steady", "server-drops-connection"])
def test_every_active_subscriber_gets_the_edition_exactly_once(
    celery_worker, smtp_server, list_of_readers, reviewed_comparison, drop_after
):
    smtp_server.sink.drop_after = drop_after
    edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))

    wait_for(edition_done(edition), timeout=60, what="the edition to be sent")

    counts = smtp_server.sink.per_recipient()
    assert counts == dict.fromkeys(list_of_readers["active"], 1)
    assert not set(counts) & set(list_of_readers["others"])
    assert Delivery.objects.filter(edition=edition, status="sent").count() == ACTIVE
    if drop_after:
        assert "SMTPServerDisconnected" in celery_worker.log()  # it really was cut off


def test_what_arrives_has_working_links_and_one_click_unsubscribe(
    celery_worker, smtp_server, reviewed_comparison
):
    reader = SubscriberFactory(email="reader@example.com")
    edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
    wait_for(edition_done(edition), what="the edition to be sent")
    [received] = smtp_server.sink.to(reader.email)
    message = received.message

    assert message["Subject"] == edition.subject
    unsubscribe = f"https://verdicts.example/newsletter/unsubscribe/{reader.token}/"
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)) and message.get_body(("html",))
    assert 'style="' in received.html  # the CSS is inlined
    assert "Ship · 4 ship / 0 skip" in received.html and "Ship · 3 ship / 1 skip" in received.text

    reader_browser = Client()
    links = set(re.findall(r'href="(https://[^"]+)"', received.html))
    assert unsubscribe in links
    assert f"https://verdicts.example{reviewed_comparison.get_absolute_url()}" in links
    assert f"https://verdicts.example{edition.get_absolute_url()}" in links  # web version
    for link in links - {unsubscribe}:
        assert reader_browser.get(path_of(link)).status_code == 200, link

    # A mail client's one-click unsubscribe: no cookie, no CSRF token, just the body.
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(path_of(unsubscribe)).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE  # looking is not leaving
    response = mail_client.post(
        path_of(unsubscribe),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED


def test_send_edition_twice_at_once_sends_each_copy_once(
    start_worker, smtp_server, list_of_readers, reviewed_comparison
):
    smtp_server.sink.delay = 0.005
    with transaction.atomic():
        edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
        send_edition.delay_on_commit(edition.pk)  # a second run of the same edition
    worker = start_worker()  # both runs wait in the queue; two pool processes take them

    wait_for(edition_done(edition), timeout=60, what="the edition to be sent")

    assert smtp_server.sink.per_recipient() == dict.fromkeys(list_of_readers["active"], 1)
    senders = re.findall(r"/(ForkPoolWorker-\d+)\] Edition \S+: sending a chunk", worker.log())
    assert len(set(senders)) == 2, "both runs should have sent part of the list"


def test_a_pool_process_killed_mid_send_is_replaced_and_the_send_completes(
    celery_worker, smtp_server, list_of_readers, reviewed_comparison, record_property
):
    smtp_server.sink.stall_after = 60  # the server holds its "250" for the 60th message
    edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
    assert smtp_server.sink.stalled.wait(30), "sending never got under way"
    in_flight = smtp_server.sink.received[59].recipients[0]

    celery_worker.kill_pool()  # the pool process dies waiting for that "250"

    wait_for(edition_done(edition), timeout=60, what="the edition to be sent after the kill")
    assert "WorkerLostError" in celery_worker.log()
    counts = smtp_server.sink.per_recipient()
    assert set(counts) == set(list_of_readers["active"])
    extra = duplicates(counts)
    record_property("duplicates", sum(n - 1 for n in extra.values()))
    print(f"\npool process killed with one message in flight: duplicates {extra}")
    # The server kept the message in flight but its sender never heard so: that one
    # copy, and only that one, goes out twice.
    assert extra == {in_flight: 2}


@pytest.mark.parametrize("moment", ["in-flight", "any-time"])
def test_a_worker_killed_mid_send_and_restarted_completes_the_send(
    start_worker, smtp_server, list_of_readers, reviewed_comparison, record_property, moment
):
    if moment == "in-flight":
        smtp_server.sink.stall_after = 60
    else:
        smtp_server.sink.delay = 0.005  # a kill lands wherever it lands
    first = start_worker()
    edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
    wait_for(lambda: len(smtp_server.sink.received) >= 60, what="sending to be under way")

    first.kill()  # the whole worker, pool and all: its task message is never acknowledged
    received_at_kill = len(smtp_server.sink.received)
    start_worker()
    # Celery beat runs this every NEWSLETTER_SWEEP_INTERVAL; here the test keeps the time.
    # It queues the edition again once the dead worker's lease has run out.
    wait_for(resume_stalled_editions, timeout=30, what="the stalled edition to be noticed")

    wait_for(edition_done(edition), timeout=60, what="the edition to be sent after the restart")
    counts = smtp_server.sink.per_recipient()
    assert set(counts) == set(list_of_readers["active"])
    extra = duplicates(counts)
    record_property("duplicates", sum(n - 1 for n in extra.values()))
    print(f"\nworker killed ({moment}) at {received_at_kill} received: duplicates {extra}")
    assert sum(n - 1 for n in extra.values()) <= 1, extra


def test_a_task_queued_in_a_transaction_that_rolls_back_sends_nothing(
    celery_worker, smtp_server, reviewed_comparison
):
    SubscriberFactory(email="reader@example.com")
    edition = EditionFactory(comparisons=[reviewed_comparison])

    with pytest.raises(RuntimeError), transaction.atomic():
        edition_start(edition=edition)  # queues send_edition on commit
        raise RuntimeError("something later in the request failed")

    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and not edition.deliveries.exists()
    # Proof the worker would have sent it: start the same edition for real.
    edition_start(edition=edition)
    wait_for(edition_done(edition), what="the edition to be sent")
    assert smtp_server.sink.per_recipient() == {"reader@example.com": 1}


def test_composing_twice_makes_one_edition_sent_once(
    celery_worker, smtp_server, reviewed_comparison
):
    emails = [SubscriberFactory().email for _ in range(10)]

    compose_weekly_edition.delay()
    compose_weekly_edition.delay()  # beat fired twice, or two beats ran

    edition = wait_for(Edition.objects.first, what="an edition to be composed")
    wait_for(edition_done(edition), what="the edition to be sent")
    assert Edition.objects.count() == 1
    assert list(edition.comparisons.all()) == [reviewed_comparison]
    assert smtp_server.sink.per_recipient() == dict.fromkeys(emails, 1)
    assert edition_compose() is None  # and a third time, here, nothing new either


def test_a_confirmation_that_cannot_be_sent_is_one_line_in_the_log_not_a_crash(
    celery_worker, smtp_server
):
    reader = SubscriberFactory(pending=True, email=UNENCODABLE, confirmation_sent_at=now())

    send_confirmation.delay(reader.pk)

    unsent = lambda: Subscriber.objects.get(pk=reader.pk).confirmation_sent_at is None  # noqa: E731
    wait_for(unsent, what="the confirmation to be marked unsent")
    log = celery_worker.log()
    assert f"Confirmation for subscriber {reader.pk} not sent: Invalid address" in log
    assert "Traceback" not in log  # it crashed with UnicodeEncodeError, never retried
    assert smtp_server.sink.received == []


def test_double_opt_in_through_the_worker(celery_worker, smtp_server, client):
    response = client.post("/newsletter/subscribe/", {"email": "New.Reader@Example.com"})
    assert response.status_code == 302

    [confirmation] = wait_for(
        lambda: smtp_server.sink.to("New.Reader@Example.com"), what="the confirmation email"
    )
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    [link] = re.findall(r"https://verdicts\.example/newsletter/confirm/\S+/", confirmation.text)

    scanner = Client()  # a mail scanner following every link confirms nothing
    assert scanner.get(path_of(link)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    assert client.post(path_of(link)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
