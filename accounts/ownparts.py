"""The account menu, and a member's saved weights, as own parts of a shared page
(core/ownparts.py).

The shell keeps the menu as a member sees it with stand-ins for their name and email, which
each request writes in, escaped: so the menu costs no template work. Editors, who also get
a link to the desk, are never served from shells (core/pagecache.py)."""

from django.http import HttpRequest
from django.utils.html import escape

from core import ownparts

_NAME, _EMAIL = "\x01name\x01", "\x01email\x01"


class _Member:
    """A member in a shell: their name and email still to be written in."""

    is_authenticated = True
    is_staff = False
    email = _EMAIL

    def __str__(self) -> str:
        return _NAME


def _resolve(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    user = request.user
    if not user.is_authenticated:
        return [part.plain for part in parts]
    name, email = escape(str(user)), escape(user.email)
    return [part.html["member"].replace(_NAME, name).replace(_EMAIL, email) for part in parts]


def weights_state(user, key: str) -> str:
    """Which of the weights part's states is this reader's, on a page seen with the weights
    ``key`` ("panel" or "founder:2"): nothing to show signed out; "kept" when they are the
    member's saved weights; "keep" on a re-weighted page; "elsewhere" on the panel's own page
    of a member with saved weights."""
    if not user.is_authenticated:
        return "none"
    saved = user.panel_weights
    if saved == key:
        return "kept"
    if key != "panel":
        return "keep"
    return "elsewhere" if saved else "none"


def _weights(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    return ownparts.pick(parts, [weights_state(request.user, part.key) for part in parts])


def register() -> None:
    ownparts.kind(
        "weights",
        states={state: {"mine": state} for state in ("none", "keep", "kept", "elsewhere")},
        resolve=_weights,
    )
    ownparts.kind(
        "account",
        states={"signed-out": {"who": None}, "member": {"who": _Member()}},
        resolve=_resolve,
    )
