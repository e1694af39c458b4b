"""The loopback SMTP server the other tests rely on receives what Django sends."""

import smtplib

import pytest
from django.core.mail import EmailMultiAlternatives

from tests.support.smtp import SMTPServer


def test_django_mail_reaches_the_loopback_smtp_server(smtp_server):
    message = EmailMultiAlternatives(
        "Hello", "Plain words", "from@example.com", ["reader@example.com"]
    )
    message.attach_alternative("<p>Rich words</p>", "text/html")
    message.send()
    [received] = smtp_server.sink.to("reader@example.com")
    assert received.message["Subject"] == "Hello"
    assert received.text.strip() == "Plain words"
    assert "Rich words" in received.html


def _send(client: smtplib.SMTP, to: str) -> None:
    client.sendmail("from@example.com", [to], f"Subject: hi\r\nTo: {to}\r\n\r\nHello\r\n")


def test_drop_after_acknowledges_the_last_message_then_cuts_the_connection():
    with SMTPServer() as server:
        server.sink.drop_after = 2
        client = smtplib.SMTP("127.0.0.1", server.port, timeout=5)
        _send(client, "one@example.com")
        _send(client, "two@example.com")  # accepted with a 250
        with pytest.raises(smtplib.SMTPServerDisconnected):
            _send(client, "three@example.com")
    assert server.sink.per_recipient() == {"one@example.com": 1, "two@example.com": 1}


def test_lose_reply_after_keeps_a_message_the_client_never_hears_about():
    with SMTPServer() as server:
        server.sink.lose_reply_after = 1
        client = smtplib.SMTP("127.0.0.1", server.port, timeout=5)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            _send(client, "one@example.com")
    assert server.sink.per_recipient() == {"one@example.com": 1}
