"""The HTTP cache in front of the site (Varnish, deploy/varnish.vcl; or a CDN): what a page
tells it, and how the site tells it that pages changed.

It speaks the page cache's own language (core/pagecache.py), so the two can never disagree:
a page anonymous readers share names the versions it depends on as surrogate keys (the
``xkey`` header, or the one ``HTTP_CACHE_KEY_HEADER`` names), and whenever those versions
move, once the change commits, the same names are purged from every cache in
``HTTP_CACHE_PURGE_URLS``. A shared page says ``public, max-age=0, s-maxage=…``: the shared
cache keeps it until a purge (or ``HTTP_CACHE_SECONDS``, the backstop for what no save
announces), browsers ask again each time and get ``304 Not Modified`` while it is the same.
Everything else a cached view answers (members, a session, an answer not kept) is
``private``: no shared cache keeps it.

A page being fetched while a change commits can reach the cache just after the purge that
should have dropped it: read at the old versions, it would be kept until its s-maxage. So
each purge is sent again ``REPURGE_AFTER`` later, longer than a page takes to render and
reach the cache: a page that slipped by is gone within that time.

The validator is a hash of the page as kept (before any per-request value is written in),
so it stays the same when the page is rendered again unchanged, and a cache that asks with
``If-None-Match`` after its copy expired gets a 304 instead of the page.
"""

import functools
import hashlib
import heapq
import http.client
import logging
import math
import os
import queue
import threading
import time
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger(__name__)

PURGE_HEADER = "xkey-purge"  # what deploy/varnish.vcl reads the keys to purge from
# Headers whose keys are separated by commas (Cloudflare, Akamai); others take spaces.
COMMA_SEPARATED = {"cache-tag", "edge-cache-tag"}
REPURGE_AFTER = 1.0  # seconds: see above


def surrogate_key(name: str) -> str:
    """A version name as a key every cache accepts: letters, digits and ``-._~``, with
    anything else percent-encoded (``tool:ollama`` is ``tool%3Aollama``)."""
    return quote(name, safe="")


def validator(content: str) -> str:
    """A weak ETag for a page as kept. Weak: the page is also sent gzipped, byte for byte
    another thing, and Django's GZipMiddleware would weaken a strong one anyway."""
    return f'W/"{hashlib.blake2b(content.encode(), digest_size=16).hexdigest()}"'


def name_keys(response: HttpResponseBase, names: Iterable[str]) -> str:
    """Name ``names`` as the response's surrogate keys, so that a purge of any of them drops
    it from the shared caches; returns the header that carries them."""
    header = settings.HTTP_CACHE_KEY_HEADER
    response[header] = _keys(header, tuple(names))
    return header


@functools.lru_cache(maxsize=4096)
def _keys(header: str, names: tuple[str, ...]) -> str:
    """The header's value naming ``names``: a page served again names the same ones, so it is
    spelled once (a cached page's hit is mostly headers)."""
    separator = ", " if header.lower() in COMMA_SEPARATED else " "
    return separator.join(surrogate_key(name) for name in names)


def shared(
    request: HttpRequest,
    response: HttpResponse,
    names: Iterable[str],
    *,
    etag: str,
    rendered_at: float,
) -> HttpResponse:
    """The page as anonymous readers share it: kept by shared caches under the surrogate
    keys of ``names``, revalidated by browsers; 304 when the reader already has it."""
    # A session can hold what this reader saved: the shared cache never answers for one
    # (deploy/varnish.vcl passes it by), and nothing it was sent may be kept for others.
    if settings.HTTP_CACHE_SECONDS <= 0 or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return private(response)
    if "Cache-Control" in response:
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.HTTP_CACHE_SECONDS)
    else:  # as patch_cache_control spells it, without parsing what is not there
        response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.HTTP_CACHE_SECONDS}"
    # The page cache keeps an htmx fragment and the full page apart: so must every cache.
    patch_vary_headers(response, ["HX-Request"])
    name_keys(response, names)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(rendered_at)
    return conditional(request, response, etag=etag, rendered_at=rendered_at)


def conditional(
    request: HttpRequest, response: HttpResponse, *, etag: str, rendered_at: float
) -> HttpResponse:
    """``response``, or 304 when the reader already has it (``etag``, or not modified since
    ``rendered_at``); the 304 carries the surrogate keys caches read, and says it was a hit."""
    answer = get_conditional_response(
        request, etag=etag, last_modified=int(rendered_at), response=response
    )
    if answer is not response:
        for name in (settings.HTTP_CACHE_KEY_HEADER, "X-Page-Cache"):
            if name in response:
                answer[name] = response[name]
    return answer


def streamed(response: HttpResponseBase, names: Iterable[str]) -> HttpResponseBase:
    """A streamed answer that is the same for everyone (an open-data export): kept by shared
    caches under the surrogate keys of ``names`` until a purge or ``HTTP_CACHE_SECONDS``, so a
    burst of downloads costs one pass over the database. It has no validator (a stream is not
    hashed before it goes), so browsers that ask again get it again, from the shared cache."""
    if settings.HTTP_CACHE_SECONDS <= 0:
        return private(response)
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.HTTP_CACHE_SECONDS)
    name_keys(response, names)
    return response


def private(response: HttpResponse) -> HttpResponse:
    """An answer for this reader only: no shared cache may keep it."""
    patch_cache_control(response, private=True)
    return response


def purge(names: Iterable[str]) -> None:
    """Purge the pages that name any of ``names`` from every cache in
    ``HTTP_CACHE_PURGE_URLS``, with a ``PURGE`` request to each, waiting at most
    ``HTTP_CACHE_PURGE_TIMEOUT`` on each. Called after the change committed: the purges are
    handed to this process's purging thread, which sends them at once (or, just after a
    purge, within ``PURGE_GATHER`` with what else comes, in one request) and again
    ``REPURGE_AFTER`` later, so a vote or an edit never waits for the cache; one that
    cannot be reached is logged (its pages then live until ``HTTP_CACHE_SECONDS``)."""
    urls = tuple(settings.HTTP_CACHE_PURGE_URLS)
    if not urls:
        return
    keys = tuple(surrogate_key(name) for name in names)
    _Purger.running().waiting.put((urls, keys))


# A purge goes at once, unless one went less than this long ago: then it waits out the rest,
# gathering what else comes, so a burst of votes costs the cache a purge or two every
# PURGE_GATHER, not two for each vote, and a lone change is not held back at all.
PURGE_GATHER = 0.05  # seconds, well within the second a change may take to show

# What one PURGE request's key header holds at most: within Varnish's 8 KB for a request
# header (http_req_hdr_len) with room for the rest of the request.
PURGE_HEADER_BYTES = 6000


class _Purger(threading.Thread):
    """One thread per process sends its purges, in order, then each again once due. What
    comes within PURGE_GATHER of the last purge goes together, as one request per cache:
    under a burst of votes, a few purges naming many keys rather than two per vote. Purges
    due again go before new ones, so a steady stream of changes cannot hold them back."""

    _current: "_Purger | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        super().__init__(name="http-cache-purges", daemon=True)  # exits with the process
        self.pid = os.getpid()
        self.waiting: queue.SimpleQueue = queue.SimpleQueue()
        self.again: list[tuple[float, int, dict]] = []  # (when due, order, purges), a heap
        self.last_sent, self.sent = -math.inf, 0

    @classmethod
    def running(cls) -> "_Purger":
        """This process's purger (a forked worker starts its own: threads do not fork; one
        that died is started again, with what was waiting for it)."""
        with cls._lock:
            current = cls._current
            if current is None or current.pid != os.getpid() or not current.is_alive():
                cls._current = cls()
                if current is not None and current.pid == os.getpid():
                    cls._current.waiting = current.waiting
                cls._current.start()
            return cls._current

    def run(self) -> None:
        while True:
            try:
                self._next()
            except Exception:  # a purge is never worth the thread: note it, go on
                logger.exception("HTTP cache purge failed")

    def _next(self) -> None:
        """Send what is due again, or else wait for the next purge (until something is due
        again) and send it with what else comes within PURGE_GATHER of the last purge."""
        again = self.again
        if again and again[0][0] <= time.monotonic():
            due = []
            while again and again[0][0] <= time.monotonic():
                due.append(heapq.heappop(again)[2])
            _send_all(_merged(pair for purges in due for pair in purges.items()))
            return
        wait = again[0][0] - time.monotonic() if again else None
        try:
            batch = [self.waiting.get(timeout=wait)]
        except queue.Empty:
            return  # something is due again
        while (left := self.last_sent + PURGE_GATHER - time.monotonic()) > 0:
            try:
                batch.append(self.waiting.get(timeout=left))
            except queue.Empty:
                break
        purges = _merged(batch)
        _send_all(purges)
        self.last_sent, self.sent = time.monotonic(), self.sent + 1
        heapq.heappush(again, (self.last_sent + REPURGE_AFTER, self.sent, purges))


def _merged(purges: Iterable[tuple[tuple[str, ...], Iterable[str]]]) -> dict:
    """The keys to purge from each set of caches, each key once, in the order first named."""
    merged: dict[tuple[str, ...], dict[str, None]] = {}
    for urls, keys in purges:
        merged.setdefault(urls, {}).update(dict.fromkeys(keys))
    return merged


def _send_all(purges: dict) -> None:
    """One PURGE per cache for each run of keys that fits in PURGE_HEADER_BYTES."""
    for urls, keys in purges.items():
        chunk: list[str] = []
        size = 0
        for key in keys:
            if chunk and size + 1 + len(key) > PURGE_HEADER_BYTES:
                _purge_keys(list(urls), " ".join(chunk))
                chunk, size = [], 0
            chunk.append(key)
            size += len(key) + (1 if size else 0)
        if chunk:
            _purge_keys(list(urls), " ".join(chunk))


def _purge_keys(urls: list[str], keys: str) -> None:
    for url in urls:
        try:
            status = _send_purge(url, keys)
        except (OSError, http.client.HTTPException, ValueError) as error:
            logger.warning("HTTP cache at %s not purged of %s: %s", url, keys, error)
            continue
        if status != 200:
            logger.warning("HTTP cache at %s refused to purge %s: %s", url, keys, status)


def _send_purge(url: str, keys: str) -> int:
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT)
    try:
        connection.request("PURGE", parts.path or "/", headers={PURGE_HEADER: keys})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
