"""The one-email tasks (a confirmation, an editor's test copy) when they cannot send: each
says so in one line, marks what it can and ends; none crashes.

The tasks run here (``apply``), against the loopback SMTP server and the real database;
a retry runs at once. The same through a real worker is in test_worker.py.
"""

import logging

import pytest
from django.db import connection
from django.utils import timezone

from newsletter.models import Subscriber
from newsletter.tasks import send_confirmation, send_edition_test
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A domain label of 70 letters: valid Unicode, but IDNA cannot encode it (labels stop at
# 63), so the mailer raises UnicodeEncodeError when it puts the address on the wire.
UNENCODABLE = f"reader@{'ä' * 70}.example"


def task_errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "newsletter.tasks"]


@pytest.fixture
def waiting_reader() -> Subscriber:
    """A reader whose confirmation was queued a moment ago."""
    return SubscriberFactory(pending=True, confirmation_sent_at=timezone.now())


def test_a_confirmation_to_an_address_the_mailer_cannot_encode_is_logged_and_ends(
    smtp_server, waiting_reader, caplog
):
    Subscriber.objects.filter(pk=waiting_reader.pk).update(email=UNENCODABLE)  # past the form

    result = send_confirmation.apply((waiting_reader.pk,))

    assert result.successful(), result.traceback  # it crashed with UnicodeEncodeError
    [line] = task_errors(caplog)
    # Then the idna codec's own words, which differ between Python versions ("… label too
    # long" on 3.13, "label empty or too long" on 3.12).
    assert line.startswith(f"Confirmation for subscriber {waiting_reader.pk} not sent: Invalid")
    assert line.endswith("too long") and "\n" not in line
    waiting_reader.refresh_from_db()
    assert waiting_reader.confirmation_sent_at is None  # none went out: asking again sends one
    assert smtp_server.sink.received == []


def test_a_confirmation_refused_for_good_is_logged_once_and_marked_unsent(
    smtp_server, waiting_reader, caplog
):
    smtp_server.sink.fail_for[waiting_reader.email] = "550 5.1.1 No such user here"

    assert send_confirmation.apply((waiting_reader.pk,)).successful()

    assert task_errors(caplog) == [
        f"Confirmation for subscriber {waiting_reader.pk} not sent: 550 5.1.1 No such user here"
    ]
    waiting_reader.refresh_from_db()
    assert waiting_reader.confirmation_sent_at is None
    assert smtp_server.sink.refused == [waiting_reader.email]  # tried once, not retried


def test_a_confirmation_refused_on_every_try_gives_up_after_its_last_one(
    smtp_server, waiting_reader, caplog
):
    smtp_server.sink.fail_for[waiting_reader.email] = "451 4.3.0 Try again later"

    assert send_confirmation.apply((waiting_reader.pk,)).successful()

    assert len(smtp_server.sink.refused) == 6  # the first try and five retries
    [line] = [m for m in task_errors(caplog) if "not sent" in m]
    assert line == (
        f"Confirmation for subscriber {waiting_reader.pk} not sent: gave up after 6 tries: "
        "451 4.3.0 Try again later"
    )
    waiting_reader.refresh_from_db()
    assert waiting_reader.confirmation_sent_at is None


def test_a_confirmation_whose_database_connection_broke_is_retried_and_sent(
    smtp_server, waiting_reader
):
    connection.ensure_connection()
    held = connection.connection.info.backend_pid
    # Terminate the connection the task is about to use, from another one.
    other = connection.copy()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [held])
    other.close()

    assert send_confirmation.apply((waiting_reader.pk,)).successful()

    assert [r.recipients for r in smtp_server.sink.received] == [[waiting_reader.email]]
    assert connection.connection.info.backend_pid != held


def test_a_test_copy_to_an_address_the_mailer_cannot_encode_is_logged_and_ends(
    smtp_server, reviewed_comparison, caplog
):
    caplog.set_level(logging.ERROR, logger="newsletter.tasks")
    edition = EditionFactory(comparisons=[reviewed_comparison])

    assert send_edition_test.apply((edition.pk, UNENCODABLE)).successful()

    [line] = task_errors(caplog)
    assert line.startswith(f"Test copy of edition {edition.pk} to {UNENCODABLE} not sent")
    assert smtp_server.sink.received == []
