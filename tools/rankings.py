"""A ranked list as the pages show it: the tools, the rule they were ranked by, and what an
empty list says, so no list tops itself with a half-heard verdict or hides why it is short."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from core.scoring import community_verdict, confidence_level, rank_labels, shared_ranks
from tools.models import Category, Tool, ToolQuerySet

PANEL_RULE = "Only tools every seat on the panel has reviewed; equal figures share a rank."
PANEL_EMPTY = "No tool has a review from every seat on the panel yet"


def community_rule(needed: int) -> str:
    level = round(100 * confidence_level())
    return (
        f"Only tools with at least {needed} community votes, ranked by how sure the votes "
        f"make us: tools whose {level}% intervals overlap share a rank."
    )


def panel_ranks(tools: Iterable[Tool]) -> list[str]:
    """Tools level on the panel's ship % and mean score share a rank (the community's figure,
    which only breaks the tie in the order, is not the panel's)."""
    figures = [(tool.panel.ship_pct, tool.panel.mean_score) for tool in tools]
    return rank_labels([1 + sum(1 for other in figures if other > mine) for mine in figures])


@dataclass(frozen=True)
class Ranking:
    """Tools in order, each with its rank as the page shows it ("3", or "=3" when shared)."""

    tools: list[Tool]
    rule: str
    empty: str
    ranks: list[str] | None = None  # None: by the panel's figures, read when shown

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.tools)

    def __len__(self) -> int:
        return len(self.tools)

    @property
    def ranked(self) -> list[tuple[str, Tool]]:
        ranks = self.ranks if self.ranks is not None else panel_ranks(self.tools)
        return list(zip(ranks, self.tools, strict=True))

    @classmethod
    def of_panel(cls, tools: Iterable[Tool]) -> "Ranking":
        """``tools`` from ``ToolQuerySet.top_by_panel``. Their ranks are read off their panel
        verdicts when the list is shown, so a reader's weights set on them since count."""
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
        ranks = shared_ranks([tool.community.interval for tool in ranked])
        # Best lower bound first, as the rows come; a tool whose wide interval lets it share
        # a better rank moves up to its fellows, so the ranks read in order down the list.
        order = sorted(range(len(ranked)), key=lambda at: ranks[at])
        return cls(
            tools=[ranked[at] for at in order],
            rule=community_rule(verdict.needed),
            empty=verdict.standing,
            ranks=rank_labels([ranks[at] for at in order]),
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
