"""What an edition says about its comparisons, as plain words and figures.

A draft is drawn from the comparisons as they stand, so its preview and test copy show
the editor's latest changes. When sending starts (``editions.edition_begin``) these
items are written on the edition, and every copy sent from then on, and the web
version in the archive, show what was written: renaming a tool, a new review,
editing or deleting a comparison change the site, never an edition that went out.
The items keep what the reader saw (names, labels, the pick's line), not the
numbers behind them, so a later change to the verdict rules cannot rewrite them either.

``edition_items`` reads only model fields, no properties or queryset methods, so the
migration that froze the editions sent before snapshots existed uses it as well.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.urls import reverse

from comparisons.models import pair_slug
from core.scoring import Candidate, community_verdict, panel_verdict, pick
from newsletter import links

VERSION = 2  # of the stored layout (2 added "moved"); a later layout reads the earlier ones


@dataclass(frozen=True)
class ToolLine:
    name: str
    path: str
    label: str  # Ship, Skip, Split, Awaiting panel
    summary: str  # "Ship · 3 ship / 1 skip"
    reviews: int
    ship_pct: int | None
    mean_score: int | None
    wins: bool  # the pick


@dataclass(frozen=True)
class EditionItem:
    comparison_id: int
    title: str
    path: str
    note: str
    tools: tuple[ToolLine, ...]
    winner: str | None
    reason: str

    @property
    def url(self) -> str:
        return links.absolute(self.path)

    @classmethod
    def from_json(cls, data: dict) -> "EditionItem":
        tools = tuple(ToolLine(**tool) for tool in data["tools"])
        return cls(**{**data, "tools": tools})


def edition_items(comparisons: Iterable) -> list[EditionItem]:
    """The items for ``comparisons`` (in the order given), each with both tools' tool_a,
    tool_b loaded."""
    return [_item(comparison) for comparison in comparisons]


def _item(comparison) -> EditionItem:
    tools = (comparison.tool_a, comparison.tool_b)
    candidates = [
        Candidate(
            tool.name,
            panel_verdict(
                ships=tool.panel_ships, skips=tool.panel_skips, score_total=tool.panel_score_total
            ),
            community_verdict(ships=tool.community_ships, skips=tool.community_skips),
        )
        for tool in tools
    ]
    chosen = pick(candidates)
    lines = tuple(
        ToolLine(
            name=tool.name,
            path=reverse("comparisons:tool-detail", args=[tool.slug]),
            label=candidate.panel.label,
            summary=candidate.panel.summary,
            reviews=candidate.panel.reviews,
            ship_pct=candidate.panel.ship_pct,
            mean_score=candidate.panel.mean_score,
            wins=candidate is chosen.winner,
        )
        for tool, candidate in zip(tools, candidates, strict=True)
    )
    a, b = tools
    return EditionItem(
        comparison_id=comparison.pk,
        title=f"{a.name} vs {b.name}",
        path=reverse("comparisons:comparison-detail", args=[pair_slug(a.slug, b.slug)]),
        note=comparison.editor_note,
        tools=lines,
        winner=None if chosen.winner is None else chosen.winner.name,
        reason=chosen.reason,
    )


@dataclass(frozen=True)
class MovedLine:
    """One line of the edition's "What moved this week" (comparisons.moved), as sent."""

    text: str
    path: str
    correction: str = ""
    tool_id: int | None = None  # what it links to, so the archive can unlink what is gone
    comparison_id: int | None = None

    @property
    def url(self) -> str:
        return links.absolute(self.path)


def moved_lines(moved, limit: int | None = None) -> list[MovedLine]:
    """comparisons.moved's week as the edition keeps it: at most ``limit`` lines (the
    setting NEWSLETTER_MOVED_LINES), the rest told in a last line linking to them all."""
    lines, more = moved.headlines(limit or settings.NEWSLETTER_MOVED_LINES)
    kept = [
        MovedLine(line.text, line.path, line.correction, line.tool_id, line.comparison_id)
        for line in lines
    ]
    if more:
        text = f"And {more:,} more {'change' if more == 1 else 'changes'} this week"
        kept.append(MovedLine(text, reverse("comparisons:moved")))
    return kept


def snapshot_dump(
    items: list[EditionItem], *, taken_at: dt.datetime, moved: Iterable[MovedLine] = ()
) -> dict:
    return {
        "version": VERSION,
        "taken_at": taken_at.isoformat(),
        "items": [asdict(item) for item in items],
        "moved": [asdict(line) for line in moved],
    }


def snapshot_load(snapshot: dict) -> list[EditionItem]:
    return [EditionItem.from_json(item) for item in snapshot["items"]]


def snapshot_moved(snapshot: dict) -> list[MovedLine]:
    """The edition's "What moved" lines (none in editions sent before it had the section)."""
    return [MovedLine(**line) for line in snapshot.get("moved", [])]


def snapshot_taken_at(snapshot: dict) -> dt.datetime:
    """When the items were written: as sending started, or (for editions sent before
    snapshots existed) when the migration froze them."""
    return dt.datetime.fromisoformat(snapshot["taken_at"])
