"""The weights math on its own: parsing an address's weights, weighted verdicts, the pick."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.scoring import Candidate, community_verdict, panel_verdict, pick
from core.weights import (
    NO_SEAT_COUNTS,
    PANEL_WEIGHTS,
    Judgment,
    Weights,
    WeightsRefused,
    pick_weighted,
    weighted_panel,
    weights_of,
    weights_parse,
)

SEATS = ["builder", "skeptic", "futurist", "founder"]
NAMES = {"builder": "Builder", "skeptic": "Skeptic", "futurist": "Futurist", "founder": "Founder"}

judgments = st.lists(
    st.builds(Judgment, seat=st.sampled_from(SEATS), ship=st.booleans(), score=st.integers(0, 100)),
    max_size=4,
    unique_by=lambda j: j.seat,
)
weights = st.dictionaries(st.sampled_from(SEATS), st.integers(0, 3)).filter(
    lambda given: any(given.get(seat, 1) for seat in SEATS)
)


def unweighted(reviews):
    return panel_verdict(
        ships=sum(j.ship for j in reviews),
        skips=sum(not j.ship for j in reviews),
        score_total=sum(j.score for j in reviews),
    )


# Parsing


def test_weights_read_in_any_order_come_out_in_the_panels_order_without_the_ones():
    first = weights_parse(["founder:2,builder:1,futurist:0"], SEATS)
    again = weights_parse(["futurist:0", "builder:1", "founder:2"], SEATS)
    assert first == again
    assert first.canonical == "futurist:0,founder:2"
    assert first.describe(NAMES) == "Futurist ×0, Founder ×2"
    assert first.of("founder") == 2 and first.of("skeptic") == 1


def test_seat_names_and_spaces_are_forgiven():
    assert weights_parse([" Founder : 2 "], SEATS).canonical == "founder:2"


@pytest.mark.parametrize("values", [[], ["panel"], ["builder:1,founder:1"]])
def test_the_panels_own_weights(values):
    assert weights_parse(values, SEATS) == PANEL_WEIGHTS
    assert PANEL_WEIGHTS.is_panel and PANEL_WEIGHTS.canonical == "panel"
    assert PANEL_WEIGHTS.describe(NAMES) == ""


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (["founder"], "seat:weight"),
        (["founder:"], "seat:weight"),
        ([":2"], "seat:weight"),
        (["founder:two"], "seat:weight"),
        (["founder:-1"], "seat:weight"),
        (["founder:1.5"], "seat:weight"),
        (["founder:²"], "seat:weight"),
        (["founder:2,"], "seat:weight"),
        ([""], "seat:weight"),
        (["panel,founder:2"], "seat:weight"),
        (["founder:4"], "from 0 to 3"),
        (["founder:99999999999999999999"], "from 0 to 3"),
        (["dreamer:2"], "no seat called “dreamer”"),
        (["founder:2,founder:1"], "weighted twice"),
        (["builder:0,skeptic:0,futurist:0,founder:0"], NO_SEAT_COUNTS),
        (["x" * 401], "more weights"),
    ],
)
def test_junk_is_refused_with_a_reason(values, says):
    with pytest.raises(WeightsRefused, match=says):
        weights_parse(values, SEATS)


def test_a_seat_left_out_counts_once_so_all_zero_needs_every_seat():
    assert weights_parse(["builder:0,skeptic:0,futurist:0"], SEATS).of("founder") == 1


def test_weights_of_checks_like_the_parser():
    assert weights_of({"founder": 2}, SEATS).canonical == "founder:2"
    with pytest.raises(WeightsRefused):
        weights_of({"founder": 4}, SEATS)
    with pytest.raises(WeightsRefused):
        weights_of(dict.fromkeys(SEATS, 0), SEATS)


# Weighted verdicts


def test_a_weighted_verdict_counts_each_review_its_seats_weight_times():
    reviews = [
        Judgment("builder", True, 80),
        Judgment("skeptic", False, 40),
        Judgment("futurist", False, 90),
        Judgment("founder", True, 70),
    ]
    verdict = weighted_panel(reviews, weights_parse(["founder:2,futurist:0"], SEATS))
    assert (verdict.ships, verdict.skips, verdict.score_total) == (3, 1, 260)
    assert verdict.ship_pct == 75  # 3 of 4
    assert verdict.mean_score == 65  # (80 + 40 + 2·70) / 4
    assert verdict.label == "Ship"
    assert verdict.summary == "Ship · 3 ship / 1 skip, weighted"
    assert unweighted(reviews).label == "Split"  # the panel's own call differs


def test_weighted_mean_rounds_halves_up():
    reviews = [Judgment("builder", True, 80), Judgment("founder", True, 71)]
    verdict = weighted_panel(reviews, Weights())
    assert verdict.mean_score == 76  # 75.5
    verdict = weighted_panel(reviews, weights_parse(["founder:3"], SEATS))
    assert verdict.mean_score == 73  # (80 + 213) / 4 = 73.25


def test_only_seats_weighted_zero_leave_the_tool_awaiting_and_say_so():
    verdict = weighted_panel([Judgment("futurist", True, 90)], weights_parse(["futurist:0"], SEATS))
    assert verdict.ship_pct is None and verdict.mean_score is None
    assert verdict.label == "Awaiting panel"
    assert verdict.summary == "Awaiting panel: only seats weighted 0 have reviewed it"
    assert weighted_panel([], PANEL_WEIGHTS).summary == "Awaiting panel"


def test_a_score_out_of_range_is_refused():
    with pytest.raises(ValueError):
        weighted_panel([Judgment("builder", True, 101)], PANEL_WEIGHTS)


@given(judgments)
def test_every_weight_one_gives_the_panels_own_figures(reviews):
    for ones in (PANEL_WEIGHTS, weights_parse(["builder:1,skeptic:1"], SEATS)):
        verdict, plain = weighted_panel(reviews, ones), unweighted(reviews)
        assert (verdict.ships, verdict.skips, verdict.score_total) == (
            plain.ships,
            plain.skips,
            plain.score_total,
        )
        assert (verdict.ship_pct, verdict.mean_score, verdict.label) == (
            plain.ship_pct,
            plain.mean_score,
            plain.label,
        )


@given(judgments, weights)
def test_a_seat_weighted_zero_is_as_if_it_had_not_reviewed(reviews, given_weights):
    given_weights = {**given_weights, "futurist": 0}
    assume(any(given_weights.get(seat, 1) for seat in SEATS))
    zeroed = weights_of(given_weights, SEATS)
    without = [j for j in reviews if j.seat != "futurist"]
    verdict, other = weighted_panel(reviews, zeroed), weighted_panel(without, zeroed)
    assert (verdict.ship_pct, verdict.mean_score, verdict.label) == (
        other.ship_pct,
        other.mean_score,
        other.label,
    )


@given(judgments, weights, st.integers(2, 3))
def test_doubling_a_seat_is_counting_its_review_again(reviews, given_weights, times):
    """A seat at ×n weighs what n copies of its review at ×1 do."""
    base = {**given_weights, "builder": 1}
    scaled = {**given_weights, "builder": times}
    copies = reviews + [j for j in reviews if j.seat == "builder"] * (times - 1)
    by_weight = weighted_panel(reviews, weights_of(scaled, SEATS))
    by_copies = weighted_panel(copies, weights_of(base, SEATS))
    assert (by_weight.ships, by_weight.skips, by_weight.score_total) == (
        by_copies.ships,
        by_copies.skips,
        by_copies.score_total,
    )


# The pick


def candidate(name):
    return Candidate(
        name=name,
        panel=panel_verdict(ships=0, skips=0, score_total=0),
        community=community_verdict(ships=0, skips=0),
    )


def test_the_pick_follows_the_weights():
    alpha = [Judgment("builder", True, 90), Judgment("founder", False, 40)]
    beta = [Judgment("builder", False, 50), Judgment("founder", True, 85)]
    candidates = [candidate("Alpha"), candidate("Beta")]
    weighed, panels = pick_weighted(candidates, [alpha, beta], PANEL_WEIGHTS)
    assert panels.winner is weighed[1]
    assert panels.reason == (
        "Higher mean panel score: 68/100 against 65/100, with panel ship rate level."
    )
    founder = weights_parse(["founder:2"], SEATS)
    weighed, mine = pick_weighted(candidates, [alpha, beta], founder)
    assert mine.winner is weighed[1]
    assert mine.reason == "Higher panel ship rate: 67% against 33%."
    builder = weights_parse(["founder:0"], SEATS)
    weighed, theirs = pick_weighted(candidates, [alpha, beta], builder)
    assert theirs.winner is weighed[0]


def test_the_pick_with_every_weight_one_is_the_panels_pick():
    alpha = [Judgment("builder", True, 90), Judgment("skeptic", False, 40)]
    beta = [Judgment("builder", True, 70), Judgment("skeptic", False, 60)]
    plain = [
        Candidate(name=n, panel=unweighted(r), community=community_verdict(ships=1, skips=0))
        for n, r in [("Alpha", alpha), ("Beta", beta)]
    ]
    _, weighted = pick_weighted(plain, [alpha, beta], PANEL_WEIGHTS)
    assert weighted.reason == pick(plain).reason
