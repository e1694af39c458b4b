"""The account menu as an own part of a shared page (core/ownparts.py).

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


def register() -> None:
    ownparts.kind(
        "account",
        states={"signed-out": {"who": None}, "member": {"who": _Member()}},
        resolve=_resolve,
    )
