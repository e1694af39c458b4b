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


def wilson_lower_bound(positive: int, total: int, z: float | None = None) -> float:
    """The lower bound of the Wilson score interval for ``positive`` of ``total``, ``z``
    standard errors wide (``WILSON_Z`` unless given, read when called).

    Ranks by how sure we can be of a high share, so 1 ship of 1 vote ranks
    below 450 ships of 500. 0.0 with no votes.
    """
    if total <= 0:
        return 0.0
    z = WILSON_Z if z is None else z
    p = positive / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (centre - spread) / (1 + z2 / total)


def wilson_upper_bound(positive: int, total: int, z: float | None = None) -> float:
    """The upper bound of the same interval: 1.0 with no votes (nothing is ruled out)."""
    if total <= 0:
        return 1.0
    return 1.0 - wilson_lower_bound(total - positive, total, z)


def confidence_level(z: float | None = None) -> float:
    """How sure an interval ``z`` standard errors either side is: 0.95 for 1.96."""
    return math.erf((WILSON_Z if z is None else z) / math.sqrt(2))


def shared_ranks(intervals: Sequence[tuple[float, float]]) -> list[int]:
    """A rank for each (lower, upper) interval that only says what the intervals support.

    A tool's rank is one more than the number of tools whose lower bound lies above its
    upper bound: those, and only those, are surely ahead of it. Tools whose intervals
    overlap may so share a rank, and a tool never ranks ahead of one it is surely behind.
    """
    return [1 + sum(1 for lower, _ in intervals if lower > upper) for _, upper in intervals]


def rank_labels(ranks: Sequence[int]) -> list[str]:
    """ "3", or "=3" for a rank two or more share."""
    return [f"={rank}" if ranks.count(rank) > 1 else str(rank) for rank in ranks]


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
    def preliminary(self) -> bool:
        """Whether there are votes, but fewer than a ranking needs: the figure may move a lot."""
        return 0 < self.votes < self.needed

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% Wilson interval of the ship share, as fractions: (0, 1) with no votes."""
        lower = wilson_lower_bound(self.ships, self.votes)
        upper = wilson_upper_bound(self.ships, self.votes)
        return max(lower, 0.0), min(upper, 1.0)  # 0 or 1 itself can come out a hair beyond

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
        """ "67% ship · 12 votes", "71% ship · Preliminary (7 of 10 votes)" below the minimum,
        or "No community votes yet"."""
        if not self.votes:
            return NO_VOTES
        return f"{self.ship_pct}% ship · {self.count}"

    @property
    def tally(self) -> str:
        """ "67% ship · 3 votes", unmarked however few: for a column of figures that a reader
        (an editor) knows the minimum of; empty with no votes."""
        return f"{self.ship_pct}% ship · {_plural(self.votes, 'vote')}" if self.votes else ""

    @property
    def count(self) -> str:
        """ "12 votes", or "Preliminary (7 of 10 votes)" below the minimum."""
        if self.preliminary:
            return f"Preliminary ({self.votes} of {self.needed} votes)"
        return _plural(self.votes, "vote")

    @property
    def changes(self) -> list["CallChange"]:
        """The fewest more votes that would change the call, each way it can turn."""
        return call_changes(self.ships, self.skips)

    @property
    def firmness(self) -> str:
        """What would change the call, in a sentence; empty with no votes."""
        return call_firmness(self.ships, self.skips)


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

# The pick's criteria by name, in the order it tries them (the methodology page lists them).
PICK_ORDER = tuple(label for label, _, _ in _CRITERIA)


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


# How firm a call is: the fewest more votes, points or calls that would turn it. Each
# what-if is found by running the very rule it is about (lean, pick) on the changed counts,
# so a sentence can never promise a change the rule would not make.

# The most more votes a what-if looks for; past it, votes alone are said not to be enough.
MAX_VOTES_LOOKED_FOR = 1_000_000


@dataclass(frozen=True, slots=True)
class CallChange:
    """``votes`` more votes on ``side`` would make the community call ``becomes``."""

    votes: int
    side: str
    becomes: str


def call_changes(ships: int, skips: int) -> list[CallChange]:
    """The fewest more votes that would change the call ``lean(ships, skips)``, each way it
    can turn: a Ship call turns Split and then Skip; a split turns with one vote either way.
    None with no votes: there is no call to change."""
    call = lean(ships, skips)
    if call is None:
        return []
    if call == SPLIT:
        return [CallChange(1, SHIP, SHIP), CallChange(1, SKIP, SKIP)]
    other = SKIP if call == SHIP else SHIP
    margin = abs(ships - skips)
    return [CallChange(margin, other, SPLIT), CallChange(margin + 1, other, other)]


def call_firmness(ships: int, skips: int) -> str:
    """ "3 more skip votes would make the community call Skip; 2 would split it." """
    changes = call_changes(ships, skips)
    if not changes:
        return ""
    if lean(ships, skips) == SPLIT:
        return "One more vote either way would decide the community call."
    split, turn = changes
    more = _plural(turn.votes, f"more {turn.side.lower()} vote")
    return f"{more} would make the community call {turn.becomes}; {split.votes} would split it."


@dataclass(frozen=True, slots=True)
class SeatCall:
    """One seat's review of a candidate, as the pick's what-ifs see it."""

    seat: str
    score: int
    ships: bool


SCORE, CALL, CALL_AND_SCORE, VOTES = "score", "call", "call and score", "votes"


@dataclass(frozen=True, slots=True)
class PickChange:
    """The smallest change of one ``kind`` that would make candidate ``index`` the pick:
    ``amount`` points more from ``seats[0]`` (SCORE), ``amount`` of ``seats`` calling it ship
    instead of skip (CALL), all of ``seats`` calling it ship and the last of them scoring it
    ``amount`` points higher (CALL_AND_SCORE, when neither alone would do), or ``amount``
    more community ship votes (VOTES)."""

    index: int
    name: str
    kind: str
    amount: int
    seats: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if self.kind == SCORE:
            points = _plural(self.amount, "point")
            return f"{self.name} would be the pick if {self.seats[0]} scored it {points} higher."
        if self.kind == CALL:
            who = self.seats[0] if self.amount == 1 else " and ".join(self.seats)
            return f"{self.name} would be the pick if {who} called it ship."
        if self.kind == CALL_AND_SCORE:
            who, points = " and ".join(self.seats), _plural(self.amount, "point")
            scorer = "" if len(self.seats) == 1 else f"{self.seats[-1]} "
            return (
                f"{self.name} would be the pick if {who} called it ship and {scorer}"
                f"scored it {points} higher."
            )
        votes = _plural(self.amount, "more community ship vote")
        return f"{self.name} would be the pick with {votes}."


def _winner_at(candidates: Sequence[Candidate]) -> int | None:
    chosen = pick(candidates).winner
    return next((i for i, c in enumerate(candidates) if c is chosen), None)


def _with(candidates: Sequence[Candidate], index: int, changed: Candidate) -> list[Candidate]:
    return [changed if i == index else c for i, c in enumerate(candidates)]


def _panel_plus(candidate: Candidate, *, points: int = 0, turned: int = 0) -> Candidate:
    panel = candidate.panel
    return Candidate(
        name=candidate.name,
        panel=PanelVerdict(
            ships=panel.ships + turned,
            skips=panel.skips - turned,
            score_total=panel.score_total + points,
        ),
        community=candidate.community,
    )


def _votes_plus(candidate: Candidate, ships: int) -> Candidate:
    community = candidate.community
    return Candidate(
        name=candidate.name,
        panel=candidate.panel,
        community=CommunityVerdict(
            ships=community.ships + ships, skips=community.skips, min_votes=community.min_votes
        ),
    )


def _fewest(wins, most: int) -> int | None:
    """The smallest n in 1..most for which ``wins(n)``, given that it stays true from there
    on (more points, calls or votes only ever help the candidate they go to)."""
    if most < 1 or not wins(most):
        return None
    low, high = 1, most
    while low < high:
        middle = (low + high) // 2
        if wins(middle):
            high = middle
        else:
            low = middle + 1
    return low


def pick_changes(
    candidates: Sequence[Candidate], seats: Sequence[Sequence[SeatCall]]
) -> list[PickChange]:
    """For each candidate the pick does not name, the smallest change of each kind that would
    make it the pick: one seat scoring it higher (the seat with the most room below 100),
    seats that skipped it calling it ship, or more community ship votes. ``seats`` holds each
    candidate's reviews, in the candidates' order. A kind that cannot do it alone is left out.
    """
    winner = _winner_at(candidates)
    changes = []
    for index, candidate in enumerate(candidates):
        if index != winner:
            changes += _changes_for(candidates, index, candidate, list(seats[index]))
    return changes


def _changes_for(
    candidates: Sequence[Candidate], index: int, candidate: Candidate, reviews: list[SeatCall]
) -> list[PickChange]:
    def wins(changed: Candidate) -> bool:
        return _winner_at(_with(candidates, index, changed)) == index

    changes = []
    if reviews:
        lowest = min(reviews, key=lambda review: review.score)
        points = _fewest(lambda n: wins(_panel_plus(candidate, points=n)), 100 - lowest.score)
        if points:
            changes.append(PickChange(index, candidate.name, SCORE, points, (lowest.seat,)))
    skipping = [review for review in reviews if not review.ships]
    skipped = tuple(review.seat for review in skipping)
    turned = _fewest(lambda n: wins(_panel_plus(candidate, turned=n)), len(skipped))
    if turned:
        changes.append(PickChange(index, candidate.name, CALL, turned, skipped[:turned]))
    elif not changes:  # neither alone: seats turning ship, the last of them scoring it higher
        for count in range(1, len(skipping) + 1):
            last = skipping[count - 1]
            points = _fewest(
                lambda n, count=count: wins(_panel_plus(candidate, points=n, turned=count)),
                100 - last.score,
            )
            if points:
                seats = skipped[:count]
                changes.append(PickChange(index, candidate.name, CALL_AND_SCORE, points, seats))
                break
    votes = _fewest(lambda n: wins(_votes_plus(candidate, n)), MAX_VOTES_LOOKED_FOR)
    if votes:
        changes.append(PickChange(index, candidate.name, VOTES, votes))
    return changes
