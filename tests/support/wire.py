"""Reading an email as it crossed the wire: the raw bytes, before any parser decodes them.

A parser turns an RFC 2047 encoded-word back into text, so a test that reads a parsed
message cannot tell ``List-Unsubscribe: <https://…>`` from
``List-Unsubscribe: =?utf-8?q?=3Chttps…?=``; mail clients can, and offer no one-click
unsubscribe for the second. These helpers look at the bytes.
"""

import email
import email.policy
from collections.abc import Iterator
from email.header import decode_header, make_header

FOLD_AT = 78  # RFC 5322 2.1.1: lines SHOULD be no longer than this ...
LINE_LIMIT = 998  # ... and MUST be no longer than this, CRLF excluded


def header_sections(raw: bytes) -> Iterator[bytes]:
    """The header section of the message and of each of its MIME parts, as sent."""
    head, _, body = raw.partition(b"\r\n\r\n")
    yield head
    boundary = email.message_from_bytes(head + b"\r\n\r\n", policy=email.policy.default)
    boundary = boundary.get_boundary()
    if not boundary:
        return
    for part in (b"\r\n" + body).split(b"\r\n--" + boundary.encode())[1:]:
        if part.startswith(b"--"):  # the closing delimiter
            return
        yield from header_sections(part.partition(b"\r\n")[2])


def fields(head: bytes) -> list[list[bytes]]:
    """The header fields of one section, each as its physical lines."""
    found: list[list[bytes]] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and found:
            found[-1].append(line)
        else:
            found.append([line])
    return found


def top_fields(raw: bytes) -> dict[str, list[bytes]]:
    """The message's own header fields by name, each as its physical lines."""
    head = next(header_sections(raw))
    return {lines[0].split(b":", 1)[0].decode(): lines for lines in fields(head)}


def header_problems(raw: bytes) -> list[str]:
    """Everything wrong with how the headers of ``raw`` were written; [] when nothing is."""
    problems = []
    if b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
        problems.append("a line ends in a bare CR or LF")
    for number, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > LINE_LIMIT:
            problems.append(f"line {number} is {len(line)} bytes long")
    for head in header_sections(raw):
        for lines in fields(head):
            problems.extend(_field_problems(lines))
    return problems


def _field_problems(lines: list[bytes]) -> list[str]:
    first = lines[0]
    if b":" not in first or first[:1] in (b" ", b"\t"):
        return [f"not a header field: {first!r}"]
    name, _, rest = first.partition(b":")
    problems = []
    try:
        value = b"".join([rest, *lines[1:]]).decode("ascii").strip()
    except UnicodeDecodeError:
        return [f"{name.decode()} has raw 8-bit bytes"]
    name = name.decode()
    if any(not line.strip() for line in lines[1:]):
        problems.append(f"{name} has a folded line of only whitespace")
    if "=?" in value and str(make_header(decode_header(value))).isascii():
        problems.append(f"{name} is RFC 2047-encoded though it is plain ASCII: {value}")
    # A line past 78 characters is fine only where there was no whitespace to fold at.
    for line in [rest, *lines[1:]]:
        if len(line) + (len(name) + 1 if line is rest else 0) > FOLD_AT and len(line.split()) > 1:
            problems.append(f"{name} has a long line it could have folded: {line!r}")
    return problems
