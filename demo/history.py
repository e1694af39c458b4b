"""A believable past for the demo data: the history a site that had been running for a few
months would have, written once, dated.

``demo_load`` writes the demo rows with the history's triggers held off (a whole catalogue
appearing at once is no history anyone would read). This then writes each demo row's first
snapshot, dated when it appeared, and a few changes since: a seat that changed its mind this
week (which flips the panel's call), a correction, a price that went up, a pick that moved.
It writes only what is not there yet, so loading the demo again changes nothing.
"""

import datetime as dt
import zlib

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from pghistory.models import Context

from comparisons.models import Comparison, ComparisonEvent
from comparisons.services import picks_record
from core.scoring import lean
from reviews.models import Persona, PersonaEvent, Review, ReviewEvent
from tools.models import Tool, ToolCallEvent, ToolEvent, VerdictDay
from tools.services import verdict_days_record

# The scripted changes: (tool, seat) whose review moved, what it was, and how long ago.
CHANGED_MIND = ("pinecone", "skeptic", {"score": 72, "call": "ship"}, 4)  # Ship → Split
CORRECTED = (
    "cursor",
    "builder",
    {"score": 68},
    11,
    "The Builder's score was entered as 68; the review gave it 88.",
)
PRICE_WENT_UP = ("elevenlabs", {"pricing_entry": "free", "pricing_detail": "Free while in beta"}, 3)
PICK_MOVED = (("langfuse", "braintrust"), 2)  # the pick went to the first from the second
TIMELINE_DAYS = 56


def _insert(model: type[Model], rows: list[dict]) -> None:
    """Write event rows as given, dates included (the ORM would stamp them with now)."""
    if not rows:
        return
    columns = list(rows[0])
    table = model._meta.db_table
    names = ", ".join(f'"{column}"' for column in columns)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):  # one statement a batch, in the order given
            batch = rows[start : start + 500]
            values = ", ".join([marks] * len(batch))
            params = [row[column] for row in batch for column in columns]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", params)


def _event(at: dt.datetime, label: str, obj_id: int, context=None, **fields) -> dict:
    return {
        "pgh_created_at": at,
        "pgh_label": label,
        "pgh_obj_id": obj_id,
        "pgh_context_id": context,
        **fields,
    }


def _appeared(tool: Tool) -> dt.datetime:
    return tool.published_at or timezone.now()


def demo_history_write() -> int:
    """Write the demo's past where it has none; returns how many events were written."""
    now = timezone.now()
    written = 0
    tools = {tool.slug: tool for tool in Tool.objects.all()}
    reviews = list(Review.objects.select_related("tool", "persona"))
    scripted = {
        (CHANGED_MIND[0], CHANGED_MIND[1]): CHANGED_MIND,
        (CORRECTED[0], CORRECTED[1]): CORRECTED,
    }

    with_events = set(ToolEvent.objects.values_list("pgh_obj_id", flat=True))
    fresh_tools = [tool for tool in tools.values() if tool.pk not in with_events]
    reviewed = set(ReviewEvent.objects.values_list("pgh_obj_id", flat=True))
    fresh_reviews = [review for review in reviews if review.pk not in reviewed]
    seated = set(PersonaEvent.objects.values_list("pgh_obj_id", flat=True))
    earliest = min((_appeared(tool) for tool in tools.values()), default=now)

    persona_rows = [
        _event(
            earliest - dt.timedelta(days=30), "snapshot", p.pk, name=p.name, is_active=p.is_active
        )
        for p in Persona.objects.exclude(pk__in=seated)
    ]
    _insert(PersonaEvent, persona_rows)
    written += len(persona_rows)

    # Each tool as it was listed: its price then (one went up since) and its counts then.
    price = {PRICE_WENT_UP[0]: PRICE_WENT_UP}
    tool_rows, call_rows = [], []
    for tool in fresh_tools:
        listing = {
            "name": tool.name,
            "category_id": tool.category_id,
            "status": tool.status,
            "pricing_entry": tool.pricing_entry,
            "pricing_detail": tool.pricing_detail,
        }
        if tool.slug in price:
            _, before, days = price[tool.slug]
            tool_rows.append(_event(_appeared(tool), "snapshot", tool.pk, **{**listing, **before}))
            tool_rows.append(_event(now - dt.timedelta(days=days), "changed", tool.pk, **listing))
        else:
            tool_rows.append(_event(_appeared(tool), "snapshot", tool.pk, **listing))
    # Reviews as first written, the scripted ones with what they said before they changed.
    context_ids = {}
    review_rows = []
    counts_before: dict[int, tuple[int, int]] = {}
    for review in fresh_reviews:
        fields = {
            "tool_id": review.tool_id,
            "persona_id": review.persona_id,
            "score": review.score,
            "call": review.call,
            "body": review.body,
        }
        written_at = _appeared(review.tool) + dt.timedelta(hours=review.persona.order)
        script = scripted.get((review.tool.slug, review.persona.slug))
        if script is None:
            review_rows.append(_event(written_at, "snapshot", review.pk, **fields))
            continue
        before, days = script[2], script[3]
        review_rows.append(_event(written_at, "snapshot", review.pk, **{**fields, **before}))
        context = None
        if len(script) > 4:
            context = Context.objects.create(metadata={"correction": script[4]}).pk
            context_ids[review.pk] = context
        changed_at = now - dt.timedelta(days=days)
        review_rows.append(_event(changed_at, "changed", review.pk, context, **fields))
        if before.get("call", review.call) != review.call:
            ships, skips = (1, -1) if before["call"] == "ship" else (-1, 1)
            counts_before[review.tool_id] = (ships, skips, changed_at, context)
    for tool in fresh_tools:
        counts = {
            "panel_ships": tool.panel_ships,
            "panel_skips": tool.panel_skips,
            "community_ships": tool.community_ships,
            "community_skips": tool.community_skips,
        }
        if tool.pk in counts_before:
            ships, skips, changed_at, context = counts_before[tool.pk]
            then = {
                **counts,
                "panel_ships": tool.panel_ships + ships,
                "panel_skips": tool.panel_skips + skips,
            }
            call_rows.append(_event(_appeared(tool), "snapshot", tool.pk, **then))
            if lean(then["panel_ships"], then["panel_skips"]) != lean(
                tool.panel_ships, tool.panel_skips
            ):
                call_rows.append(_event(changed_at, "calls-flipped", tool.pk, context, **counts))
        else:
            call_rows.append(_event(_appeared(tool), "snapshot", tool.pk, **counts))
    _insert(ToolEvent, tool_rows)
    _insert(ReviewEvent, review_rows)
    _insert(ToolCallEvent, call_rows)
    written += len(tool_rows) + len(review_rows) + len(call_rows)

    written += _picks_write(now, tools)
    _dates_write(fresh_tools)
    _timelines_write(fresh_tools, now)
    return written


def _picks_write(now: dt.datetime, tools: dict[str, Tool]) -> int:
    """Each comparison's pick as first recorded when it was published; one moved since."""
    picks_record()  # the picks as the demo's votes left them
    recorded = set(ComparisonEvent.objects.values_list("pgh_obj_id", flat=True))
    (first, second), days = PICK_MOVED
    rows = []
    for comparison in Comparison.objects.published().exclude(pk__in=recorded):
        if comparison.pick_since is None:
            continue
        fields = {
            "tool_a_id": comparison.tool_a_id,
            "tool_b_id": comparison.tool_b_id,
            "pick_winner_id": comparison.pick_winner_id,
            "pick_reason": comparison.pick_reason,
        }
        since = comparison.published_at
        moved = {comparison.tool_a_id, comparison.tool_b_id} == {tools[first].pk, tools[second].pk}
        if moved and comparison.pick_winner_id == tools[first].pk:
            before = {**fields, "pick_winner_id": tools[second].pk}
            before["pick_reason"] = "Higher community ship rate, before the latest votes came in."
            rows.append(_event(since, "pick-changed", comparison.pk, **before, pick_since=since))
            since = now - dt.timedelta(days=days)
        rows.append(_event(since, "pick-changed", comparison.pk, **fields, pick_since=since))
        Comparison.objects.filter(pk=comparison.pk).update(pick_since=since)
    _insert(ComparisonEvent, rows)
    return len(rows)


def _dates_write(tools: list[Tool]) -> None:
    """Each tool's panel verdict dated by its newest review event."""
    for tool in tools:
        newest = ReviewEvent.objects.filter(tool_id=tool.pk).order_by("-pgh_created_at").first()
        if newest is not None:
            Tool.objects.filter(pk=tool.pk).update(verdict_updated_at=newest.pgh_created_at)


def _timelines_write(tools: list[Tool], now: dt.datetime) -> None:
    """Eight weeks of daily points: the panel as it stood, the community drifting to today."""
    today = timezone.localdate()
    points = []
    for tool in tools:
        if tool.status != Tool.Status.PUBLISHED:
            continue
        wobble = zlib.crc32(tool.slug.encode()) % 7
        for back in range(TIMELINE_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            drift = round((back / TIMELINE_DAYS) * (wobble - 3) * 4)
            community = tool.community_pct
            if community is not None:
                community = max(0, min(100, community + drift))
            points.append(
                VerdictDay(tool=tool, day=day, panel_pct=tool.panel_pct, community_pct=community)
            )
    VerdictDay.objects.bulk_create(points, ignore_conflicts=True)
    verdict_days_record()
