"""Requests no view should see, or none should see now."""

import codecs
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.template.loader import render_to_string
from django.utils.http import parse_header_parameters

from core import errors

# What content_type_checked found in the Content-Type header (WSGI environ keys).
UNPARSEABLE_CONTENT_TYPE = "verdicts.unparseable_content_type"
DECLARED_CHARSET = "verdicts.declared_charset"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}

refusals = logging.getLogger("django.request")


def content_type_checked(application: Callable) -> Callable:
    """WSGI: a Content-Type header Django would fail on while it builds the request.

    Django reads the header before any middleware or error handler runs, so what fails
    there is a bare 500 from the server, on every address (static files too):
    - a header it cannot parse (``charset*=bogus''x``, an RFC 2231 value in an unknown
      charset): taken away, and noted for ``refuse_unreadable_requests`` to refuse;
    - a charset that is no text encoding (``base64``, ``rot13``; ``undefined`` and
      ``idna`` fail later): Django decodes the query string with the body's charset, as
      it builds the request. The charset is taken out of the header and noted. The query
      is then read as UTF-8, as addresses are, and only a form's charset matters (see
      ``refuse_unreadable_requests``).
    """

    def checked(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            media_type, params = parse_header_parameters(environ.get("CONTENT_TYPE", ""))
            if "charset" in params:
                environ[DECLARED_CHARSET] = params["charset"]
                environ["CONTENT_TYPE"] = without_charset(media_type, params)
                parse_header_parameters(environ["CONTENT_TYPE"])
        except ValueError:
            environ[UNPARSEABLE_CONTENT_TYPE] = environ.pop("CONTENT_TYPE")
        return application(environ, start_response)

    return checked


def without_charset(media_type: str, params: dict[str, str]) -> str:
    """The header again, with the one parameter Django reads besides the charset."""
    boundary = params.get("boundary")
    if boundary is None or '"' in boundary or "\\" in boundary:  # no boundary has them
        return media_type
    return f'{media_type}; boundary="{boundary}"'


def refuse_unreadable_requests(get_response: Callable[[HttpRequest], HttpResponse]):
    """A request whose form cannot be read as it says is a 400, before any view runs.

    - A Content-Type Django could not parse (``content_type_checked`` took it away).
    - A form in a charset other than UTF-8: Django refused it for urlencoded forms only,
      and decoded multipart ones with it, where ``idna`` and the like raised a 500. RFC
      7578 gives multipart/form-data no charset parameter; the site's forms are UTF-8.
    - A body shorter than its Content-Length: the client stopped sending (the view would
      act on the part that came), or stalls (the server read until its worker timed out,
      a 500). Waiting for it is bounded by REQUEST_BODY_TIMEOUT.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if reason := unreadable(request):
            # The client's fault, and one it often made by hanging up: one line in the
            # log, where Django's handler for a raised BadRequest prints a traceback.
            refusals.warning("Bad request (%s): %s", reason, request.path)
            return errors.bad_request(request, BadRequest(reason))
        return get_response(request)

    return middleware


def unreadable(request: HttpRequest) -> str | None:
    """Why the request's form cannot be read as it says, or None."""
    if UNPARSEABLE_CONTENT_TYPE in request.META:
        return "unparseable Content-Type header"
    declared = request.META.get(DECLARED_CHARSET) or request.content_params.get("charset")
    if declared and is_form_post(request) and not is_utf8(declared):
        return f"a form in {declared}, not UTF-8"
    if body_cut_short(request):
        return "the body is shorter than its Content-Length"
    return None


def is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def is_form_post(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type in FORM_TYPES


def body_cut_short(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # the server refuses these itself; Django reads no body
        return False
    if declared <= 0:
        return False
    # gunicorn hands on its socket: without a timeout a read waits for bytes that may
    # never come, until the worker is killed.
    sock = request.META.get("gunicorn.socket")
    previous = sock.gettimeout() if sock is not None else None
    if sock is not None:
        sock.settimeout(settings.REQUEST_BODY_TIMEOUT)
    try:
        received = len(request.body)
    except RequestDataTooBig:  # refused wherever the form is read, without reading it
        return False
    except UnreadablePostError:  # the read timed out or the connection broke
        return True
    finally:
        if sock is not None:
            sock.settimeout(previous)
    return received < declared


def refuse_nul_characters(get_response: Callable[[HttpRequest], HttpResponse]):
    """A NUL character in the path or the query string is a 400, before any view runs.

    PostgreSQL cannot store or compare NUL, so a lookup with one (a slug in an API path,
    a category in a filter) fails as a 500; no address on the site has a use for it.
    Forms refuse it on their own (Django's ProhibitNullCharactersValidator); the API checks
    its own parameters and answers 422, as its schema says.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return get_response(request)
        query = request.GET.lists()
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in query
        ):
            raise BadRequest("NUL character in the address")
        return get_response(request)

    return middleware


RETRY_AFTER_SECONDS = 5
REPORT_EVERY_SECONDS = 5.0
BUSY = "Lots of readers are here at once. Try again in a few seconds."
logger = logging.getLogger(__name__)


class _ShedReport:
    """One line every few seconds with a count, rather than Django's error line for each 503:
    under the load that sheds, that would be thousands a second."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0.0
        self.count = 0

    def note(self, waited: float) -> None:
        with self.lock:
            self.count += 1
            now = time.monotonic()
            if now - self.last < REPORT_EVERY_SECONDS:
                return
            count, self.count, self.last = self.count, 0, now
        logger.warning(
            "Too busy: answered 503 to %d request(s) since the last report (the latest had "
            "waited %.2f s for a worker).",
            count,
            waited,
        )


_shed_report = _ShedReport()


def _queue_time(request: HttpRequest) -> float | None:
    """Seconds since the proxy passed the request on (X-Request-Start: t=<unix seconds>)."""
    stamp = request.META.get("HTTP_X_REQUEST_START", "").removeprefix("t=")
    try:
        started = float(stamp)
    except ValueError:
        return None
    return time.time() - started if math.isfinite(started) else None


@cache
def _busy_page(htmx: bool) -> str:
    """Rendered once a process, without the request: a shed request costs next to nothing."""
    if htmx:
        return render_to_string("_notice.html", {"problem": BUSY})
    return render_to_string("503.html", {"problem": BUSY})


def shed_late_requests(get_response: Callable[[HttpRequest], HttpResponse]):
    """A request that waited for a worker longer than REQUEST_QUEUE_LIMIT seconds is answered
    503 at once, with Retry-After, before any work is done for it.

    Under more load than the workers can take, requests queue in front of them, and served in
    turn each waits longer than the one before: every reader waits seconds, and the ones who
    gave up are still served. Answering the late ones at once keeps the queue short, so the
    rest are served in time. nginx stamps each request as it passes it on (deploy/nginx.conf);
    a request without the stamp (a health check from inside) is never shed.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_QUEUE_LIMIT
        if limit and (waited := _queue_time(request)) is not None and waited > limit:
            _shed_report.note(waited)
            htmx = request.headers.get("HX-Request") == "true"
            response = HttpResponse(_busy_page(htmx), status=503)
            response._has_been_logged = True  # reported above, not one line each
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            response["Cache-Control"] = "no-store"
            if htmx:
                response["HX-Reswap"] = "none"  # the notice goes to #messages; the page stays
            return response
        return get_response(request)

    return middleware
