"""A reader's weights for the panel's seats, and the panel's verdict counted with them.

Pure, like core/scoring.py, which it builds on: plain strings and numbers in, no ORM and no
request. A reader may count a seat from 0 (not at all) to 3 times; a seat they don't name
counts once, as on the panel. In an address the weights read ``founder:2,futurist:0``: the
seats whose weight is not 1, in the panel's order (``canonical``); ``panel`` asks for the
panel's own weights by name.

A weighted verdict is the panel verdict with each review counted as many times as its
seat's weight: ship % = percent(Σ w·ship, Σ w), mean = Σ w·score / Σ w with halves rounded
up, and the label leans the way the weighted calls do. With every weight 1 it is the
panel's own verdict, to the number.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from core.scoring import AWAITING, Candidate, PanelVerdict, Pick, pick

MIN_WEIGHT = 0
MAX_WEIGHT = 3
PANEL = "panel"  # the panel's own weights, asked for by name
LONGEST = 400  # characters of weights read; a longer query is refused, not parsed

MALFORMED = "Weights read seat:weight, such as founder:2,futurist:0."
NO_SEAT_COUNTS = "With every seat at 0, no seat counts: give at least one seat a weight above 0."


class WeightsRefused(ValueError):
    """Weights we can't use; ``str()`` says why, in a sentence for the reader."""


class Judgment(NamedTuple):
    """One seat's review as the weighting reads it."""

    seat: str
    ship: bool
    score: int


@dataclass(frozen=True)
class Weights:
    """The weight of each seat that does not count once, in the panel's order."""

    changed: tuple[tuple[str, int], ...] = ()

    def of(self, seat: str) -> int:
        return dict(self.changed).get(seat, 1)

    @property
    def is_panel(self) -> bool:
        """Every seat counts once: the panel's own verdict."""
        return not self.changed

    @property
    def canonical(self) -> str:
        """The weights as an address spells them: ``futurist:0,founder:2``, or ``panel``."""
        return ",".join(f"{seat}:{weight}" for seat, weight in self.changed) or PANEL

    def describe(self, names: Mapping[str, str]) -> str:
        """ "Founder ×2, Futurist ×0", naming each seat as ``names`` does; "" for the panel's."""
        return ", ".join(f"{names.get(seat, seat)} ×{weight}" for seat, weight in self.changed)


PANEL_WEIGHTS = Weights()


def weights_of(given: Mapping[str, int], seats: Sequence[str]) -> Weights:
    """Weights from a weight per seat (seats left out count once), refused when a weight is
    out of range, a seat is not on the panel, or no seat would count."""
    unknown = [seat for seat in given if seat not in seats]
    if unknown:
        raise WeightsRefused(f"There is no seat called “{unknown[0][:40]}” on the panel.")
    for weight in given.values():
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise WeightsRefused(
                f"A seat's weight is a whole number from {MIN_WEIGHT} to {MAX_WEIGHT}."
            )
    if seats and all(given.get(seat, 1) == 0 for seat in seats):
        raise WeightsRefused(NO_SEAT_COUNTS)
    return Weights(tuple((seat, given[seat]) for seat in seats if given.get(seat, 1) != 1))


def weights_parse(values: Sequence[str], seats: Sequence[str]) -> Weights:
    """The weights an address names: each value ``seat:weight`` items separated by commas
    (or ``panel``), in any order, in one value or several; ``seats`` are the panel's slugs
    in its order. Nothing named is the panel's weights. Seat names are read in any case."""
    if sum(len(value) for value in values) > LONGEST:
        raise WeightsRefused("That's more weights than the panel has seats.")
    items = [item.strip() for value in values for item in value.split(",")]
    if items == [PANEL]:
        return PANEL_WEIGHTS
    given: dict[str, int] = {}
    for item in items:
        seat, colon, weight = item.partition(":")
        seat, weight = seat.strip().lower(), weight.strip()
        if not colon or not seat or not weight.isascii() or not weight.isdigit():
            raise WeightsRefused(MALFORMED)
        if seat in given:
            raise WeightsRefused(f"“{seat[:40]}” is weighted twice: give each seat one weight.")
        given[seat] = int(weight[:3])  # more digits are out of range anyway
    return weights_of(given, seats)


@dataclass(frozen=True, slots=True)
class WeightedPanelVerdict(PanelVerdict):
    """A panel verdict with each review counted as many times as its seat's weight: ships,
    skips and score_total are the weighted sums, so ship_pct, mean_score and label read as
    PanelVerdict's do. ``set_aside`` is how many reviews are by seats weighted 0."""

    set_aside: int = 0

    @property
    def summary(self) -> str:
        """ "Ship · 5 ship / 1 skip, weighted", or why there is nothing to show."""
        if self.reviews:
            return f"{self.label} · {self.ships} ship / {self.skips} skip, weighted"
        if self.set_aside:
            return f"{AWAITING}: only seats weighted 0 have reviewed it"
        return AWAITING


def weighted_panel(judgments: Iterable[Judgment], weights: Weights) -> WeightedPanelVerdict:
    """The panel's verdict on one tool from its seats' reviews, counted with ``weights``."""
    ships = skips = score_total = set_aside = 0
    for seat, ship, score in judgments:
        if not 0 <= score <= 100:
            raise ValueError("A score is a whole number from 0 to 100.")
        weight = weights.of(seat)
        if ship:
            ships += weight
        else:
            skips += weight
        score_total += weight * score
        set_aside += weight == 0
    return WeightedPanelVerdict(
        ships=ships, skips=skips, score_total=score_total, set_aside=set_aside
    )


def pick_weighted(
    candidates: Sequence[Candidate], judgments: Sequence[Iterable[Judgment]], weights: Weights
) -> tuple[list[Candidate], Pick]:
    """The pick made again with each candidate's panel verdict weighted (``judgments``: each
    candidate's reviews, in the candidates' order): the candidates as weighed, and the pick."""
    weighed = [
        replace(candidate, panel=weighted_panel(reviews, weights))
        for candidate, reviews in zip(candidates, judgments, strict=True)
    ]
    return weighed, pick(weighed)
