"""The few parts of a page that are the reader's own, apart from the rest that is everyone's.

A page is the same for every reader but for a handful of small parts: the pressed state of
their vote and bookmark buttons, their follow buttons, their account menu, their bookmarks
panel. So a page is rendered once per content version as a *shell*, for nobody, and each
request fills the shell's own parts for its reader (core/pagecache.py keeps the shells).

Templates mark an own part with ``{% own "kind" key name=value … %}…{% endown %}``. Rendered
for a reader, the tag is a ``with``: the body sees ``name=value`` (the reader's own state).
Rendered for a shell, it renders the body once per *state* its kind declares (a vote is
none, ship or skip) and leaves a mark where the part goes; the shell keeps every state's
HTML. Filling a part is then picking one of them, with no template work: the kind's
``resolve`` looks up the reader's state for all the page's parts of that kind at once (one
query), or renders the part itself when no state can be known in advance (the bookmarks
panel lists the reader's tools).

Kinds belong to the apps that own the state (a vote to reviews, a follow to watchlists);
each registers its kind in its AppConfig.ready with ``kind``. The shell is rendered as a
signed-out reader with nothing saved, so nothing of anyone's can reach it; a page that
carries no marks at all is served as it is.

A member's own state (all their votes, bookmarks and follows: small) is remembered in the
cache between their requests, read in the same round trip as the page (core/pagecache.py),
so that a member's page costs no query beyond the member. Each app declares what it keeps
with ``remembered``; whatever changes a member's state moves their version
(``pagecache.member_own``) once it commits, and state remembered at another version is
loaded again: never stale, however the requests interleave.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

# PostgreSQL text cannot hold a NUL and refuse_nul_characters keeps it out of requests, so
# no rendered text can contain the mark by accident.
_MARK = "\x00{}\x00"
_MARKS = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True)
class Part:
    """One own part of a shell: what it is (``kind``), whose (``key``: a tool's pk, a
    followed thing), and its HTML in each of the kind's states."""

    kind: str
    key: str
    html: Mapping[str, str]

    @property
    def plain(self) -> str:
        """As a signed-out reader with nothing saved sees it: the kind's first state."""
        return next(iter(self.html.values()))


# resolve(request, parts) -> the HTML of each part for this reader, in order.
Resolve = Callable[[HttpRequest, list[Part]], list[str]]


@dataclass(frozen=True)
class Kind:
    name: str
    states: Mapping[str, Mapping[str, object]]  # state name -> the context the body sees
    resolve: Resolve


_kinds: dict[str, Kind] = {}


def kind(name: str, states: Mapping[str, Mapping[str, object]], resolve: Resolve) -> None:
    """Declare a kind of own part: its states (the first is a signed-out reader's) and how
    a reader's are found."""
    _kinds[name] = Kind(name, states, resolve)


def kind_of(name: str) -> Kind:
    return _kinds[name]


# name -> load(member): the member's whole state of that name, small and picklable.
_loaders: dict[str, Callable[[object], object]] = {}


def remembered(name: str, load: Callable[[object], object]) -> None:
    """Declare a piece of a member's own state, remembered between requests."""
    _loaders[name] = load


def own_key(member_pk: int) -> str:
    return f"own:{member_pk}"


def own_version(content: object, member: object) -> str:
    """The version a member's remembered state is kept at: their own version, and the
    content's, which moves after a cache outage that may have lost their version's moves."""
    return f"{content}.{member}"


@dataclass
class Remembered:
    """What pagecache found for this member with the page: their state's version now, and
    the state remembered with the version it was loaded at (or None)."""

    member_pk: int
    version: str
    entry: tuple[str, dict] | None

    def states(self) -> dict:
        # Kept by a release that remembered other things: loaded again, not misread.
        entry = self.entry
        if entry is not None and entry[0] == self.version and entry[1].keys() == _loaders.keys():
            return entry[1]
        from django.core.cache import cache  # read before the load, so a change wins

        states = {name: load(self.member_pk) for name, load in _loaders.items()}
        self.entry = (self.version, states)
        cache.set(own_key(self.member_pk), self.entry, timeout=settings.OWN_STATE_SECONDS)
        return states


def mine(request: HttpRequest, name: str):
    """For a ``resolve``: the member's remembered state ``name`` (``remembered``)."""
    found = getattr(request, "own_remembered", None)
    if found is None or found.member_pk != request.user.pk:  # not served by pagecache
        return _loaders[name](request.user.pk)
    return found.states()[name]


def pick(parts: list[Part], states: list[str]) -> list[str]:
    """For a ``resolve``: each part's HTML in the state found for it."""
    return [part.html[state] for part, state in zip(parts, states, strict=True)]


@dataclass(frozen=True)
class Shell:
    """A page rendered for nobody: its text in pieces between the own parts, and the page as a
    signed-out reader with nothing saved sees it, joined once."""

    pieces: tuple[str, ...]  # text, part, text, part, …, text
    parts: tuple[Part, ...]
    plain: str

    @classmethod
    def of(cls, text: str, parts: list[Part]) -> "Shell":
        split = _MARKS.split(text)
        pieces = tuple(split[0::2])
        order = tuple(parts[int(index)] for index in split[1::2])
        plain = "".join(_interleave(pieces, [part.plain for part in order]))
        return cls(pieces, order, plain)

    def for_reader(self, request: HttpRequest) -> str:
        if not self.parts:
            return self.plain
        by_kind: dict[str, list[int]] = {}
        for index, part in enumerate(self.parts):
            by_kind.setdefault(part.kind, []).append(index)
        filled = [""] * len(self.parts)
        for name, indexes in by_kind.items():
            html = kind_of(name).resolve(request, [self.parts[i] for i in indexes])
            for index, text in zip(indexes, html, strict=True):
                filled[index] = text
        return "".join(_interleave(self.pieces, filled))


def _interleave(pieces: tuple[str, ...], filled: list[str]) -> Iterator[str]:
    for piece, part in zip(pieces, filled, strict=False):
        yield piece
        yield part
    yield pieces[-1]


def rendering_shell(request: HttpRequest | None) -> bool:
    return getattr(request, "own_parts", None) is not None


def leave_mark(request: HttpRequest, part: Part) -> str:
    """For the ``own`` tag, rendering a shell: keep the part, and mark where it goes."""
    request.own_parts.append(part)
    return _MARK.format(len(request.own_parts) - 1)


def is_plain_reader(request: HttpRequest) -> bool:
    """Signed out, with nothing saved in the session: the shell's plain page is theirs."""
    return not request.user.is_authenticated and not request.session.get("bookmarks")


@contextmanager
def as_nobody(request: HttpRequest) -> Iterator[list[Part]]:
    """Render as a signed-out reader with an empty session, collecting the own parts.

    The view and its templates see no user and no session of anyone's, so the shell cannot
    hold what is the reader's, whoever asked for it first. What the request had is put back
    after."""
    from django.contrib.auth.models import AnonymousUser  # pagecache is imported before apps load

    user, session = request.user, request.session
    request.user = AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.own_parts = []
    try:
        yield request.own_parts
    finally:
        request.user, request.session = user, session
        del request.own_parts
