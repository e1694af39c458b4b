"""What the methodology page states: every rule with the numbers the code runs on, and each
rule worked through on a real tool or comparison, computed now by the same functions.

The numbers are read here from the constants and settings the verdict math uses, never
typed into the template, so the page cannot drift from what the site does.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F

from comparisons.models import Comparison
from comparisons.sidebyside import SideBySide, side_by_side
from core import scoring, weights
from core.badges import BADGES, Badge
from reviews.scorecard import ScorecardRow, scorecard
from tools.models import Tool
from tools.rankings import PANEL_RULE, Ranking, community_rule


@dataclass(frozen=True)
class Rules:
    """The numbers every rule runs on."""

    min_votes: int
    wilson_z: float
    confidence: int  # percent
    pick_order: tuple[str, ...]
    panel_rule: str
    community_rule: str
    max_votes_looked_for: int
    min_weight: int
    max_weight: int


@dataclass(frozen=True)
class PanelExample:
    tool: Tool
    rows: list[ScorecardRow]

    @property
    def scores(self) -> list[int]:
        return [row.reviews[0].score for row in self.rows if row.reviews[0] is not None]


@dataclass(frozen=True)
class CommunityExample:
    tool: Tool

    @property
    def interval(self) -> tuple[int, int]:
        """The Wilson interval in whole percent, as the page shows it."""
        lower, upper = self.tool.community.interval
        return round(100 * lower), round(100 * upper)


@dataclass(frozen=True)
class BadgeExample:
    badge: Badge
    holder: Tool | None  # a live tool that holds it now


@dataclass(frozen=True)
class Methodology:
    rules: Rules
    panel: PanelExample | None
    community: CommunityExample | None
    preliminary: CommunityExample | None
    pick: tuple[Comparison, SideBySide] | None
    shared: Ranking | None  # the community's top ten, when two of them share a rank
    badges: list[BadgeExample]


def rules() -> Rules:
    return Rules(
        min_votes=settings.RANKING_MIN_VOTES,
        wilson_z=scoring.WILSON_Z,
        confidence=round(100 * scoring.confidence_level()),
        pick_order=scoring.PICK_ORDER,
        panel_rule=PANEL_RULE,
        community_rule=community_rule(settings.RANKING_MIN_VOTES),
        max_votes_looked_for=scoring.MAX_VOTES_LOOKED_FOR,
        min_weight=weights.MIN_WEIGHT,
        max_weight=weights.MAX_WEIGHT,
    )


def methodology() -> Methodology:
    """The rules, and an example of each from the live catalogue (None where none exists
    yet: a new site with no votes has no community example to work through)."""
    tools = Tool.objects.published().with_category()
    full = tools.top_by_panel().first()
    most_voted = (
        tools.top_by_community()
        .order_by((F("community_ships") + F("community_skips")).desc(), "name")
        .first()
    )
    short = tools.short_of_votes().order_by("name").first()
    comparison = Comparison.objects.published().with_tools().newest_first().first()
    shared = Ranking.of_community(tools.top_by_community_and_nearest(limit=10))
    return Methodology(
        rules=rules(),
        panel=PanelExample(full, scorecard([full])) if full else None,
        community=CommunityExample(most_voted) if most_voted else None,
        preliminary=CommunityExample(short) if short else None,
        pick=(
            (comparison, side_by_side([comparison.tool_a, comparison.tool_b]))
            if comparison
            else None
        ),
        shared=shared if any(rank.startswith("=") for rank in shared.ranks) else None,
        badges=[
            BadgeExample(
                badge, tools.filter(**{f"badge_{badge.key}": True}).order_by("name").first()
            )
            for badge in BADGES
        ],
    )
