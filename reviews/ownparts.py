"""A member's vote on a card, as an own part of a shared page (core/ownparts.py)."""

from django.http import HttpRequest

from core import ownparts
from reviews.models import Vote


def _votes(member_pk: int) -> dict[int, str]:
    return dict(Vote.objects.filter(member=member_pk).values_list("tool", "value"))


def _resolve(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    if not request.user.is_authenticated:
        return [part.plain for part in parts]
    mine = ownparts.mine(request, "votes")
    return ownparts.pick(parts, [mine.get(int(part.key), "none") for part in parts])


def register() -> None:
    ownparts.remembered("votes", _votes)
    ownparts.kind(
        "vote",
        states={"none": {"vote": None}, "ship": {"vote": "ship"}, "skip": {"vote": "skip"}},
        resolve=_resolve,
    )
