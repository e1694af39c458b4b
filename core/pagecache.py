"""Pages cached in Redis once per content version, for every reader.

What a page shows is everyone's but for a few small parts that are the reader's own (their
vote's pressed state, their bookmarks, their follow buttons, their account menu:
core/ownparts.py). So a page is rendered once as a *shell*, as a signed-out reader with
nothing saved would see it and keeping each own part in all its states, and each request
fills in the reader's parts: a signed-out reader with nothing saved gets the shell's plain
page as it is, a member theirs from their own state remembered beside it (core/ownparts.py),
with no template work and no query beyond the member. Nobody's vote or bookmark can reach
anyone else: the shell is rendered with no user and an empty session. Editors (who see
drafts) and readers with a message waiting are rendered whole. htmx fragments and full
pages are cached apart.

Invalidation is by version numbers kept in the cache, read with the page in one
round trip; a page rendered at other versions is a miss. The names are spelled
here once: ``CONTENT`` moves when editors change anything (through the apps'
services, which alone call ``bump``), ``VOTES`` on every vote, and
``tool_votes(slug)`` on a vote for that tool. A page names the versions it
depends on, so a vote re-renders only the pages that show that tool's community
figures.

A kept page's plain form is served byte for byte as it was rendered: pages carry no CSRF
token and no CSP nonce (SECURITY.md), nothing that differs from one reader to the next.

Only what a link on the site can ask for is kept: a page names the query parameters it
reads, an address with any other (or with one of them twice) is redirected to the address
without, and the key is made from those parameters alone, whatever their order or
encoding. A view that meets values it does not accept (an unknown sort, a page number
past the end) calls ``uncacheable``: the answer is rendered for that request and not kept.
The cache's Redis is bounded on its own (``maxmemory`` with ``volatile-lfu``, apart from
the broker's, README and SECURITY.md): version numbers have no expiry, so they are
never evicted and a page is never matched to versions that started again.

The HTTP cache in front (core/httpcache.py) is told the same: a page kept here is sent as
shared, with the versions it depends on as its surrogate keys and a validator for 304s, and
``bump`` purges the names it moves from that cache too; anything else, a page with a
reader's own parts filled in included, is sent as private.

Each worker also keeps the pages it served last in its own memory (``_Memory``, up to
PAGE_MEMORY_BYTES): a hit then asks Redis for the versions alone, not for the page's 120 KB
again, and a member's shell is not unpickled again. Those versions are themselves mirrored
in each process (core/nearcache.py), so a hit usually asks Redis nothing. A page in
memory is served only at the versions it was rendered at, as from Redis, and only within
PAGE_CACHE_SECONDS. The
versions read include a *generation*, a token Redis keeps for as long as it keeps the
versions: a Redis that restarts empty starts its versions again from nothing, and the
new token tells every worker that what it holds was counted against the old ones.

A signed-out reader's repeated page does not even reach the stack: the front door
(``answer_kept_pages``, a middleware near the top) keeps each plain page as it left the
stack, headers and all, and sends it again while the versions it was rendered at stand and
within PAGE_CACHE_SECONDS, answering a validator with a 304 itself. It opens only for a
GET with no session cookie, no message cookie and no ``HX-Request``, and keeps gzipped and
plain copies apart; every other request goes through the whole stack as before.

``X-Page-Cache`` says what happened: ``hit``; ``miss`` (rendered and kept); ``skip``
(rendered, not kept: see above); ``bypass`` (rendered, not kept: Redis did not answer).
"""

import hashlib
import pickle
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.middleware.gzip import re_accepts_gzip
from django.utils.encoding import escape_uri_path

from core import httpcache, ownparts
from core.cache import ResilientClient, answering
from core.ownparts import Shell

Depends = Callable[..., list[str]]

# Moves whenever what an entry holds changes shape, so that a deploy never reads the entries
# an older release wrote: they are simply not found, and age out.
ENTRY_FORMAT = 5


def versions_key(name: str) -> str:
    return f"version:{name}"


def version_move(cache: BaseCache, name: str) -> None:
    try:
        cache.incr(versions_key(name))
    except ValueError:  # not there yet (or the cache is down): start it
        cache.set(versions_key(name), 1, timeout=None)


def versions_move(cache: BaseCache, names: Iterable[str]) -> None:
    """``version_move`` for each of ``names``, in one round trip to Redis."""
    client = getattr(cache, "client", None)
    if isinstance(client, ResilientClient):
        client.incr_each([versions_key(name) for name in names])
    else:  # another backend (none in settings): one at a time
        for name in names:
            version_move(cache, name)


def bump(*names: str) -> None:
    """Move the named versions on, once the current transaction commits."""

    def move() -> None:
        versions_move(cache, names)
        httpcache.purge(names)  # the HTTP cache in front drops the pages that name them

    transaction.on_commit(move)


def invalidates(*names: str):
    """For a service: run it in one transaction, and move ``names`` once that commits.

    The service so names what it invalidates, and nothing else does (no signal receiver).
    """

    def decorate(service):
        @wraps(service)
        def wrapper(*args, **kwargs):
            with transaction.atomic():
                result = service(*args, **kwargs)
                bump(*names)
            return result

        return wrapper

    return decorate


CONTENT = "content"
VOTES = "votes"


def member_own(pk: int) -> str:
    """The version of a member's own state: their votes, bookmarks and follows."""
    return f"member:{pk}"


def tool_votes(slug: str) -> str:
    """The version of one tool's community figures."""
    return f"tool:{slug}"


def on_votes(request: HttpRequest, *args, **kwargs) -> list[str]:
    """``depends`` for a page that shows community figures of many tools."""
    return [VOTES]


def after_an_outage(sender, cache: BaseCache, **kwargs) -> None:
    """Pages cached before Redis went away may show counts that changed while it was away
    (the version moves made meanwhile were lost): render them all again."""
    version_move(cache, CONTENT)


def is_shell_reader(request: HttpRequest) -> bool:
    """Whether the page's shell can serve this reader: all they see of their own is in its own
    parts. An editor's pages may show drafts, and a message waiting is read once."""
    if request.method not in ("GET", "HEAD") or request.user.is_staff:
        return False
    return not (request.COOKIES.get("messages") or request.session.get("_messages"))


def uncacheable(request: HttpRequest) -> None:
    """For a view: this request's answer is not one the site links to (a value it does not
    accept): render it, but do not keep it."""
    request.page_cache_skip = True


def _known_query(request: HttpRequest, params: frozenset[str], repeated: frozenset[str]):
    """The query the page reads: its own parameters, each once (the last value, as
    ``request.GET.get`` reads it) unless it may repeat; and whether that is all there was."""
    known = QueryDict(mutable=True)
    complete = True
    for name, values in request.GET.lists():
        if name not in params:
            complete = False
        elif name in repeated:
            known.setlist(name, values)
        else:
            known[name] = values[-1]
            complete = complete and len(values) == 1
    return known, complete


def _page_key(request: HttpRequest, query: QueryDict) -> str:
    htmx = getattr(request, "htmx", None)
    variant = "htmx" if htmx and not htmx.history_restore_request else "page"
    pairs = sorted((name, values) for name, values in query.lists())
    raw = f"{request.path}|{pairs!r}|{variant}"
    return f"page:{ENTRY_FORMAT}:" + hashlib.sha256(raw.encode()).hexdigest()


GENERATION = "generation"  # the key of the generation's token (not a version: never moved)


def _generation_started() -> str | None:
    """A new generation's token, once Redis has none (it restarted empty, or was cleared);
    whoever sets it first wins. None while Redis does not answer."""
    key = versions_key(GENERATION)
    cache.add(key, secrets.token_hex(8), timeout=None)
    return cache.get(key)


def _lookup(request: HttpRequest, page_key: str, names: list[str]) -> tuple[str, "_Kept | None"]:
    """The versions the page depends on now, and the kept page if it was rendered at them.

    One round trip at most (none when the near cache holds every key asked for): the
    version numbers and the page come back in one MGET, and the page
    entry records the versions it was rendered at; when this worker has the page in memory,
    the MGET asks for the versions only. For a member, their own state's version and what
    is remembered of it come in the same MGET (core/ownparts.py). Empty versions ("") while
    Redis does not answer: nothing kept can be trusted.
    """
    keys = [versions_key(GENERATION), *(versions_key(name) for name in names)]
    member = request.user.pk if request.user.is_authenticated else None
    own = [versions_key(member_own(member)), ownparts.own_key(member)] if member else []
    held = _memory.holds(page_key)
    found = cache.get_many([*keys, *own] if held else [*keys, page_key, *own])
    if member:
        version = ownparts.own_version(found.get(keys[1], 0), found.get(own[0], 0))
        request.own_remembered = ownparts.Remembered(member, version, found.get(own[1]))
    generation = found.get(keys[0]) or _generation_started()
    if generation is None:
        return "", None
    versions = _spelled(generation, found, keys[1:])
    if held and (kept := _memory.get(page_key, versions)) is not None:
        return versions, kept
    stored = cache.get(page_key) if held else found.get(page_key)
    if stored is not None and stored[0] == versions and stored[1].fresh:
        return versions, _memory.keep(page_key, versions, _Kept(stored[1]))
    return versions, None


def _versions_now(names: tuple[str, ...]) -> str:
    """The versions of ``names`` now, spelled as ``_lookup`` spells them; empty while Redis
    does not answer or has no generation yet (the page is then rendered, which starts one)."""
    keys = [versions_key(GENERATION), *(versions_key(name) for name in names)]
    found = cache.get_many(keys)
    generation = found.get(keys[0])
    return "" if generation is None else _spelled(generation, found, keys[1:])


def _spelled(generation: str, found: dict, keys: list[str]) -> str:
    """The versions a page is kept at: the generation, then each key's number (0: none yet)."""
    return ":".join([generation, *(str(found.get(key, 0)) for key in keys)])


def _for_reader(request: HttpRequest, shell: Shell) -> str:
    return shell.plain if ownparts.is_plain_reader(request) else shell.for_reader(request)


@dataclass(frozen=True)
class _Entry:
    """A kept page: the plain page as the bytes sent, so that a signed-out reader's hit is
    served as it is, and the shell pickled apart, unpickled only for a reader with parts of
    their own to fill in."""

    content_type: str
    plain: bytes
    shell: bytes
    rendered_at: float
    etag: str

    @property
    def size(self) -> int:
        return len(self.plain) + len(self.shell)

    @property
    def fresh(self) -> bool:
        """Within the lifetime Redis gives it (PAGE_CACHE_SECONDS), wherever it is held."""
        return time.time() < self.rendered_at + settings.PAGE_CACHE_SECONDS


class _Kept:
    """A kept page as one worker holds it: the entry, and its shell once unpickled."""

    def __init__(self, entry: _Entry) -> None:
        self.entry = entry
        self._shell: Shell | None = None

    @property
    def size(self) -> int:
        return self.entry.size

    @property
    def fresh(self) -> bool:
        return self.entry.fresh

    @property
    def rendered_at(self) -> float:
        return self.entry.rendered_at

    @property
    def etag(self) -> str:
        return self.entry.etag

    def served(self, request: HttpRequest) -> HttpResponse:
        entry = self.entry
        if ownparts.is_plain_reader(request):
            return HttpResponse(entry.plain, content_type=entry.content_type)
        if self._shell is None:
            self._shell = pickle.loads(entry.shell)
        return HttpResponse(self._shell.for_reader(request), content_type=entry.content_type)


class _Memory:
    """The pages this worker served last, by key, with the versions each was rendered at:
    the least recently served go first past its share of PAGE_MEMORY_BYTES. Threads share
    it (gunicorn's threaded workers): a lock guards it."""

    def __init__(self, share: float = 1.0) -> None:
        self.share = share  # of PAGE_MEMORY_BYTES, which this worker's memories divide
        self._pages: OrderedDict[str, tuple[str, _Kept | _Whole]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def holds(self, key: str) -> bool:
        return key in self._pages

    def get(self, key: str, versions: str) -> "_Kept | _Whole | None":
        """The page kept under ``key`` if it was rendered at ``versions`` and is fresh; a page
        rendered at others, or too old, is let go."""
        with self._lock:
            held = self._pages.get(key)
            if held is None:
                return None
            if held[0] == versions and held[1].fresh:
                self._pages.move_to_end(key)
                return held[1]
            self._drop(key)
            return None

    def peek(self, key: str) -> "_Kept | _Whole | None":
        """What is kept under ``key``, whatever it was rendered at (``get`` checks that)."""
        with self._lock:
            held = self._pages.get(key)
        return None if held is None else held[1]

    def keep[Held: (_Kept, _Whole)](self, key: str, versions: str, held: Held) -> Held:
        limit = int(settings.PAGE_MEMORY_BYTES * self.share)
        if held.size > limit // 4:  # nothing, or a page that would push out most of them
            return held
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (versions, held)
            self._bytes += held.size
            while self._bytes > limit:
                self._drop(next(iter(self._pages)))
        return held

    def _drop(self, key: str) -> None:
        _, held = self._pages.pop(key)
        self._bytes -= held.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


_memory = _Memory(share=0.5)  # the shells; the front door's whole pages have the rest


def cached_for_readers(
    depends: Depends | None = None, *, query: Iterable[str] = (), repeated: Iterable[str] = ()
):
    """Cache the view's 200 responses as shells (above), for every reader but editors.

    ``depends(request, *view_args, **view_kwargs)`` returns the version names beyond
    ``CONTENT`` that the page shows (``VOTES``, or ``tool_votes(slug)``). ``query`` names the
    query parameters the page reads, ``repeated`` those of them that may come more than once;
    an address with anything else answers 301 to the same address without it, for every
    reader, so that no made-up query string is ever a page of its own.
    """
    params, repeated = frozenset(query) | frozenset(repeated), frozenset(repeated)

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            known, complete = _known_query(request, params, repeated)
            if not complete:
                path = escape_uri_path(request.path)
                return HttpResponsePermanentRedirect(
                    f"{path}?{known.urlencode()}" if known else path
                )
            if not settings.PAGE_CACHE_ENABLED or not is_shell_reader(request):
                return httpcache.private(view(request, *args, **kwargs))
            names = [CONTENT, *(depends(request, *args, **kwargs) if depends else [])]
            key = _page_key(request, known)
            versions, hit = _lookup(request, key, names)
            if hit is not None:
                response = hit.served(request)
                response["X-Page-Cache"] = "hit"
                return _answer(request, response, names, versions, hit.rendered_at, hit.etag)
            down = not versions or not answering(cache)  # nothing to keep it in: render it
            with ownparts.as_nobody(request) as parts:
                response = view(request, *args, **kwargs)
            if response.streaming:  # no own parts to fill in: render it again, for the reader
                return httpcache.private(view(request, *args, **kwargs))
            shell = ownparts.Shell.of(response.content.decode(response.charset), parts)
            response.content = _for_reader(request, shell)
            if down or getattr(request, "page_cache_skip", False):
                response["X-Page-Cache"] = "bypass" if down else "skip"
                return httpcache.private(response)
            if response.status_code != 200:
                return httpcache.private(response)
            rendered_at, etag = time.time(), httpcache.validator(shell.plain)
            entry = _Entry(
                response["Content-Type"],
                shell.plain.encode(response.charset),
                pickle.dumps(shell, protocol=pickle.HIGHEST_PROTOCOL),
                rendered_at,
                etag,
            )
            cache.set(key, (versions, entry), timeout=settings.PAGE_CACHE_SECONDS)
            if not answering(cache):
                response["X-Page-Cache"] = "bypass"
                return httpcache.private(response)
            _memory.keep(key, versions, _Kept(entry))
            response["X-Page-Cache"] = "miss"
            return _answer(request, response, names, versions, rendered_at, etag)

        return wrapper

    return decorate


def _answer(
    request: HttpRequest,
    response: HttpResponse,
    names: list[str],
    versions: str,
    rendered_at: float,
    etag: str,
) -> HttpResponse:
    """A page from a shell: shared with every cache when it is the shell's plain page, the
    reader's alone when it holds anything of theirs. The plain page says what it was
    rendered at, for the front door (``answer_kept_pages``) to keep it whole."""
    if not ownparts.is_plain_reader(request):
        return httpcache.private(response)
    response = httpcache.shared(request, response, names, etag=etag, rendered_at=rendered_at)
    response.kept_at = _KeptAt(tuple(names), versions, rendered_at, etag)
    return response


# The front door: a signed-out reader's repeated hit answered before the middleware stack.


@dataclass(frozen=True)
class _KeptAt:
    """What a plain page was rendered at: its versions' names, the versions, and when."""

    names: tuple[str, ...]
    versions: str
    rendered_at: float
    etag: str


@dataclass(frozen=True)
class _Whole:
    """A plain page as it left the middleware stack, its headers with it: served again to
    the next signed-out reader with no middleware, no view and no shell."""

    kept_at: _KeptAt
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers)

    @property
    def fresh(self) -> bool:
        return time.time() < self.kept_at.rendered_at + settings.PAGE_CACHE_SECONDS

    def served(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(self.body, headers=dict(self.headers))
        response["X-Page-Cache"] = "hit"
        if "ETag" not in response:  # a page sent private had no validator
            return response
        return httpcache.conditional(  # 304, or 412 for a precondition that fails
            request, response, etag=response["ETag"], rendered_at=self.kept_at.rendered_at
        )


_whole = _Memory(share=0.5)


def memory_clear() -> None:
    """This worker forgets the pages it holds, as shells and whole."""
    _memory.clear()
    _whole.clear()


def on_setting_changed(**kwargs) -> None:
    memory_clear()


# What the door's key takes from a request: the stack gives every other request the same
# page (pages vary on these alone, and the door opens only for readers without a session).
_DOOR_VARY = frozenset({"accept-encoding", "cookie", "hx-request"})
_UNKEPT = re.compile(r"\b(no-store|no-cache)\b", re.IGNORECASE)


def _door_key(request: HttpRequest) -> str | None:
    """The key of a request the front door may answer: a GET with no session cookie (so
    no member, editor or anything saved) and no message cookie, not an htmx request; None
    for any other. The address is taken as sent: another order of the same query is
    another entry (the HTTP cache in front sorts the query before it looks)."""
    if (
        request.method != "GET"
        or not settings.PAGE_CACHE_ENABLED
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or "HTTP_HX_REQUEST" in request.META
    ):
        return None
    gzip = "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
    return f"{gzip}|{request.get_full_path()}"


def _keepable(response: HttpResponse) -> bool:
    """A plain page answered whole (no 304, no cookie set, nothing that says not to keep
    it), varying only on what the key takes: what the next signed-out reader of the same
    address would be sent too."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "Set-Cookie" in response or _UNKEPT.search(response.get("Cache-Control", "")):
        return False
    vary = {field.strip().lower() for field in response.get("Vary", "").split(",")} - {""}
    return vary <= _DOOR_VARY


def answer_kept_pages(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware, early in the stack: a signed-out reader's repeated hit is served from
    this worker's memory as it was sent the first time, headers and all, without the rest
    of the stack; the versions it was rendered at are checked first (from the near cache,
    so usually without asking Redis), as for every hit. Any other request, and the first
    of each page, goes through the whole stack, which keeps the page whole on its way out.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        key = _door_key(request)
        if key is None:
            return get_response(request)
        request.get_host()  # a host the site does not serve is refused here too (400)
        if (held := _whole.peek(key)) is not None:
            versions = _versions_now(held.kept_at.names)
            if versions and (held := _whole.get(key, versions)) is not None:
                return held.served(request)
        response = get_response(request)
        kept = getattr(response, "kept_at", None)
        if kept is not None and _keepable(response):
            headers = tuple(response.items())
            _whole.keep(key, kept.versions, _Whole(kept, headers, response.content))
        return response

    return middleware
