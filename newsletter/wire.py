"""The edition as it crosses the wire: serialised once, each reader's copy spliced from it.

Python's email package takes milliseconds to serialise a 25 KB edition (quoted-printable
and header folding, in Python), several times what sending it costs. Yet one reader's
copy differs from the next in four places only: the To, Date and Message-ID headers and
the unsubscribe token, which List-Unsubscribe and both parts carry. So the edition is
serialised once, for a stand-in reader, by the code that builds each copy in full
(``newsletter.emails.edition_message``, serialised as Django's SMTP mailer does it), and
a reader's copy is those bytes with the reader's values written in:

- The token is a UUID, 36 characters quoted-printable leaves as they are: a reader's
  token takes the stand-in's place character for character, so the soft line breaks
  (``=\\r\\n``) the encoder put inside the stand-in's fall at the same places in the
  reader's, and everything after it is unchanged.
- To, Date and Message-ID are one line each (``core.mail`` writes a plain header with no
  space in it on one line, as it is); the reader's line replaces the stand-in's. The Date
  line is made by the email package itself, once a second.

Two guards keep every copy, byte for byte, what the full build would send:

- A reader whose address is not a plain ASCII dot-atom (``_PLAIN_ADDRESS``) gets the
  message built in full, so whatever Django does with such an address (IDNA, refusing
  it) still happens.
- Before any copy goes out, the template proves itself: the copy it splices for a second
  stand-in (another token, a longer address, a longer delivery id) must equal the message
  built in full for that stand-in, Date aside. If it does not (content this module did not
  foresee, a part the encoder chose base64 for), ``EditionWire.load`` returns None and
  every reader gets the full build.
"""

import datetime as dt
import email.policy
import functools
import itertools
import re
import secrets
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core.mail import plain_headers
from newsletter.emails import EditionContent, edition_message, edition_message_id
from newsletter.models import Subscriber

# An address whose To line and envelope address are itself: runs of letters, digits and
# _%+- joined by dots, at an ASCII domain of two labels or more. Others take the full build.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_ADDRESS_LIMIT = 998 - len("To: ")  # past RFC 5322's line, core.mail leaves it to Python
_POLICY = plain_headers(email.policy.SMTP)  # as Django's SMTP mailer serialises
_SOFT_BREAK = b"=\r\n"
_PLACES = {b"To": "to", b"Date": "date", b"Message-ID": "message-id"}


@functools.cache
def _header_line(name: bytes) -> re.Pattern:
    """A top-level header of one line (no continuation line after it)."""
    return re.compile(rb"^" + re.escape(name) + rb": [^\r\n]*\r\n(?![ \t])", re.MULTILINE)


@dataclass(frozen=True)
class WireMessage:
    """One copy, ready for ``smtplib.SMTP.sendmail``."""

    from_email: str
    to: str
    data: bytes


@dataclass(frozen=True)
class _Token:
    """The stand-in's token in the template: at which of its characters the encoder broke
    the line."""

    breaks: tuple[int, ...]

    def write(self, token: bytes) -> bytes:
        ends = (0, *self.breaks, len(token))
        return _SOFT_BREAK.join(token[a:b] for a, b in itertools.pairwise(ends))


class EditionWire:
    """One edition's bytes with the reader's places marked; ``copy`` writes a reader in."""

    def __init__(self, content: EditionContent, *, from_email: str, pieces: list) -> None:
        self.content = content
        self.from_email = from_email
        self.pieces = pieces  # bytes, a _Token, or the name of a header line (_PLACES)
        self._date = (0, b"")  # (the second, its Date line)

    @classmethod
    def load(cls, content: EditionContent, *, mailer) -> "EditionWire | None":
        """The template of ``content`` as ``mailer`` (Django's SMTP mailer) sends it; None
        if the copies it splices would not be exactly the messages built in full."""
        boundary = "=" * 15 + f"{secrets.randbelow(2**63):019d}=="  # as Python makes one
        reader = _stand_in("stand-in")
        template = _serialise(content, reader, delivery_id=1, boundary=boundary)
        pieces = _pieces(template, token=str(reader.token))
        if pieces is None:
            return None
        from_email = edition_message(content=content, subscriber=reader).from_email
        wire = cls(content, from_email=mailer.prep_address(from_email), pieces=pieces)
        other, other_id = _stand_in("another.stand-in+" + "x" * 40), 10**12
        built = _serialise(content, other, delivery_id=other_id, boundary=boundary)
        spliced = wire.copy(reader=other, delivery_id=other_id)
        if spliced is None or _without_date(spliced.data) != _without_date(built):
            return None
        return wire

    def copy(self, *, reader: Subscriber, delivery_id: int) -> WireMessage | None:
        """``reader``'s copy; None if their address needs the full build."""
        address = reader.email
        if len(address) > _ADDRESS_LIMIT or not _PLAIN_ADDRESS.fullmatch(address):
            return None
        token = str(reader.token).encode("ascii")
        message_id = edition_message_id(self.content.edition, delivery_id=delivery_id)
        lines = {
            "to": b"To: " + address.encode("ascii") + b"\r\n",
            "date": self._date_line(),
            "message-id": b"Message-ID: " + message_id.encode("ascii") + b"\r\n",
        }
        data = b"".join(
            piece.write(token) if isinstance(piece, _Token) else lines.get(piece, piece)
            for piece in self.pieces
        )
        return WireMessage(from_email=self.from_email, to=address, data=data)

    def _date_line(self) -> bytes:
        """The Date line as Django writes it (now, to the second), made once a second."""
        second = int(time.time())
        if self._date[0] != second:
            tz = timezone.get_current_timezone() if settings.EMAIL_USE_LOCALTIME else dt.UTC
            self._date = (second, _field("Date", dt.datetime.fromtimestamp(second, tz)))
        return self._date[1]


def _stand_in(local: str) -> Subscriber:
    # A pk, as a reader on the list has: a reader without one gets the sample page's link.
    return Subscriber(pk=0, email=f"{local}@stand-in.invalid", token=uuid.uuid4())


def _field(name: str, value) -> bytes:
    """One header line as the email package writes it for Django's SMTP mailer."""
    return _POLICY.fold_binary(name, _POLICY.header_factory(name, value))


def _serialise(content, reader, *, delivery_id: int, boundary: str) -> bytes:
    """The bytes Django's SMTP mailer sends to ``reader``, with a chosen MIME boundary."""
    built = edition_message(content=content, subscriber=reader, delivery_id=delivery_id)
    message = built.message(policy=email.policy.SMTP)
    message.set_boundary(boundary)
    return message.as_bytes()


def _pieces(template: bytes, *, token: str) -> list | None:
    """``template`` cut at the stand-in's places; None if one is not as expected."""
    head = template[: template.find(b"\r\n\r\n") + 2]
    places = []  # (start, end, what goes there)
    for name, place in _PLACES.items():
        found = list(_header_line(name).finditer(head))
        if len(found) != 1:
            return None
        places.append((found[0].start(), found[0].end(), place))
    maybe_broken = rb"(?:=\r\n)?"
    pattern = re.compile(maybe_broken.join(re.escape(bytes([c])) for c in token.encode()))
    for match in pattern.finditer(template):
        runs = match.group().split(_SOFT_BREAK)
        breaks = [sum(map(len, runs[: n + 1])) for n in range(len(runs) - 1)]
        places.append((match.start(), match.end(), _Token(tuple(breaks))))
    if not any(isinstance(place, _Token) for *_, place in places):
        return None
    pieces, at = [], 0
    for start, end, place in sorted(places, key=lambda found: found[0]):
        if start < at:
            return None
        pieces += [template[at:start], place]
        at = end
    return [*pieces, template[at:]]


def _without_date(data: bytes) -> bytes:
    return _header_line(b"Date").sub(b"", data, count=1)
