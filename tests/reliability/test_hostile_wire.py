"""Request shapes only raw bytes make, sent to the production server (gunicorn, DEBUG off)
at every form and a few pages: never a 5xx, a refusal in the site's style, no row changed.

Django reads the Content-Type header, the charset and the body before any view, and some
of what fails there fails before the site's error handling too: the test client, which
builds the request itself and always sends the body it says, cannot show it. Each form
gets its genuine body in each shape (a vote the member could cast, a subscription that
would be stored), from a page of the site (Sec-Fetch-Site: same-origin), so a refusal is
the shape's doing.

The figures (requests per kind, 5xx, refusals that changed rows) print with ``-s``;
SECURITY.md quotes them.
"""

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from accounts.models import User
from newsletter.models import Subscriber
from reviews.models import Vote
from tests.factories import PASSWORD, SubscriberFactory, ToolFactory, UserFactory
from tests.support.celery_worker import database_url
from tests.support.server import Gunicorn
from tests.support.snapshot import changed, every_row

BODY_TIMEOUT = 1  # REQUEST_BODY_TIMEOUT for the server: a stalled body costs one second
SITE_STYLE = b'class="site-header"'


@dataclass(frozen=True)
class Form:
    path: str
    fields: dict[str, str]
    member: bool = False  # posted by a signed-in member


def forms(tool: str, unsubscribe: str, member: str) -> dict[str, Form]:
    return {
        "vote": Form(f"/tools/{tool}/vote/", {"value": "ship"}, member=True),
        "bookmark": Form(f"/tools/{tool}/bookmark/", {"saved": "1"}, member=True),
        "subscribe": Form("/newsletter/subscribe/", {"email": "new.reader@example.com"}),
        "sign-in": Form("/accounts/login/", {"login": member, "password": PASSWORD}),
        "sign-up": Form(
            "/accounts/signup/", {"email": "new.member@example.com", "password1": "plenty-99-words"}
        ),
        "password reset": Form("/accounts/password/reset/", {"email": member}),
        "email change": Form(
            "/accounts/email/", {"email": "moved@example.com", "action_add": ""}, member=True
        ),
        "password change": Form(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": "new-99-words", "password2": "new-99-words"},
            member=True,
        ),
        "one-click unsubscribe": Form(
            f"/newsletter/unsubscribe/{unsubscribe}/", {"List-Unsubscribe": "One-Click"}
        ),
        "missing page": Form("/no-such-page/", {"email": "x@example.com"}),
        "API": Form("/api/tools/", {"q": "a"}),
    }


def multipart(fields: dict[str, str], boundary: str = "xyz", extra: bytes = b"") -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return "".join(parts).encode() + extra + f"--{boundary}--\r\n".encode()


URLENCODED = "application/x-www-form-urlencoded"
FORM = [f"Content-Type: {URLENCODED}"]
MULTIPART = "multipart/form-data; boundary=xyz"


def shapes(fields: dict[str, str]) -> dict[str, tuple[str, list[str], bytes]]:
    """Each request shape, by name: (the outcome it must have, headers, body). ``refused``:
    a 4xx in the site's style and no row changed; ``any``: no 5xx (the form may act);
    ``server``: gunicorn answers 400 itself, before the site sees the request."""
    body = urlencode(fields).encode()
    form, parts = [f"Content-Type: {URLENCODED}"], [f"Content-Type: {MULTIPART}"]
    whole = multipart(fields)
    twice = body + b"&" + urlencode(dict.fromkeys(fields, "x")).encode()
    short = f"Content-Length: {len(body) + 50}"
    odd_part = b'--xyz\r\nContent-Disposition: form-data; name="x"\r\nX: ' + b"y" * 5000
    broken_file = (
        b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!=\r\n"
    )
    files = b"".join(
        b'--xyz\r\nContent-Disposition: form-data; name="f%d"; filename="a"\r\n\r\n1\r\n' % n
        for n in range(200)
    )
    found = {}
    for charset in ["utf-16", "latin-1", "shift_jis", "base64", "rot13", "idna", "undefined"]:
        found[f"form in {charset}"] = ("refused", [f"{form[0]}; charset={charset}"], body)
        found[f"multipart in {charset}"] = ("refused", [f"{parts[0]}; charset={charset}"], whole)
    found["form in a charset nobody knows"] = ("refused", [f"{form[0]}; charset=x-no"], body)
    return found | {
        "Content-Type in an unknown RFC 2231 charset": (
            "refused",
            [f"{form[0]}; charset*=bogus''x"],
            body,
        ),
        "multipart, no boundary": ("refused", ["Content-Type: multipart/form-data"], whole),
        "multipart, empty boundary": (
            "refused",
            ["Content-Type: multipart/form-data; boundary="],
            whole,
        ),
        "multipart, 300-character boundary": (
            "refused",
            [f"Content-Type: multipart/form-data; boundary={'b' * 300}"],
            multipart(fields, "b" * 300),
        ),
        "multipart, non-ASCII boundary": (
            "refused",
            ["Content-Type: multipart/form-data; boundary=\xff\xfe"],
            multipart(fields, "\xff\xfe"),
        ),
        "multipart, 5,000-byte part header": (
            "refused",
            parts,
            multipart(fields, extra=odd_part + b"\r\n\r\n1\r\n"),
        ),
        "multipart, 2,000 fields": (
            "refused",
            parts,
            multipart(fields | {f"f{n}": "1" for n in range(2000)}),
        ),
        "multipart, 200 files": ("refused", parts, multipart(fields, extra=files)),
        "multipart, a file in broken base64": (
            "refused",
            parts,
            multipart(fields, extra=broken_file),
        ),
        "form, 1,500 fields": (
            "refused",
            form,
            body + b"".join(b"&f%d=1" % n for n in range(1500)),
        ),
        "body shorter than its Content-Length, then the client stops": (
            "refused",
            [*form, short],
            body,
        ),
        "body shorter than its Content-Length, then the client stalls": (
            "refused",
            [*form, short],
            body,
        ),
        # Well-formed, odd, or carrying an address that is no URL: the form may act on it.
        "form in UTF8 (an alias)": ("any", [f"{form[0]}; charset=UTF8"], body),
        "multipart": ("any", parts, whole),
        "multipart in UTF-8": ("any", [f"{parts[0]}; charset=utf-8"], whole),
        "multipart without its closing boundary": ("any", parts, whole[: -len("--xyz--\r\n")]),
        "every field twice": ("any", form, twice),
        "every field twice, multipart": ("any", parts, multipart(fields, extra=whole[:-9])),
        "body longer than its Content-Length": (
            "any",
            [*form, f"Content-Length: {len(body)}"],
            body + b"&value=skip&email=other%40example.com",
        ),
        "a next that is no URL": ("any", form, body + b"&next=%2F%2F%5B%3A%3A1"),
        "a Referer that is no URL": ("any", [*form, "Referer: http://[::1"], body),
        "htmx, HX-Current-URL that is no URL": (
            "any",
            [*form, "HX-Request: true", "HX-Current-URL: http://[::1"],
            body,
        ),
        # Framing gunicorn refuses itself, with a plain 400 of its own.
        "Content-Length not a number": ("server", [*form, "Content-Length: abc"], body),
        "Content-Length negative": ("server", [*form, "Content-Length: -1"], body),
        "two Content-Lengths": (
            "server",
            [*form, f"Content-Length: {len(body)}", "Content-Length: 3"],
            body,
        ),
        "chunked and a Content-Length": (
            "server",
            [*form, "Transfer-Encoding: chunked", f"Content-Length: {len(body)}"],
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body),
        ),
    }


# GETs whose query Django decoded with the charset a Content-Type named.
PAGES = ["/", "/tools/?q=a", "/compare/?category=x", "/api/tools/?q=a", "/accounts/login/?next=x"]
GET_SHAPES = {
    **{
        f"GET naming charset {charset}": [f"Content-Type: text/plain; charset={charset}"]
        for charset in ["base64", "rot13", "undefined", "idna", "utf-16"]
    },
    "GET, unparseable Content-Type": ["Content-Type: text/plain; charset*=bogus''x"],
    "GET, HX-Current-URL that is no URL": ["HX-Request: true", "HX-Current-URL: http://[::1"],
}


def request(method: str, path: str, headers: list[str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    if body and not any(h.lower().startswith(("content-length", "transfer-")) for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def in_site_style(answer: bytes) -> bool:
    """A page of the site, an htmx notice, or the API's JSON error."""
    body = answer.partition(b"\r\n\r\n")[2]
    return SITE_STYLE in body or b"hx-swap-oob" in body or body.startswith(b'{"detail"')


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


@pytest.mark.django_db(transaction=True)  # the server sees committed rows only
def test_raw_request_shapes_never_fail_and_refusals_change_nothing(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the server's
    tool = ToolFactory()
    member = UserFactory(verified=True)
    reader = SubscriberFactory()
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "REQUEST_BODY_TIMEOUT": str(BODY_TIMEOUT),
        # Every request should reach its form: rate limits are tested in test_abuse.py.
        "VOTE_RATE_LIMIT": "100000/m",
        "BOOKMARK_RATE_LIMIT": "100000/m",
        "NEWSLETTER_SUBSCRIBE_RATE": "100000/m",
    }
    failures, seen = [], Counter()
    with Gunicorn(env=env, logfile=tmp_path / "gunicorn.log") as server:
        same_origin = ["Sec-Fetch-Site: same-origin"]  # what a browser says from the site's page
        credentials = urlencode({"login": member.email, "password": PASSWORD}).encode()
        signed_in = server.send(
            request("POST", "/accounts/login/", [*same_origin, *FORM], credentials)
        )
        session = re.search(rb"sessionid=(\w+)", signed_in)[1].decode()
        for name, form in forms(tool.slug, str(reader.token), member.email).items():
            cookie = [f"Cookie: sessionid={session}"] if form.member else []
            auth = [*same_origin, *cookie]
            for shape, (outcome, headers, body) in shapes(form.fields).items():
                stalls = shape.endswith("stalls")
                if stalls and name not in {"vote", "subscribe", "sign-in", "one-click unsubscribe"}:
                    continue  # a second each: four forms show it
                before = every_row()
                answer = server.send(
                    request("POST", form.path, [*headers, *auth], body),
                    then_stop=not stalls and "shorter" in shape,
                )
                status, rows = status_of(answer), changed(before, every_row())
                seen[outcome, "requests"] += 1
                seen[outcome, "5xx"] += status >= 500
                seen[outcome, "refused but changed"] += outcome == "refused" and bool(rows)
                problem = None
                if not status or status >= 500:
                    problem = f"answered {status or 'nothing'}"
                elif outcome != "any" and not 400 <= status < 500:
                    problem = f"answered {status}, not a refusal"
                elif outcome == "refused" and rows:
                    problem = f"changed {rows}"
                elif outcome != "server" and status >= 400 and not in_site_style(answer):
                    problem = f"{status} not in the site's style"
                if problem:
                    failures.append(f"{name}, {shape}: {problem}")
        for shape, headers in GET_SHAPES.items():
            for path in PAGES:
                query = ("&" if "?" in path else "?") + "x=%41"
                status = status_of(server.send(request("GET", path + query, headers)))
                seen["GET", "requests"] += 1
                seen["GET", "5xx"] += status >= 500
                if not 200 <= status < 500:
                    failures.append(f"{path}, {shape}: answered {status}")
        log = server.log()
    print(f"\nraw request shapes: {dict(seen)}")
    assert not failures, failures
    # The forms were live: the well-formed shapes voted, subscribed and signed up.
    assert Vote.objects.filter(member=member, tool=tool).exists()
    assert Subscriber.objects.filter(email="new.reader@example.com").exists()
    assert User.objects.filter(email="new.member@example.com").exists()
    assert "Internal Server Error" not in log and "Error handling request" not in log, log[-3000:]
