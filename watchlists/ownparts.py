"""A follow button as an own part of a shared page (core/ownparts.py): a signed-out reader's
follow-by-email form, or a member's Follow or Following."""

from django.http import HttpRequest

from core import ownparts
from tools.ownparts import saved_ids
from watchlists.models import Follow


def _follows(member_pk: int) -> dict[str, bool]:
    """Each target the member chose to follow or stop following, as "kind:pk"."""
    rows = Follow.objects.filter(follower__member=member_pk)
    fields = ("tool", "comparison", "category", "persona")
    follows = {}
    for active, *targets in rows.values_list("active", *fields):
        name, pk = next((name, pk) for name, pk in zip(fields, targets, strict=True) if pk)
        follows[f"{name}:{pk}"] = active
    return follows


def _resolve(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    """As watchlists.following.is_following: a follow chosen, or else a bookmarked tool."""
    if not request.user.is_authenticated:
        return [part.plain for part in parts]
    chosen, saved = ownparts.mine(request, "follows"), set(saved_ids(request))
    states = []
    for part in parts:
        kind, pk = part.key.split(":")
        on = chosen.get(part.key, kind == "tool" and int(pk) in saved)
        states.append("following" if on else "not-following")
    return ownparts.pick(parts, states)


def register() -> None:
    ownparts.remembered("follows", _follows)
    ownparts.kind(
        "follow",
        states={
            "signed-out": {"member": False, "following": False},
            "not-following": {"member": True, "following": False},
            "following": {"member": True, "following": True},
        },
        resolve=_resolve,
    )
