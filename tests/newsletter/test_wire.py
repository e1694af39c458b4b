"""The newsletter's emails as the SMTP server received them: raw bytes, nothing decoded.

Gmail, Yahoo and Apple Mail offer one-click unsubscribe only for a literal
``List-Unsubscribe: <https://…>`` beside ``List-Unsubscribe-Post``; an RFC 2047
encoded-word in its place reads the same to a parser and to these tests' own
``received.message``, so every check here reads ``received.raw``.
"""

import email.policy
import email.utils

import pytest
from django.core.mail import mailers
from django.utils import timezone

from newsletter.emails import EditionContent, edition_message
from newsletter.models import Delivery, Edition
from newsletter.sending import edition_deliver, edition_send_copy, subscriber_send_confirmation
from newsletter.services import edition_start
from newsletter.wire import EditionWire
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


# Addresses a sender splices into the edition's bytes, and two it builds in full: a quoted
# apostrophe and a domain that needs IDNA (newsletter/wire.py, _PLAIN_ADDRESS).
READERS = [
    "ann@example.com",
    "Bob.Smith+weekly@Mail.Example.org",
    f"{'c' * 64}@{'long-subdomain.' * 4}example.com",
    "dee_o%x@d-1.example.net",
    "o'neil@example.com",
    "eve@bücher.example",
]


def without_date(raw: bytes) -> tuple[bytes, bytes]:
    """The message with its Date line taken out, and that line."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    [date] = [line for line in lines if line.startswith(b"Date: ")]
    return b"\r\n".join(line for line in lines if line != date) + b"\r\n\r\n" + body, date


def test_every_copy_a_run_sends_is_the_message_built_in_full_byte_for_byte(edition, smtp_server):
    readers = [SubscriberFactory(email=address) for address in READERS]
    edition_start(edition=edition)
    started = timezone.now()
    assert edition_deliver(edition_id=edition.pk).finished

    content = EditionContent.load(Edition.objects.get(pk=edition.pk))
    rows = {row.subscriber_id: row.pk for row in Delivery.objects.filter(edition=edition)}
    for reader in readers:
        [received] = smtp_server.sink.to(received_address(reader.email))
        built = edition_message(content=content, subscriber=reader, delivery_id=rows[reader.pk])
        message = built.message(policy=email.policy.SMTP)
        message.set_boundary(received.message.get_boundary())
        sent, date = without_date(received.raw)
        # aiosmtpd hands over the DATA without its final CRLF.
        assert sent.rstrip(b"\r\n") == without_date(message.as_bytes())[0].rstrip(b"\r\n")
        when = email.utils.parsedate_to_datetime(date.decode().removeprefix("Date: "))
        assert abs((when - started).total_seconds()) < 60
        assert received.message["Date"].datetime.tzinfo is not None


def received_address(address: str) -> str:
    """The envelope address the server saw: the domain IDNA-encoded, as Django sends it."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode()}"


def test_a_copy_is_spliced_only_for_an_address_that_is_its_own_to_line(smtp_server):
    content = EditionContent.load(EditionFactory())
    wire = EditionWire.load(content, mailer=mailers.default)
    assert wire is not None
    spliced = [wire.copy(reader=SubscriberFactory(email=a), delivery_id=1) for a in READERS]
    assert [copy is not None for copy in spliced] == [True] * 4 + [False] * 2
    assert spliced[1].to == "Bob.Smith+weekly@Mail.Example.org"
    assert b"\r\nTo: Bob.Smith+weekly@Mail.Example.org\r\n" in spliced[1].data
