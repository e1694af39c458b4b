"""The newsletter's emails as the SMTP server received them: raw bytes, nothing decoded.

Gmail, Yahoo and Apple Mail offer one-click unsubscribe only for a literal
``List-Unsubscribe: <https://…>`` beside ``List-Unsubscribe-Post``; an RFC 2047
encoded-word in its place reads the same to a parser and to these tests' own
``received.message``, so every check here reads ``received.raw``.
"""

import pytest

from newsletter.models import Edition
from newsletter.sending import edition_deliver, edition_send_copy, subscriber_send_confirmation
from newsletter.services import edition_start
from tests.factories import ComparisonFactory, EditionFactory, SubscriberFactory, ToolFactory
from tests.support.wire import header_problems, top_fields

pytestmark = pytest.mark.django_db(transaction=True)

# The longest single word a tool's name may be: no header may turn it into an encoded-word.
LONG_NAME = "Supercalifragilistic" * 6


@pytest.fixture
def long_comparison():
    return ComparisonFactory(
        tool_a=ToolFactory(name=LONG_NAME), tool_b=ToolFactory(name="Claude Code")
    )


@pytest.fixture
def edition(long_comparison):
    return EditionFactory(
        comparisons=[long_comparison], subject=f"This week: {long_comparison.title}"
    )


def sent_edition(edition, smtp_server, email="ann@example.com"):
    reader = SubscriberFactory(email=email)
    edition_start(edition=edition)
    assert edition_deliver(edition_id=edition.pk).finished
    [received] = smtp_server.sink.to(email)
    return reader, received


def test_list_unsubscribe_crosses_the_wire_as_a_literal_https_link(edition, smtp_server):
    reader, received = sent_edition(edition, smtp_server)
    url = f"https://verdicts.example/newsletter/unsubscribe/{reader.token}/"
    assert len(f"List-Unsubscribe: <{url}>") > 78  # too long for one folded line
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in received.raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in received.raw
    assert b"=?" not in received.raw.partition(b"\r\n\r\n")[0]


def test_every_header_of_the_edition_is_plain_folded_and_short(edition, smtp_server):
    _, received = sent_edition(edition, smtp_server)
    assert header_problems(received.raw) == []
    headers = top_fields(received.raw)
    # Folded at spaces; the word longer than a line left whole, on a line of its own.
    assert headers["Subject"] == [
        b"Subject: This week:",
        f" {LONG_NAME}".encode(),
        b" vs Claude Code",
    ]
    assert headers["List-Id"] == [b"List-Id: Verdicts weekly <weekly.verdicts.example>"]
    [delivery] = Edition.objects.get(pk=edition.pk).deliveries.all()
    assert headers["Message-ID"] == [
        f"Message-ID: <edition-{edition.pk}.delivery-{delivery.pk}@verdicts.example>".encode()
    ]


def test_a_long_address_stays_one_plain_word(edition, smtp_server):
    email = f"{'a' * 64}@{'long-subdomain.' * 4}example.com"
    _, received = sent_edition(edition, smtp_server, email=email)
    assert header_problems(received.raw) == []
    assert top_fields(received.raw)["To"] == [f"To: {email}".encode()]


def test_the_test_copy_carries_the_same_plain_headers(edition, smtp_server):
    edition_send_copy(edition_id=edition.pk, email="editor@verdicts.example")
    [received] = smtp_server.sink.to("editor@verdicts.example")
    assert header_problems(received.raw) == []
    assert b"\r\nList-Unsubscribe: <https://verdicts.example/newsletter/unsubscribe/" in (
        received.raw
    )
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in received.raw
    subject = b"".join(top_fields(received.raw)["Subject"]).decode()
    assert subject == f"Subject: [Test] This week: {LONG_NAME} vs Claude Code"


def test_the_confirmation_email_headers_are_plain_and_it_has_no_list_headers(smtp_server):
    subscriber = SubscriberFactory(pending=True, email=f"{'b' * 64}@example.com")
    assert subscriber_send_confirmation(subscriber_id=subscriber.pk)
    [received] = smtp_server.sink.to(subscriber.email)
    assert header_problems(received.raw) == []
    headers = top_fields(received.raw)
    assert headers["Subject"] == [b"Subject: Confirm your Verdicts weekly subscription"]
    assert "List-Unsubscribe" not in headers


def test_a_subject_that_needs_unicode_is_still_encoded(long_comparison, smtp_server):
    edition = EditionFactory(comparisons=[long_comparison], subject="Ça compare: Claude Code")
    _, received = sent_edition(edition, smtp_server)
    assert header_problems(received.raw) == []
    assert b"Subject: =?utf-8?" in received.raw
    assert received.message["Subject"] == "Ça compare: Claude Code"
