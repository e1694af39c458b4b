"""Hostile requests for property-based tests: the data (hypothesis strategies), the
request it makes up, how it is sent and how to tell whether a request changed anything."""

import codecs
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus, urlencode

from allauth.account.models import EmailAddress
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import connection
from django.http.multipartparser import MultiPartParserError
from django.test import Client, RequestFactory
from django.utils.http import parse_header_parameters
from hypothesis import strategies as st

from accounts.models import User
from newsletter.models import Subscriber
from reviews.models import Vote
from tools.models import Bookmark, Tool

# --- What hostile data looks like ---

PAYLOADS = [
    "' OR '1'='1",
    "1; DROP TABLE tools_tool; --",
    '" OR 1=1 --',
    "1 UNION SELECT password FROM verdicts_user",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "../../../../etc/passwd",
    "\x00",
    "a\x00b",
    "%00",
    "\r\nSet-Cookie: x=1",
    "\u202egnp.exe",
    "😀" * 40,
    "-1",
    "0",
    "9" * 40,
    "1e999",
    "NaN",
    "[]",
    "{}",
    " ",
    "",
]

hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=50),
    st.integers(2_000, 200_000).map(lambda n: "A" * n),  # huge
)
# Raw bytes as they arrive: invalid UTF-8 included. A WSGI server hands them on as latin-1.
raw_bytes = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"\xff\xfe\xfd", b"value=\xc3\x28", b"email=%FF%FE%00", b"%E0%80%80="]),
)
raw_query = st.one_of(
    raw_bytes.map(lambda b: b.decode("latin-1")),
    raw_bytes.map(lambda b: quote(b, safe="=&")),
)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def slug_like(real: list[str]) -> st.SearchStrategy[str]:
    """A slug for a path: a real one now and then, or anything at all."""
    return st.one_of(st.sampled_from(real), hostile_text.map(lambda s: s[:300]))


# What a request says of where it comes from, and the headers that say it. A page of the
# site (same-origin) and a client that is no browser (neither header) may act; another
# site, by either header (a browser too old for Sec-Fetch-Site still sends Origin), may not.
ORIGINS = {
    "same-origin": {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
    "none": {},
    "cross-site": {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
    "foreign-origin": {"HTTP_ORIGIN": "https://evil.example"},
}
FORGED = frozenset({"cross-site", "foreign-origin"})


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    body: bytes = b""
    content_type: str = "application/x-www-form-urlencoded"
    query: str = ""
    # Where the browser says the request comes from (Sec-Fetch-Site, Origin): see ORIGINS.
    csrf: str = "same-origin"
    htmx: bool = False
    as_member: bool = False
    may_act: bool = False  # the oracle: only then may rows change

    def __repr__(self) -> str:
        shown = {**self.__dict__, "body": f"{self.body[:120]!r}… ({len(self.body)} bytes)"}
        shown["query"] = shown["query"][:200]
        return f"Attempt({', '.join(f'{k}={v}' for k, v in shown.items())})"


def form(data: dict) -> bytes:
    return urlencode(data, doseq=True).encode()


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Charsets a form may name. Only UTF-8 (by any of its names) is read; the others, known or
# not, are refused with a 400. Charsets that are no text encoding (base64, idna) fail
# while Django builds the request, before the site: test_hostile_wire.py sends those to
# the real server, whose WSGI entry takes them out first.
CHARSETS = ["utf-8", "UTF8", "utf_8", "utf-16", "latin-1", "shift_jis", "koi8-r", "x-unknown"]


def reads_as_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def seen_by_view(body: bytes, content_type: str) -> dict | None:
    """The form a view reads off ``body``, parsed as Django parses it; None if refused."""
    media_type, params = parse_header_parameters(content_type)
    if media_type not in FORM_TYPES:
        return {}  # no form fields
    if "charset" in params and not reads_as_utf8(params["charset"]):
        return None
    request = RequestFactory().generic("POST", "/", body, content_type)
    try:
        return request.POST.dict()
    except (SuspiciousOperation, BadRequest, MultiPartParserError):
        return None


def multipart(data: dict, boundary: str = "hostile-boundary") -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{quote(name)}"\r\n\r\n'.encode()
        + str(value).encode("utf-8", "surrogatepass")
        + b"\r\n"
        for name, value in data.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@st.composite
def body_and_fields(
    draw, fields: dict[str, st.SearchStrategy], genuine: dict[str, st.SearchStrategy] | None = None
) -> tuple[bytes, str, dict | None]:
    """A body, its content type and the form the view will see in it (None: a body Django
    refuses with a 400). The ``genuine`` form a reader's browser sends comes now and then,
    else ``fields`` with hostile values, raw bytes, a huge body, the wrong content type, a
    charset, multipart or every field twice; the last three carry the genuine form."""
    kinds = ["form", "form", "form", "raw", "huge", "many", "type", "charset", "multi", "twice"]
    kind = draw(st.sampled_from(["genuine", "genuine", *kinds] if genuine else kinds))
    content_type = "application/x-www-form-urlencoded"
    if kind == "huge":  # past DATA_UPLOAD_MAX_MEMORY_SIZE
        return b"email=" + b"a" * 3_000_000, content_type, None
    if kind == "many":  # past DATA_UPLOAD_MAX_NUMBER_FIELDS
        return b"&".join(b"f%d=1" % n for n in range(1500)), content_type, None
    chosen = genuine if genuine and kind in {"genuine", "charset", "multi", "twice"} else fields
    if kind in {"genuine", "charset", "multi", "twice"} and not genuine:
        chosen = {name: strategy for name, strategy in fields.items() if draw(st.booleans())}
    data = {name: draw(strategy) for name, strategy in chosen.items()}
    if kind in {"genuine", "charset"}:
        body = form(data)
        if kind == "charset":
            content_type += f"; charset={draw(st.sampled_from(CHARSETS))}"
    elif kind == "multi":
        content_type = "multipart/form-data; boundary=hostile-boundary"
        body = multipart(data)
    elif kind == "twice":  # each field again, with a hostile value first
        first = {name: draw(fields.get(name, hostile_text)) for name in data}
        body = form(first) + b"&" + form(data)
    elif kind == "form":
        chosen = {name: strategy for name, strategy in fields.items() if draw(st.booleans())}
        body = form({name: draw(strategy) for name, strategy in chosen.items()})
    else:
        body = draw(raw_bytes)
        if kind == "type":
            content_type = draw(
                st.sampled_from(
                    ["multipart/form-data; boundary=xyz", "application/json", "text/plain", ""]
                )
            )
    return body, content_type, seen_by_view(body, content_type)


def params(names: list[str], values: dict[str, st.SearchStrategy] | None = None):
    """A query string of some of ``names`` with hostile values, or raw bytes."""
    values = values or {}

    @st.composite
    def query(draw):
        if draw(st.booleans()):
            return draw(raw_query)
        chosen = {n: draw(values.get(n, hostile_text)) for n in names if draw(st.booleans())}
        return urlencode({k: v[:3000] for k, v in chosen.items()})

    return query()


# --- Sending, and what a request may change ---


def rows() -> tuple:
    """A fingerprint of every row a request could wrongly change."""
    tables = {
        EmailAddress._meta.db_table: "*",
        Vote._meta.db_table: "*",
        Bookmark._meta.db_table: "*",
        Subscriber._meta.db_table: "*",
        User._meta.db_table: "*",
        Tool._meta.db_table: "id, community_ships, community_skips, status",
    }
    parts = [
        f"(SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r.id)), '') "
        f"FROM (SELECT {columns} FROM {table}) r)"
        for table, columns in tables.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        return cursor.fetchone()


class Clients:
    """A signed-out reader and a signed-in member, both held to CSRF checks."""

    def __init__(self, member: User) -> None:
        self.reader = Client(enforce_csrf_checks=True)
        self.member = Client(enforce_csrf_checks=True)
        self.member.force_login(member)

    def send(self, attempt: Attempt):
        client = self.member if attempt.as_member else self.reader
        extra = {"QUERY_STRING": attempt.query} if attempt.query else {}
        if attempt.htmx:
            extra["HTTP_HX_REQUEST"] = "true"
        extra.update(ORIGINS[attempt.csrf])
        return client.generic(
            attempt.method, attempt.path, attempt.body, attempt.content_type, **extra
        )

    def reset_reader(self) -> None:
        """A reader who signed in (the oracle allowed it) is signed out for the next example."""
        if "_auth_user_id" in self.reader.session:
            self.reader.logout()


def nul_in(query: str) -> bool:
    """A NUL character in the query string: the whole request is refused (400)."""
    return "\x00" in unquote_plus(query, encoding="latin-1")
