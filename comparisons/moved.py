"""What moved this week: verdict flips, pick flips, price changes, new tools and new
comparisons, from the history (reviews.history) and the picks' record. The /moved/ page,
its feed and the weekly edition's section are built from the same ``Moved``."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from comparisons.models import Comparison, ComparisonEvent
from reviews.history import Change, changes_between
from tools.models import Tool

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Line:
    """One thing that moved, as the page, the feed and the email say it."""

    at: dt.datetime
    kind: str  # verdict, pick, price, review, new-tool, new-comparison
    text: str
    path: str
    correction: str = ""
    key: str = ""  # unique among all lines: the feed's item id
    # What the line links to, so a page showing it later can tell whether it is still up.
    tool_id: int | None = None
    comparison_id: int | None = None


@dataclass(frozen=True)
class Moved:
    start: dt.datetime
    end: dt.datetime
    verdicts: list[Line]
    picks: list[Line]
    prices: list[Line]
    reviews: list[Line]
    new_tools: list[Line]
    new_comparisons: list[Line]

    @property
    def lines(self) -> list[Line]:
        """Everything, newest first."""
        every = [
            *self.verdicts,
            *self.picks,
            *self.prices,
            *self.reviews,
            *self.new_tools,
            *self.new_comparisons,
        ]
        return sorted(every, key=lambda line: line.at, reverse=True)

    def headlines(self, limit: int) -> tuple[list[Line], int]:
        """At most ``limit`` lines, those that matter most first (calls, then picks, prices,
        reviews, what is new; newest first within each), and how many were left out: an
        email cannot list a week in which thousands of things moved."""
        ranked = [
            line
            for kind in (
                self.verdicts,
                self.picks,
                self.prices,
                self.reviews,
                self.new_comparisons,
                self.new_tools,
            )
            for line in sorted(kind, key=lambda line: line.at, reverse=True)
        ]
        return ranked[:limit], max(0, len(ranked) - limit)

    def __bool__(self) -> bool:
        return bool(self.lines)


def _change_line(change: Change, kind: str) -> Line:
    tool = change.tool
    text = f"{tool.name} · {change.line}" if tool else change.line
    path = tool.get_absolute_url() if tool else reverse("reviews:panel")
    key, tool_id = f"{kind}-{change.key}", tool.pk if tool else None
    return Line(change.at, kind, text, path, change.correction, key, tool_id=tool_id)


def _pick_lines(start: dt.datetime, end: dt.datetime) -> list[Line]:
    """Picks whose winner changed in the window (a comparison's first record is none)."""
    events = Events.objects.across(ComparisonEvent)
    events = events.filter(pgh_created_at__gte=start, pgh_created_at__lt=end).order_by("pgh_id")
    flips = [e for e in events if "pick_winner_id" in (e.pgh_diff or {})]
    ids = {int(e.pgh_obj_id) for e in flips}
    comparisons = Comparison.objects.published().with_tools().in_bulk(ids)
    lines = []
    for event in flips:
        comparison = comparisons.get(int(event.pgh_obj_id))
        if comparison is None:
            continue
        names = {tool.pk: tool.name for tool in comparison.tools}
        winner = names.get(event.pgh_data["pick_winner_id"])
        answer = f"ship with {winner}" if winner else "too close to call"
        text = f"{comparison.tool_a.name} vs {comparison.tool_b.name} · the pick is now: {answer}"
        at, path, pk = event.pgh_created_at, comparison.get_absolute_url(), comparison.pk
        lines.append(Line(at, "pick", text, path, key=f"pick-{event.pgh_id}", comparison_id=pk))
    return lines


def _new_tool_line(tool: Tool) -> Line:
    text, path = f"New: {tool.name}", tool.get_absolute_url()
    return Line(tool.published_at, "new-tool", text, path, key=f"tool-{tool.pk}", tool_id=tool.pk)


def week_moved(*, end: dt.datetime | None = None) -> Moved:
    """What moved in the seven days up to ``end`` (now by default)."""
    end = end or timezone.now()
    start = end - WEEK
    changes = [c for c in changes_between(start, end) if c.tool is None or c.tool.is_live]
    tools = Tool.objects.published().filter(published_at__gte=start, published_at__lt=end)
    comparisons = (
        Comparison.objects.published()
        .filter(published_at__gte=start, published_at__lt=end)
        .with_tools()
        .newest_first()
    )
    return Moved(
        start=start,
        end=end,
        verdicts=[_change_line(c, "verdict") for c in changes if c.kind == "call"],
        picks=_pick_lines(start, end),
        prices=[_change_line(c, "price") for c in changes if c.kind == "pricing"],
        reviews=[_change_line(c, "review") for c in changes if c.kind == "review"],
        new_tools=[_new_tool_line(tool) for tool in tools],
        new_comparisons=[
            Line(
                c.published_at,
                "new-comparison",
                f"New comparison: {c.tool_a.name} vs {c.tool_b.name}",
                c.get_absolute_url(),
                key=f"comparison-{c.pk}",
                comparison_id=c.pk,
            )
            for c in comparisons
        ],
    )
