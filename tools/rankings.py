"""A ranked list as the pages show it: the tools, the rule they were ranked by, and what an
empty list says, so no list tops itself with a half-heard verdict or hides why it is short."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from core.scoring import community_verdict
from tools.models import Category, Tool, ToolQuerySet

PANEL_RULE = "Only tools every seat on the panel has reviewed."
PANEL_EMPTY = "No tool has a review from every seat on the panel yet"


@dataclass(frozen=True)
class Ranking:
    tools: list[Tool]
    rule: str
    empty: str

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.tools)

    def __len__(self) -> int:
        return len(self.tools)

    @classmethod
    def of_panel(cls, tools: Iterable[Tool]) -> "Ranking":
        """``tools`` from ``ToolQuerySet.top_by_panel``."""
        return cls(tools=list(tools), rule=PANEL_RULE, empty=PANEL_EMPTY)

    @classmethod
    def of_community(cls, rows: Iterable[Tool]) -> "Ranking":
        """From rows that may also hold tools still short of the minimum votes (as
        ``top_by_community_and_nearest`` and ``community_standings`` give): those are left
        out, and the best of them says why the list is short."""
        rows = list(rows)
        ranked = [tool for tool in rows if tool.community.ranks]
        nearest = next((tool for tool in rows if not tool.community.ranks), None)
        verdict = (
            nearest.community
            if nearest
            else community_verdict(ships=0, skips=0, min_votes=settings.RANKING_MIN_VOTES)
        )
        return cls(
            tools=ranked,
            rule=f"Only tools with at least {verdict.needed} community votes.",
            empty=verdict.standing,
        )


def rankings_by_category(
    tools: ToolQuerySet, *, limit: int, panel: ToolQuerySet | None = None
) -> dict[Category, dict[str, Ranking]]:
    """The first ``limit`` tools of each category by the panel (``panel``: the panel's
    ranking to take them from, ``tools.top_by_panel()`` unless given) and by the community,
    in two queries; a category is listed when either has something to show or to say."""
    shelves: dict[Category, dict[str, list[Tool]]] = {}
    for measure, ranked in [
        ("panel", tools.top_by_panel() if panel is None else panel),
        ("community", tools.community_standings()),
    ]:
        for tool in ranked.per_category(limit=limit):
            shelf = shelves.setdefault(tool.category, {"panel": [], "community": []})
            shelf[measure].append(tool)
    return {
        category: {
            "panel": Ranking.of_panel(shelf["panel"]),
            "community": Ranking.of_community(shelf["community"]),
        }
        for category, shelf in shelves.items()
    }
