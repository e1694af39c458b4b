"""The dated history of verdicts, read from pghistory's event tables.

The tables are kept by PostgreSQL triggers (tools.models, reviews.models,
comparisons.models), so no write path can skip them. pghistory's ``Events`` reads several
of them in one query, each event with its difference from the previous snapshot of the
same object (``pgh_diff``) and the context it was written in (an editor's correction
note). This module turns those into the lines readers see ("Skeptic: 70 → 62, ship → skip").
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify
from pghistory.models import Events

from core.charts import Timeline, timeline
from core.scoring import AWAITING, NO_VOTES, lean
from reviews.models import Persona, PersonaEvent, ReviewEvent
from tools.models import Category, Tool, ToolCallEvent, ToolEvent

SNAPSHOT = "snapshot"  # the row as it stood when the history began: no change of its own
TOOL_EVENTS = (ReviewEvent, ToolCallEvent, ToolEvent)
REVIEW, CALL, PRICING, LISTING, SEAT = "review", "call", "pricing", "listing", "seat"


@dataclass(frozen=True)
class Change:
    """One dated change, as a reader reads it."""

    at: dt.datetime
    subject: str  # who or what changed: a seat, "Pricing", "Panel call"
    what: str  # "70 → 62, ship → skip"
    kind: str  # REVIEW, CALL, PRICING, LISTING or SEAT: what a watcher may follow
    correction: str = ""  # the editor's public note, when the change fixed an error
    tool: Tool | None = None

    @property
    def line(self) -> str:
        return f"{self.subject}: {self.what}"

    @property
    def key(self) -> str:
        """Unique among changes: a feed's item id."""
        tool = self.tool.pk if self.tool else 0
        return f"{tool}-{self.kind}-{slugify(self.subject)}-{self.at.timestamp():.6f}"


def _arrow(before, after) -> str:
    return f"{before} → {after}"


def _before(event: Events, field: str):
    """``field`` as it was before the event (the event's data holds it after)."""
    diff = event.pgh_diff or {}
    return diff[field][0] if field in diff else event.pgh_data[field]


class _Reader:
    """Turns events into changes, naming tools, seats and categories from what it is given
    and fetching only what it lacks."""

    def __init__(self, tools: Iterable[Tool] = (), personas: Iterable[Persona] = ()):
        self.tools = {tool.pk: tool for tool in tools}
        self.personas = {persona.pk: persona.name for persona in personas}

    def changes(self, events: Iterable[Events]) -> list[Change]:
        events = [e for e in events if e.pgh_label != SNAPSHOT]
        self._fetch(events)
        changes = []
        for event in events:
            changes += getattr(self, _READERS[event.pgh_model])(event)
        return newest_first(changes)

    def _fetch(self, events: list[Events]) -> None:
        tool_ids = {_tool_id(e) for e in events} - {None} - self.tools.keys()
        if tool_ids:
            self.tools |= Tool.objects.in_bulk(tool_ids)
        persona_ids = {e.pgh_data.get("persona_id") for e in events if e.pgh_model == _REVIEWS}
        if persona_ids - {None} - self.personas.keys():
            self.personas |= dict(Persona.objects.values_list("pk", "name"))
        self.categories: dict[int, str] = {}
        moved = {pk for e in events for pk in (e.pgh_diff or {}).get("category_id", ()) if pk}
        if moved:
            self.categories = dict(Category.objects.filter(pk__in=moved).values_list("pk", "name"))

    def _change(self, event: Events, subject: str, what: str, kind: str) -> Change:
        note = (event.pgh_context or {}).get("correction", "")
        tool = self.tools.get(_tool_id(event))
        return Change(event.pgh_created_at, subject, what, kind, note, tool)

    def review(self, event: Events) -> list[Change]:
        data, diff = event.pgh_data, event.pgh_diff or {}
        seat = self.personas.get(data["persona_id"], "A seat")
        score, call = data["score"], data["call"]
        if event.pgh_label == "added":
            what = f"reviewed it: {score}, {call}"
        elif event.pgh_label == "removed":
            what = f"review withdrawn (it was {score}, {call})"
        else:
            parts = [_arrow(*diff[f]) for f in ("score", "call") if f in diff]
            if "body" in diff:
                parts.append("reasons rewritten")
            if not parts:
                return []
            what = ", ".join(parts)
        return [self._change(event, seat, what, REVIEW)]

    def calls(self, event: Events) -> list[Change]:
        if event.pgh_label != "calls-flipped":
            return []
        changes = []
        for subject, prefix, word in (
            ("Panel call", "panel", AWAITING),
            ("Community call", "community", NO_VOTES),
        ):
            ships, skips = f"{prefix}_ships", f"{prefix}_skips"
            old = lean(_before(event, ships), _before(event, skips)) or word
            new = lean(event.pgh_data[ships], event.pgh_data[skips]) or word
            if old != new:
                changes.append(self._change(event, subject, _arrow(old, new), CALL))
        return changes

    def listing(self, event: Events) -> list[Change]:
        if event.pgh_label != "changed":
            return []
        diff = event.pgh_diff or {}
        entry, status = dict(Tool.Pricing.choices), dict(Tool.Status.choices)
        found = []
        if "pricing_entry" in diff:
            old, new = (entry.get(value, value) for value in diff["pricing_entry"])
            found.append(("Entry price", _arrow(old, new), PRICING))
        if "pricing_detail" in diff:
            old, new = (f"“{value or 'none'}”" for value in diff["pricing_detail"])
            found.append(("Pricing", _arrow(old, new), PRICING))
        if "category_id" in diff:
            gone = "a category since removed"
            old, new = (self.categories.get(pk, gone) for pk in diff["category_id"])
            found.append(("Category", _arrow(old, new), LISTING))
        if "name" in diff:
            found.append(("Name", _arrow(*diff["name"]), LISTING))
        if "status" in diff:
            old, new = (status.get(value, value) for value in diff["status"])
            found.append(("Status", _arrow(old, new), LISTING))
        return [self._change(event, subject, what, kind) for subject, what, kind in found]

    def seat(self, event: Events) -> list[Change]:
        diff = event.pgh_diff or {}
        if event.pgh_label != "changed":
            return []
        if "name" in diff:
            what = f"renamed {_arrow(*diff['name'])}"
        elif event.pgh_data["is_active"]:
            what = "back on the panel"
        else:
            what = "retired from the panel"
        return [self._change(event, event.pgh_data["name"], what, SEAT)]


_REVIEWS = ReviewEvent._meta.label
_READERS = {
    _REVIEWS: "review",
    ToolCallEvent._meta.label: "calls",
    ToolEvent._meta.label: "listing",
    PersonaEvent._meta.label: "seat",
}


def _tool_id(event: Events) -> int | None:
    if event.pgh_model == _REVIEWS:
        return event.pgh_data["tool_id"]
    if event.pgh_obj_model == Tool._meta.label:
        return int(event.pgh_obj_id)
    return None


# Changes made in one transaction share a time (PostgreSQL's now()), and the order of rows
# across event tables says nothing of which came first: at one time, a cause (a review, a
# price) is told before the call it flipped, and the rest keep the order they were read in.
_TOLD_FIRST = {REVIEW: 3, PRICING: 2, LISTING: 2, SEAT: 1, CALL: 0}


def newest_first(changes: Iterable[Change]) -> list[Change]:
    return sorted(
        reversed(list(changes)),
        key=lambda change: (change.at, _TOLD_FIRST.get(change.kind, 0)),
        reverse=True,
    )


def tool_events(tools: Iterable[Tool], *also) -> Events:
    """The events of these tools, their reviews, and of ``also`` (more event models that
    point at tools): one query."""
    return Events.objects.references(list(tools)).across(*TOOL_EVENTS, *also).order_by("pgh_id")


def tools_history(
    tools: Iterable[Tool], *, personas: Iterable[Persona] = (), events=None
) -> list[Change]:
    """Everything that moved these tools' verdicts or what they cost, newest first. One
    query, given the seats (a scorecard's) and, optionally, the events already read."""
    tools = list(tools)
    events = tool_events(tools) if events is None else events
    return _Reader(tools, personas).changes(e for e in events if e.pgh_model in _READERS)


def tool_history(tool: Tool, *, personas: Iterable[Persona] = ()) -> list[Change]:
    return tools_history([tool], personas=personas)


def changes_between(start: dt.datetime, end: dt.datetime | None = None) -> list[Change]:
    """Every change made from ``start`` (to ``end``), newest first: what moved this week."""
    events = Events.objects.across(*TOOL_EVENTS, PersonaEvent).filter(pgh_created_at__gte=start)
    if end is not None:
        events = events.filter(pgh_created_at__lt=end)
    return _Reader().changes(events.exclude(pgh_label=SNAPSHOT).order_by("pgh_id"))


def corrections() -> list[Change]:
    """Every change an editor marked as a correction, newest first."""
    events = Events.objects.across(*TOOL_EVENTS, PersonaEvent)
    marked = events.filter(pgh_context__has_key="correction").order_by("pgh_id")
    return [change for change in _Reader().changes(marked) if change.correction]


TIMELINE_DAYS = 90


def tool_timeline(tool: Tool) -> Timeline | None:
    """The tool's panel and community ship % over the last TIMELINE_DAYS days (its kept
    VerdictDay points), ending with the rates as they stand now."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=TIMELINE_DAYS)
    days = tool.verdict_days.filter(day__gte=start, day__lt=today).order_by("day")
    points = [(d.day, d.panel_pct, d.community_pct) for d in days]
    points.append((today, tool.panel_pct, tool.community_pct))
    return timeline(points)
