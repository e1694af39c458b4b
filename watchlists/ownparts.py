"""A follow button as an own part of a shared page (core/ownparts.py): a signed-out reader's
follow-by-email form, or a member's Follow or Following."""

from django.http import HttpRequest

from core import ownparts
from tools.ownparts import saved_ids
from watchlists.following import follows


def _resolve(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    if not request.user.is_authenticated:
        return [part.plain for part in parts]
    # A page has one follow button, two at most: a query each is what it costs.
    states = []
    for part in parts:
        kind, pk = part.key.split(":")
        saved = kind == "tool" and int(pk) in saved_ids(request)
        on = follows(request.user, kind, int(pk), bookmarked=saved)
        states.append("following" if on else "not-following")
    return ownparts.pick(parts, states)


def register() -> None:
    ownparts.kind(
        "follow",
        states={
            "signed-out": {"member": False, "following": False},
            "not-following": {"member": True, "following": False},
            "following": {"member": True, "following": True},
        },
        resolve=_resolve,
    )
