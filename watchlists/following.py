"""What a follower follows, each with the last change to it: the reads behind /following/
and the follow buttons."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from comparisons.models import Comparison
from reviews.history import tools_history
from reviews.models import Persona, Review
from tools.models import Bookmark, Category, Tool
from watchlists.collect import frequencies, frequency_of
from watchlists.models import Follow, Follower, Kind


@dataclass(frozen=True)
class Followed:
    target: object  # a Tool, Comparison, Category or Persona
    kind: str  # "tool", "comparison", "category", "persona"
    last: str  # the last change, in a line; "" when none is on record
    at: object = None  # when it was made
    bookmarked: bool = False


def is_following(member, target) -> bool:
    """Whether ``member`` follows ``target``: a follow switched on, or, for a tool, a
    bookmark they have not unfollowed."""
    if not member.is_authenticated:
        return False
    kind = target._meta.model_name
    saved = kind == "tool" and Bookmark.objects.filter(member=member, tool=target).exists()
    return follows(member, kind, target.pk, bookmarked=saved)


def follows(member, kind: str, pk: int, *, bookmarked: bool) -> bool:
    """``is_following`` for the ``kind`` ("tool", "comparison", …) and primary key of a target,
    knowing whether the member bookmarked it (only a tool can be)."""
    follow = Follow.objects.filter(follower__member=member, **{kind: pk}).first()
    return follow.active if follow is not None else bookmarked


def _followed_tools(follower: Follower | None, member) -> tuple[list[Tool], set[int]]:
    tools = Tool.objects.published().with_category()
    explicit = Follow.objects.filter(follower=follower, tool=OuterRef("pk"))
    mine = tools.filter(Exists(explicit.filter(active=True, confirmed_at__isnull=False)))
    bookmarked = set()
    if member is not None:
        saved = tools.filter(bookmarks__member=member).exclude(
            Exists(explicit.filter(active=False))
        )
        bookmarked = set(saved.values_list("pk", flat=True))
        mine = mine | saved
    return list(mine.distinct().order_by("name")), bookmarked


def followed_by(follower: Follower | None, member=None) -> list[Followed]:
    """Everything followed, tools first, each with its last change."""
    tools, bookmarked = _followed_tools(follower, member)
    last = {}
    for change in reversed(tools_history(tools)):
        last[change.tool.pk] = change  # newest last, so newest wins
    rows = [
        Followed(
            tool,
            "tool",
            last[tool.pk].line if tool.pk in last else "",
            last[tool.pk].at if tool.pk in last else None,
            tool.pk in bookmarked,
        )
        for tool in tools
    ]
    follows = (
        Follow.objects.watching().filter(follower=follower) if follower else Follow.objects.none()
    )
    for comparison in (
        Comparison.objects.published()
        .with_tools()
        .filter(follows__in=follows.filter(comparison__isnull=False))
    ):
        winner = comparison.pick_winner
        answer = f"the pick is {winner.name}" if winner else "too close to call"
        rows.append(Followed(comparison, "comparison", answer.capitalize(), comparison.pick_since))
    for category in Category.objects.filter(follows__in=follows.filter(category__isnull=False)):
        newest = (
            Comparison.objects.published().in_category(category).with_tools().newest_first().first()
        )
        line = f"Newest comparison: {newest.tool_a.name} vs {newest.tool_b.name}" if newest else ""
        rows.append(Followed(category, "category", line, newest.published_at if newest else None))
    for persona in Persona.objects.filter(follows__in=follows.filter(persona__isnull=False)):
        review = (
            Review.objects.filter(persona=persona)
            .of_live_tools()
            .select_related("tool")
            .order_by("-updated_at")
            .first()
        )
        line = f"Reviewed {review.tool.name}: {review.score}, {review.call}" if review else ""
        rows.append(Followed(persona, "persona", line, review.updated_at if review else None))
    return rows


def settings_of(follower: Follower | None) -> dict[str, str]:
    if follower is None:
        return {}
    chosen = frequencies([follower.pk])
    return {kind.value: frequency_of(chosen, follower.pk, kind) for kind in Kind}
