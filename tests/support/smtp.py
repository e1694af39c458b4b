"""A real SMTP server on loopback (aiosmtpd) that keeps what it is sent.

Tests point Django's mailer at it and assert on what actually crossed the wire.
``fail_for`` makes the server answer chosen recipients with an SMTP error code,
``refuse_all`` every recipient (``refused`` lists the addresses it turned away),
``drop_after`` makes it cut the connection after accepting that many messages.
``lose_reply_after`` keeps that many messages but cuts the connection before the
last one's "250" reaches the client: the one message no SMTP client can know the
fate of. ``delay`` slows every reply down; ``stall_after`` holds the reply to that
message for ``stall_for`` seconds and sets ``stalled``, so a test can kill the
sender while exactly that message is in flight; ``hold_mail_after`` holds the reply to the
MAIL FROM that follows that many messages and sets ``mail_held``, so a test can kill the
sender between two messages, with the last one's "250" received and nothing in flight.
``drop_every`` cuts the connection in the
middle of every Nth message, before the server answers it: that one is not kept (a flaky
server). ``down()`` and ``up()`` stop the server and start it again on its port. Each
message received carries the moment it arrived (``at``, ``time.monotonic()``), for tests
that measure how long sending stopped.
"""

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections import Counter
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
    raw: bytes = b""  # the DATA as it crossed the wire, before any parser decoded it
    at: float = field(default_factory=time.monotonic)

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
    refuse_all: str | None = None  # answer every recipient this, e.g. "451 Try later"
    refused: list[str] = field(default_factory=list)
    drop_after: int | None = None  # cut the connection after accepting this many messages
    lose_reply_after: int | None = None  # keep this many, but never answer the last one
    drop_every: int | None = None  # cut the connection mid-DATA on every Nth message
    dropped: list[float] = field(default_factory=list)  # when each of those cuts happened
    data_seen: int = 0  # messages sent to the server, kept or cut
    delay: float = 0.0  # seconds between taking a message and answering "250"
    stall_after: int | None = None  # hold the answer to this message ...
    stall_for: float = 5.0  # ... this long
    stalled: threading.Event = field(default_factory=threading.Event)  # ... and say so
    hold_mail_after: int | None = None  # hold the next MAIL FROM after this many messages
    mail_held: threading.Event = field(default_factory=threading.Event)  # ... and say so
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.hold_mail_after is not None and len(self.received) >= self.hold_mail_after:
            self.hold_mail_after = None  # once
            self.mail_held.set()
            await asyncio.sleep(self.stall_for)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if refusal := self.refuse_all or self.fail_for.get(address):
            with self.lock:
                self.refused.append(address)
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_seen += 1
            cut = self.drop_every is not None and self.data_seen % self.drop_every == 0
            if cut:
                self.dropped.append(time.monotonic())
        if cut:
            # The message has crossed the wire; the server goes away before its "250".
            server.transport.close()
            return "451 Never written: the transport is closed"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content)
            )
            accepted = len(self.received)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.stall_after is not None and accepted == self.stall_after:
            self.stalled.set()
            await asyncio.sleep(self.stall_for)
        if self.lose_reply_after is not None and accepted >= self.lose_reply_after:
            self.lose_reply_after = None  # once
            server.transport.close()
            return "250 Message accepted"  # never written: the transport is closed
        if self.drop_after is not None and accepted >= self.drop_after:
            self.drop_after = None  # once
            # Close once this "250" is on the wire: the message was accepted, and the
            # client finds the connection gone at its next command.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def per_recipient(self) -> Counter:
        """How many messages each address received."""
        with self.lock:
            return Counter(address for r in self.received for address in r.recipients)

    def first_after(self, moment: float) -> Received | None:
        """The first message that arrived after ``moment`` (``time.monotonic()``)."""
        with self.lock:
            return next((r for r in self.received if r.at > moment), None)

    def clear(self) -> None:
        with self.lock:
            self.received.clear()


class SMTPServer:
    def __init__(self) -> None:
        self.sink = SMTPSink()
        self.port = free_port()
        self.controller: Controller | None = None

    def up(self) -> "SMTPServer":
        """Listen on the port (again), with the same sink."""
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def down(self) -> None:
        """Stop, as a crashed server would: its connections are cut, its port refuses."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> "SMTPServer":
        return self.up()

    def __exit__(self, *exc) -> None:
        self.down()

    @property
    def mailer(self) -> dict:
        """A MAILERS entry that sends here over SMTP."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
        }
