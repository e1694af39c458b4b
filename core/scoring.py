"""The verdict math: pure functions over plain numbers.

No ORM and no request in here. Every page, email and feed that shows a panel
label, a ship percentage or a pick gets it from this module, so the numbers a
reader sees agree everywhere.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

SHIP = "Ship"
SKIP = "Skip"
SPLIT = "Split"
AWAITING = "Awaiting panel"
TOO_CLOSE = "Too close to call"
NO_VOTES = "No community votes yet"


def percent(part: int, whole: int) -> int | None:
    """``round(100 × part / whole)`` with halves rounded up, or None when whole is 0.

    Integer arithmetic, so 1 of 8 is 13% (Python's round() would say 12%).
    """
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def mean(total: int, count: int) -> int | None:
    """The mean of ``count`` whole numbers summing to ``total``, halves rounded up."""
    return percent(total, count * 100)


# z for a 95% confidence interval.
WILSON_Z = 1.96


def wilson_lower_bound(positive: int, total: int, z: float = WILSON_Z) -> float:
    """The lower bound of the Wilson score interval for ``positive`` of ``total``.

    Ranks by how sure we can be of a high share, so 1 ship of 1 vote ranks
    below 450 ships of 500. 0.0 with no votes.
    """
    if total <= 0:
        return 0.0
    p = positive / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (centre - spread) / (1 + z2 / total)


def lean(ships: int, skips: int) -> str | None:
    """Which way ships and skips lean: Ship, Skip or Split; None when there are neither."""
    if not ships and not skips:
        return None
    if ships > skips:
        return SHIP
    return SKIP if skips > ships else SPLIT


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True, slots=True)
class PanelVerdict:
    ships: int
    skips: int
    score_total: int

    @property
    def reviews(self) -> int:
        return self.ships + self.skips

    @property
    def ship_pct(self) -> int | None:
        return percent(self.ships, self.reviews)

    @property
    def mean_score(self) -> int | None:
        return mean(self.score_total, self.reviews)

    @property
    def label(self) -> str:
        return lean(self.ships, self.skips) or AWAITING

    @property
    def summary(self) -> str:
        """ "Ship · 3 ship / 1 skip", or "Awaiting panel"."""
        if not self.reviews:
            return AWAITING
        return f"{self.label} · {self.ships} ship / {self.skips} skip"


@dataclass(frozen=True, slots=True)
class CommunityVerdict:
    """The members' votes on a tool. ``min_votes`` is how many a ranking needs (at least one:
    a tool nobody voted on never ranks)."""

    ships: int
    skips: int
    min_votes: int = 1

    @property
    def votes(self) -> int:
        return self.ships + self.skips

    @property
    def needed(self) -> int:
        return max(self.min_votes, 1)

    @property
    def ranks(self) -> bool:
        """Whether there are votes enough for a community ranking to count the tool."""
        return self.votes >= self.needed

    @property
    def standing(self) -> str | None:
        """Why a community ranking leaves the tool out, or None when it counts it."""
        if not self.votes:
            return NO_VOTES
        if not self.ranks:
            return f"Not enough votes yet ({self.needed} needed)"
        return None

    @property
    def ship_pct(self) -> int | None:
        return percent(self.ships, self.votes)

    @property
    def majority(self) -> str | None:
        """Ship, Skip or Split by the votes; None with no votes."""
        return lean(self.ships, self.skips)

    @property
    def summary(self) -> str:
        """ "67% ship · 12 votes", or "No community votes yet"."""
        if not self.votes:
            return NO_VOTES
        return f"{self.ship_pct}% ship · {_plural(self.votes, 'vote')}"


def panel_verdict(*, ships: int, skips: int, score_total: int) -> PanelVerdict:
    if ships < 0 or skips < 0 or score_total < 0:
        raise ValueError("Counts cannot be negative.")
    return PanelVerdict(ships=ships, skips=skips, score_total=score_total)


def community_verdict(*, ships: int, skips: int, min_votes: int = 1) -> CommunityVerdict:
    if ships < 0 or skips < 0 or min_votes < 0:
        raise ValueError("Counts cannot be negative.")
    return CommunityVerdict(ships=ships, skips=skips, min_votes=min_votes)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One tool as the pick sees it: a name and its two verdicts."""

    name: str
    panel: PanelVerdict
    community: CommunityVerdict


@dataclass(frozen=True, slots=True)
class Pick:
    winner: Candidate | None
    reason: str

    @property
    def too_close(self) -> bool:
        return self.winner is None


def leader(values: Sequence[int | None]) -> int | None:
    """Which position holds the strictly highest value, as the pick reads one criterion: when
    a value is missing (no reviews, no votes) or the highest is shared, none leads."""
    if len(values) < 2 or any(v is None for v in values):
        return None
    best = max(values)
    at = [i for i, v in enumerate(values) if v == best]
    return at[0] if len(at) == 1 else None


# Each criterion: how the reason names it, and how to read its value off a candidate.
_CRITERIA = (
    ("panel ship rate", lambda c: c.panel.ship_pct, "%"),
    ("mean panel score", lambda c: c.panel.mean_score, "/100"),
    ("community ship rate", lambda c: c.community.ship_pct, "%"),
)


def pick(candidates: Sequence[Candidate]) -> Pick:
    """Which of two or more tools to ship with, and why, in one line.

    The criteria are tried in order: panel ship %, mean panel score, community
    ship %. A criterion decides when every candidate has a value for it and one
    value is strictly highest; a criterion some candidate lacks (no reviews, no
    votes) cannot separate them and is passed over. When none decides, the
    answer is "Too close to call".
    """
    if len(candidates) < 2:
        raise ValueError("A pick needs at least two candidates.")
    contenders = list(candidates)
    tied_on: list[str] = []
    for label, value_of, unit in _CRITERIA:
        values = [value_of(c) for c in contenders]
        if any(v is None for v in values):
            continue
        best = max(values)
        leaders = [c for c, v in zip(contenders, values, strict=True) if v == best]
        if len(leaders) == 1:
            others = " and ".join(f"{v}{unit}" for v in values if v != best)
            reason = f"Higher {label}: {best}{unit} against {others}"
            if tied_on:
                reason += f", with {' and '.join(tied_on)} level"
            return Pick(winner=leaders[0], reason=f"{reason}.")
        contenders = leaders
        tied_on.append(label)
    return Pick(winner=None, reason=_too_close_reason(tied_on))


def _too_close_reason(tied_on: list[str]) -> str:
    if not tied_on:
        return f"{TOO_CLOSE}: not enough reviews or votes to separate them yet."
    return f"{TOO_CLOSE}: level on {' and '.join(tied_on)}."
