"""What a shared link's preview card says: a comparison's verdicts and pick, a tool's verdicts.

The cards are built from the same verdicts and pick the pages show (core.scoring), and
drawn by core.shareimage. Names are drawn as they are, not bidi-isolated: the drawing lays
out each name as one run.
"""

from collections.abc import Callable, Sequence

from comparisons.sidebyside import SideBySide
from core.bidi import isolate
from core.shareimage import Column, ShareCard
from reviews.scorecard import ScorecardRow
from tools.models import Tool


def _score(tool: Tool) -> str:
    mean = tool.panel.mean_score
    return "No score yet" if mean is None else f"{mean}/100"


def _panel_line(tool: Tool) -> str:
    panel = tool.panel
    if not panel.reviews:
        return "No reviews yet"
    return f"Panel: {panel.ships} ship, {panel.skips} skip"


def _community_line(tool: Tool) -> str:
    return f"Community: {tool.community.summary}"


def _answer(sbs: SideBySide, name: Callable[[str], str]) -> str:
    """The pick in one line, each name written by ``name``."""
    if sbs.winner is None:
        return sbs.pick.reason
    return f"Our pick: ship with {name(sbs.winner.name)}."


def comparison_card(sbs: SideBySide) -> ShareCard:
    winner = sbs.winner
    columns = tuple(
        Column(
            name=tool.name,
            call=tool.panel.label,
            score=_score(tool),
            lines=(_panel_line(tool), _community_line(tool)),
            picked=winner is not None and tool.pk == winner.pk,
        )
        for tool in sbs.tools
    )
    verdicts = "; ".join(f"{isolate(t.name)}: {t.panel.label}, {_score(t)}" for t in sbs.tools)
    return ShareCard(
        alt=f"{sbs.title}. {verdicts}. {_answer(sbs, isolate)}",
        kicker="Which one should you ship with?",
        heading=" vs ".join(tool.name for tool in sbs.tools),
        columns=columns,
        footer=_answer(sbs, str),
        footer_strong=winner is not None,
        extra=(sbs.pick.reason,) if winner is not None else (),
    )


def _seats_line(rows: Sequence[ScorecardRow]) -> str:
    seats = [
        f"{row.persona.name} {review.score} {review.call}"
        for row in rows
        if (review := row.reviews[0]) is not None
    ]
    return " · ".join(seats) if seats else "The panel has not reviewed it yet."


def tool_card(tool: Tool, rows: Sequence[ScorecardRow]) -> ShareCard:
    """``rows``: the tool's scorecard (reviews.scorecard), which the tool page has already."""
    community = tool.community
    columns = (
        Column(
            name="The panel",
            call=tool.panel.label,
            score=_score(tool),
            lines=(_panel_line(tool).removeprefix("Panel: "),),
        ),
        Column(
            name="The community",
            call=community.majority or "No votes yet",
            score="" if community.ship_pct is None else f"{community.ship_pct}% ship",
            lines=(f"{community.votes} vote{'' if community.votes == 1 else 's'}",),
        ),
    )
    panel, votes = columns
    return ShareCard(
        alt=(
            f"{isolate(tool.name)}: the panel says {panel.call}, {panel.score}; "
            f"the community says {votes.call}{f', {votes.score}' if votes.score else ''}."
        ),
        kicker=tool.category.name if tool.category_id else "AI tool",
        heading=f"{tool.name}: ship or skip?",
        columns=columns,
        footer=_seats_line(rows),
        extra=(tool.tagline,) if tool.tagline else (),
    )
