"""A member's vote on a card, as an own part of a shared page (core/ownparts.py)."""

from django.http import HttpRequest

from core import ownparts
from reviews.models import Vote


def _resolve(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    if not request.user.is_authenticated:
        return [part.plain for part in parts]
    votes = Vote.objects.filter(member=request.user, tool__in=[part.key for part in parts])
    mine = dict(votes.values_list("tool", "value"))
    return ownparts.pick(parts, [mine.get(int(part.key), "none") for part in parts])


def register() -> None:
    ownparts.kind(
        "vote",
        states={"none": {"vote": None}, "ship": {"vote": "ship"}, "skip": {"vote": "skip"}},
        resolve=_resolve,
    )
