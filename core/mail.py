"""Email messages whose headers go out as plain text wherever plain text will do.

Python's email package folds a header at 78 characters, and a word longer than a
line (a URL, a long name) it cannot fold; rather than leave that word long, it
writes it as an RFC 2047 encoded-word. ``List-Unsubscribe: <https://…>`` then
goes out as ``=?utf-8?q?=3Chttps…?=``: a parser decodes it, but Gmail, Yahoo and
Apple Mail offer no one-click unsubscribe, and the list fails the bulk-sender
rules. RFC 5322 allows a line up to 998 characters, so a header that is plain
ASCII is folded here at its spaces and a word longer than a line is left whole;
only a header that needs other characters (or would pass 998) is left to Python.

Django's mailers call ``EmailMessage.message(policy=…)`` with their own policy
(``email.policy.SMTP`` over SMTP); the classes here keep that policy and change
only how it folds headers.
"""

import email.policy
import re

from django.core import mail

LINE_LIMIT = 998  # RFC 5322 2.1.1, CRLF excluded
_CHUNKS = re.compile(r"[ \t]*[^ \t]+")  # each word with the whitespace before it
_PLAIN = re.compile(r"[\x20-\x7e\t]*")  # printable ASCII: nothing to encode


class PlainHeadersPolicy(email.policy.EmailPolicy):
    """``EmailPolicy`` that folds a printable-ASCII header at its spaces and never
    encodes it."""

    def fold(self, name, value):
        return self._fold_plain(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._fold_plain(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)

    def _fold_plain(self, name: str, value) -> str | None:
        if not hasattr(value, "name"):  # a header read from a source, not one built here
            return None
        text = str(value).strip()
        # "=?" might read as an encoded-word: leave such text to Python, which encodes it.
        if not text or not _PLAIN.fullmatch(text) or "=?" in text:
            return None
        width = self.max_line_length or LINE_LIMIT
        first, *rest = _CHUNKS.findall(text)
        lines = [f"{name}: {first}"]
        for chunk in rest:
            if len(lines[-1]) + len(chunk) > width:
                lines.append(chunk)  # begins with its whitespace: a continuation line
            else:
                lines[-1] += chunk
        if any(len(line) > LINE_LIMIT for line in lines):
            return None
        return self.linesep.join(lines) + self.linesep


def plain_headers(policy: email.policy.EmailPolicy) -> PlainHeadersPolicy:
    """``policy`` (line endings, line length, UTF-8 and the rest) with plain headers."""
    if isinstance(policy, PlainHeadersPolicy):
        return policy
    return PlainHeadersPolicy(**vars(policy))


class PlainHeaders:
    """Mixin for Django's message classes: serialise with ``PlainHeadersPolicy``."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=plain_headers(policy))


class EmailMessage(PlainHeaders, mail.EmailMessage):
    pass


class EmailMultiAlternatives(PlainHeaders, mail.EmailMultiAlternatives):
    pass


def with_plain_headers(message: mail.EmailMessage) -> mail.EmailMessage:
    """The same message, as one of the classes here (for messages a library builds)."""
    if isinstance(message, PlainHeaders):
        return message
    kind = (
        EmailMultiAlternatives if isinstance(message, mail.EmailMultiAlternatives) else EmailMessage
    )
    copy = kind.__new__(kind)
    copy.__dict__.update(vars(message))
    return copy
