"""What changed in a comparison: its pick's record and its two tools' changes, in the one
query reviews.history makes for the tools (the pick's snapshots point at them too)."""

import datetime as dt
from dataclasses import dataclass

from comparisons.models import ComparisonEvent
from comparisons.sidebyside import Pair
from reviews.history import Change, tool_events, tools_history
from reviews.scorecard import ScorecardRow

CHANGES_SHOWN = 12


@dataclass(frozen=True)
class PickChange:
    at: dt.datetime
    winner: str | None  # the tool's name; None: too close to call
    reason: str


@dataclass(frozen=True)
class PairHistory:
    changes: list[Change]  # the tools', newest first
    picks: list[PickChange]  # the comparison's pick as recorded, newest first


def pair_history(pair: Pair, rows: list[ScorecardRow]) -> PairHistory:
    """``rows``: the pair's scorecard, whose seats name the reviews' authors."""
    events = list(tool_events(pair.tools, ComparisonEvent))
    comparison = pair.comparison
    names = {tool.pk: tool.name for tool in pair.tools}
    picks = []
    for event in reversed(events):
        if event.pgh_model != ComparisonEvent._meta.label or comparison is None:
            continue
        if int(event.pgh_obj_id) == comparison.pk:
            data = event.pgh_data
            winner = names.get(data["pick_winner_id"])
            picks.append(PickChange(event.pgh_created_at, winner, data["pick_reason"]))
    personas = [row.persona for row in rows]
    changes = tools_history(pair.tools, personas=personas, events=events)
    return PairHistory(changes=changes[:CHANGES_SHOWN], picks=picks[:CHANGES_SHOWN])
