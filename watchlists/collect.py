"""Collecting alerts: the history's new events, turned into Alert rows for the followers of
what changed, then gathered into emails (AlertDelivery rows) for ``watchlists.sending``.

Each event table is read from a watermark (the last ``pgh_id`` collected) and, again, over
the last SETTLE: a change whose transaction committed after a later one had been collected
has a lower id than the watermark, and the second look catches it. An alert is unique per
follower and event, so reading an event twice writes it once; a follow made after a change
brings no alert of it. Runs take turns (an advisory lock), so two never batch one alert.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from pghistory.models import Events

from comparisons.models import Comparison, ComparisonEvent
from reviews.history import CALL, PRICING, REVIEW, tools_history
from reviews.models import Persona, ReviewEvent
from tools.models import Bookmark, Tool, ToolCallEvent, ToolEvent
from watchlists.models import (
    DEFAULT_FREQUENCY,
    Alert,
    AlertDelivery,
    AlertSetting,
    Follow,
    Follower,
    Frequency,
    Kind,
    Watermark,
)

SETTLE = dt.timedelta(minutes=5)
SOURCES = {
    "review": ReviewEvent,
    "tool-calls": ToolCallEvent,
    "tool": ToolEvent,
    "comparison": ComparisonEvent,
}
_LOCK = 0x7761_7463  # "watc": one collection or batching at a time
_KINDS = {REVIEW: Kind.REVIEW, CALL: Kind.CALL, PRICING: Kind.PRICE}


@dataclass(frozen=True)
class Found:
    """One change worth an alert, and whose followers hear of it."""

    kind: str
    text: str
    path: str
    at: dt.datetime
    source: str
    event_id: int
    tool_id: int | None = None
    comparison_id: int | None = None
    category_ids: tuple[int, ...] = ()
    persona_id: int | None = None


def _take_turns() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def _events(source: str) -> list[Events]:
    mark, _ = Watermark.objects.get_or_create(source=source)
    since = timezone.now() - SETTLE
    events = Events.objects.across(SOURCES[source]).filter(
        Q(pgh_id__gt=mark.last_id) | Q(pgh_created_at__gte=since)
    )
    events = list(events.exclude(pgh_label="snapshot").order_by("pgh_id"))
    if events:
        Watermark.objects.filter(source=source, last_id__lt=events[-1].pgh_id).update(
            last_id=events[-1].pgh_id
        )
    return events


def _with_note(text: str, correction: str) -> str:
    return f"{text} (a correction: {correction})" if correction else text


def _tool_changes(source: str, events: list[Events], tools, personas) -> list[Found]:
    found = []
    for event in events:
        for change in tools_history(tools.values(), personas=personas, events=[event]):
            kind, tool = _KINDS.get(change.kind), change.tool
            if kind is None or tool is None or not tool.is_live:
                continue
            rewritten = not {"score", "call"} & set(event.pgh_diff or {})
            if kind == Kind.REVIEW and event.pgh_label == "changed" and rewritten:
                continue  # only the reasons were rewritten
            text = _with_note(f"{tool.name} · {change.line}", change.correction)
            found.append(
                Found(kind, text, tool.get_absolute_url(), change.at, source, event.pgh_id, tool.pk)
            )
            if source == "review" and event.pgh_label == "added":
                seat = change.subject
                found.append(
                    Found(
                        Kind.PERSONA_REVIEW,
                        f"{seat} reviewed {tool.name}: {change.what.removeprefix('reviewed it: ')}",
                        tool.get_absolute_url(),
                        change.at,
                        source,
                        event.pgh_id,
                        persona_id=event.pgh_data["persona_id"],
                    )
                )
            break  # one alert an event: its first change says it
    return found


def _comparison_changes(events: list[Events]) -> list[Found]:
    ids = {int(e.pgh_obj_id) for e in events}
    comparisons = Comparison.objects.published().with_tools().in_bulk(ids)
    found = []
    for event in events:
        comparison = comparisons.get(int(event.pgh_obj_id))
        if comparison is None:
            continue
        title = f"{comparison.tool_a.name} vs {comparison.tool_b.name}"
        path, at = comparison.get_absolute_url(), event.pgh_created_at
        if event.pgh_diff is None:  # its first pick: the comparison has just gone up
            categories = tuple({t.category_id for t in comparison.tools})
            text = f"New comparison: {title}"
            found.append(
                Found(
                    Kind.NEW_COMPARISON,
                    text,
                    path,
                    at,
                    "comparison",
                    event.pgh_id,
                    category_ids=categories,
                )
            )
        elif "pick_winner_id" in event.pgh_diff:
            names = {tool.pk: tool.name for tool in comparison.tools}
            winner = names.get(event.pgh_data["pick_winner_id"])
            before = names.get(event.pgh_diff["pick_winner_id"][0])
            old = before or "too close to call"
            new = winner or "too close to call"
            text = f"{title} · the pick: {old} → {new}"
            found.append(
                Found(
                    Kind.PICK,
                    text,
                    path,
                    at,
                    "comparison",
                    event.pgh_id,
                    comparison_id=comparison.pk,
                )
            )
    return found


def changes_found() -> list[Found]:
    """Every change since the watermarks (and over the last SETTLE) worth an alert."""
    read = {source: _events(source) for source in SOURCES}
    tool_events = [e for source in ("review", "tool-calls", "tool") for e in read[source]]
    tool_ids = {
        e.pgh_data["tool_id"] if e.pgh_model == ReviewEvent._meta.label else int(e.pgh_obj_id)
        for e in tool_events
    }
    tools = Tool.objects.in_bulk(tool_ids)
    personas = list(Persona.objects.all()) if read["review"] else []
    found = []
    for source in ("review", "tool-calls", "tool"):
        found += _tool_changes(source, read[source], tools, personas)
    return found + _comparison_changes(read["comparison"])


def _followers_of(found: list[Found]) -> dict[Found, list[tuple[int, dt.datetime]]]:
    """Each change's followers, with when each began to follow."""
    tool_ids = {f.tool_id for f in found if f.tool_id}
    follows = Follow.objects.filter(
        Q(tool__in=tool_ids)
        | Q(comparison__in={f.comparison_id for f in found if f.comparison_id})
        | Q(category__in={c for f in found for c in f.category_ids})
        | Q(persona__in={f.persona_id for f in found if f.persona_id})
    )
    by_target = defaultdict(dict)
    stopped = set()  # (follower, tool): unfollowed, though perhaps bookmarked
    for follow in follows.values("follower", "active", "confirmed_at", *_TARGET_IDS):
        key = next((name, follow[name]) for name in _TARGET_IDS if follow[name])
        if not follow["active"] and key[0] == "tool_id":
            stopped.add((follow["follower"], key[1]))
        if follow["active"] and follow["confirmed_at"]:
            by_target[key][follow["follower"]] = follow["confirmed_at"]
    for follower, tool_id, since in _bookmarkers(tool_ids):
        if (follower, tool_id) not in stopped:
            known = by_target[("tool_id", tool_id)].get(follower, since)
            by_target[("tool_id", tool_id)][follower] = min(known, since)
    followers = {}
    for change in found:
        keys = [
            ("tool_id", change.tool_id),
            ("comparison_id", change.comparison_id),
            ("persona_id", change.persona_id),
            *(("category_id", c) for c in change.category_ids),
        ]
        merged = {}
        for key in keys:
            merged |= by_target.get(key, {})
        followers[change] = list(merged.items())
    return followers


_TARGET_IDS = ("tool_id", "comparison_id", "category_id", "persona_id")


def _bookmarkers(tool_ids) -> list[tuple[int, int, dt.datetime]]:
    """(follower, tool, since) for every active member who bookmarked one of the tools;
    members who never followed anything get their Follower row here."""
    bookmarks = list(
        Bookmark.objects.filter(tool__in=tool_ids, member__is_active=True).values_list(
            "member", "tool", "created_at"
        )
    )
    members = {member for member, _, _ in bookmarks}
    Follower.objects.bulk_create(
        [Follower(member_id=member) for member in members], ignore_conflicts=True
    )
    ids = dict(Follower.objects.filter(member__in=members).values_list("member", "pk"))
    return [(ids[member], tool, since) for member, tool, since in bookmarks]


def frequencies(follower_ids) -> dict[tuple[int, str], str]:
    """Every chosen setting of these followers; ``frequency_of`` fills in the defaults."""
    rows = AlertSetting.objects.filter(follower__in=follower_ids)
    return {(r.follower_id, r.kind): r.frequency for r in rows}


def frequency_of(chosen: dict, follower_id: int, kind: str) -> str:
    return chosen.get((follower_id, kind), DEFAULT_FREQUENCY[kind])


def alerts_write(found: list[Found]) -> int:
    followers = _followers_of(found)
    chosen = frequencies({f for pairs in followers.values() for f, _ in pairs})
    alerts = []
    for change, pairs in followers.items():
        for follower, since in pairs:
            frequency = frequency_of(chosen, follower, change.kind)
            if since > change.at or frequency == Frequency.NEVER:
                continue
            alerts.append(
                Alert(
                    follower_id=follower,
                    kind=change.kind,
                    frequency=frequency,
                    text=change.text[:500],
                    path=change.path,
                    at=change.at,
                    source=change.source,
                    event_id=change.event_id,
                )
            )
    return len(Alert.objects.bulk_create(alerts, ignore_conflicts=True))


def deliveries_gather(*, frequency: str) -> list[int]:
    """One email per follower with alerts waiting to go out at ``frequency``; an "at once"
    email at most once per ALERT_AT_ONCE_GAP per follower. Returns the new rows' ids."""
    waiting = Alert.objects.waiting().filter(frequency=frequency)
    followers = set(waiting.values_list("follower", flat=True))
    if frequency == Frequency.AT_ONCE:
        gap = dt.timedelta(seconds=settings.ALERT_AT_ONCE_GAP)
        recent = AlertDelivery.objects.filter(
            follower__in=followers, frequency=frequency, created_at__gt=timezone.now() - gap
        )
        followers -= set(recent.values_list("follower", flat=True))
    members = get_user_model().objects.filter(follower__in=followers, is_active=False)
    followers -= set(members.values_list("follower", flat=True))
    deliveries = AlertDelivery.objects.bulk_create(
        [AlertDelivery(follower_id=f, frequency=frequency) for f in sorted(followers)]
    )
    for delivery in deliveries:
        waiting.filter(follower=delivery.follower_id).update(delivery=delivery)
    return [delivery.pk for delivery in deliveries]


def alerts_collect() -> list[int]:
    """Write the alerts of every change since the last run and gather the "at once" ones
    into emails; the ids of the emails to send."""
    with transaction.atomic():
        _take_turns()
        alerts_write(changes_found())
        return deliveries_gather(frequency=Frequency.AT_ONCE)


def digests_gather(*, frequency: str) -> list[int]:
    with transaction.atomic():
        _take_turns()
        return deliveries_gather(frequency=frequency)
