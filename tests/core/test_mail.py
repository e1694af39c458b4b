"""How core.mail writes headers: plain where plain will do, Python's encoding where not."""

import email
import email.message
import email.policy

import pytest

from core.mail import EmailMessage
from tests.support.wire import header_problems, top_fields

URL = "https://verdicts.example/newsletter/unsubscribe/3f9c2e71-1111-2222-3333-444455556666/"


def raw(**headers) -> bytes:
    subject = headers.pop("Subject", "Hello")
    message = EmailMessage(subject, "Body", "Verdicts <v@example.com>", ["ann@example.com"])
    message.extra_headers.update(headers)
    return message.message(policy=email.policy.SMTP).as_bytes()


def parsed(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_a_word_longer_than_a_line_stays_whole_on_its_line():
    data = raw(**{"List-Unsubscribe": f"<{URL}>"})
    assert top_fields(data)["List-Unsubscribe"] == [f"List-Unsubscribe: <{URL}>".encode()]
    assert header_problems(data) == []


def test_plain_text_folds_at_spaces_within_78_characters():
    subject = " ".join(["word"] * 40)
    data = raw(Subject=subject)
    lines = top_fields(data)["Subject"]
    assert len(lines) > 1 and all(len(line) <= 78 for line in lines)
    assert parsed(data)["Subject"] == subject
    assert header_problems(data) == []


@pytest.mark.parametrize("subject", ["Ça compare: two tools", "x" * 1200])
def test_what_plain_text_cannot_carry_is_left_to_python(subject):
    """Text that needs UTF-8, or a word past 998 characters even on a line of its own."""
    data = raw(Subject=subject)
    assert b"Subject: =?utf-8?" in data
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert parsed(data)["Subject"] == subject


def test_text_that_could_read_as_an_encoded_word_is_left_to_python():
    subject = "Prices =?are up"
    data = raw(Subject=subject)
    stock = email.message.EmailMessage(policy=email.policy.SMTP)
    stock["Subject"] = subject
    assert top_fields(data)["Subject"] == top_fields(stock.as_bytes())["Subject"]
    assert parsed(data)["Subject"] == subject


def test_the_mailer_s_policy_is_kept():
    message = EmailMessage("Hi", "Body", "v@example.com", ["ann@example.com"])
    assert b"\r\n" in message.message(policy=email.policy.SMTP).as_bytes()
    assert b"\r\n" not in message.message(policy=email.policy.default).as_bytes()
