"""Requests no view should see, or none should see now."""

import logging
import math
import threading
import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


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
