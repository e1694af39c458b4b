"""A real SMTP server on loopback (aiosmtpd) that keeps what it is sent.

Tests point Django's mailer at it and assert on what actually crossed the wire.
``fail_for`` makes the server answer chosen recipients with an SMTP error code,
``drop_after`` makes it cut the connection after accepting that many messages.
"""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@dataclass
class SMTPSink:
    received: list[Received] = field(default_factory=list)
    fail_for: dict[str, str] = field(default_factory=dict)  # address -> "451 Try later"
    drop_after: int | None = None  # cut the connection after accepting this many messages
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.fail_for:
            return self.fail_for[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            accepted = len(self.received)
        if self.drop_after is not None and accepted >= self.drop_after:
            self.drop_after = None  # drop once
            server.transport.close()
            return "421 Closing connection"
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()


class SMTPServer:
    def __init__(self) -> None:
        self.sink = SMTPSink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SMTPServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def mailer(self) -> dict:
        """A MAILERS entry that sends here over SMTP."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
        }
