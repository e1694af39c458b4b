import pytest

from core.scoring import (
    Candidate,
    community_verdict,
    mean,
    panel_verdict,
    percent,
    pick,
)


def candidate(name, *, ships=0, skips=0, score_total=0, votes_ship=0, votes_skip=0):
    return Candidate(
        name=name,
        panel=panel_verdict(ships=ships, skips=skips, score_total=score_total),
        community=community_verdict(ships=votes_ship, skips=votes_skip),
    )


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 0, None),
        (0, 1, 0),
        (1, 1, 100),
        (1, 3, 33),
        (2, 3, 67),
        (1, 8, 13),  # 12.5 rounds half up, not to even
        (3, 8, 38),  # 37.5
        (1, 200, 1),  # 0.5
        (1, 201, 0),  # 0.497…
        (3, 4, 75),
    ],
)
def test_percent_rounds_half_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_mean_rounds_half_up_and_is_none_without_scores():
    assert mean(0, 0) is None
    assert mean(317, 4) == 79  # 79.25
    assert mean(290, 4) == 73  # 72.5
    assert mean(85, 1) == 85


def test_panel_without_reviews_awaits_the_panel():
    verdict = panel_verdict(ships=0, skips=0, score_total=0)
    assert verdict.label == "Awaiting panel"
    assert verdict.summary == "Awaiting panel"
    assert verdict.ship_pct is None
    assert verdict.mean_score is None


@pytest.mark.parametrize(
    ("ships", "skips", "label", "pct", "summary"),
    [
        (4, 0, "Ship", 100, "Ship · 4 ship / 0 skip"),
        (3, 1, "Ship", 75, "Ship · 3 ship / 1 skip"),
        (2, 2, "Split", 50, "Split · 2 ship / 2 skip"),
        (1, 3, "Skip", 25, "Skip · 1 ship / 3 skip"),
        (0, 4, "Skip", 0, "Skip · 0 ship / 4 skip"),
        (1, 0, "Ship", 100, "Ship · 1 ship / 0 skip"),
        (0, 1, "Skip", 0, "Skip · 0 ship / 1 skip"),
        (1, 2, "Skip", 33, "Skip · 1 ship / 2 skip"),
    ],
)
def test_panel_label_percentage_and_summary(ships, skips, label, pct, summary):
    verdict = panel_verdict(ships=ships, skips=skips, score_total=70 * (ships + skips))
    assert verdict.label == label
    assert verdict.ship_pct == pct
    assert verdict.summary == summary
    assert verdict.mean_score == 70


def test_panel_mean_score_of_the_seed_tool():
    # SmolVLM2 Turbo: 85, 78, 82, 72.
    assert panel_verdict(ships=4, skips=0, score_total=317).mean_score == 79


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        panel_verdict(ships=-1, skips=0, score_total=0)
    with pytest.raises(ValueError):
        community_verdict(ships=0, skips=-2)


@pytest.mark.parametrize(
    ("ships", "skips", "summary", "pct", "majority"),
    [
        (0, 0, "No community votes yet", None, None),
        (1, 0, "100% ship · 1 vote", 100, "Ship"),
        (0, 1, "0% ship · 1 vote", 0, "Skip"),
        (8, 4, "67% ship · 12 votes", 67, "Ship"),
        (5, 5, "50% ship · 10 votes", 50, "Split"),
        (1, 2, "33% ship · 3 votes", 33, "Skip"),
    ],
)
def test_community_verdict(ships, skips, summary, pct, majority):
    verdict = community_verdict(ships=ships, skips=skips)
    assert verdict.summary == summary
    assert verdict.ship_pct == pct
    assert verdict.majority == majority
    assert verdict.votes == ships + skips


@pytest.mark.parametrize("min_votes", [0, 1, 2, 3, 10, 25])
@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2])
@pytest.mark.parametrize("ship_share", [0.0, 0.5, 1.0])
def test_community_standing_at_the_edges_of_the_minimum(min_votes, offset, ship_share):
    needed = max(min_votes, 1)  # a minimum of 0 still asks for one vote
    votes = max(needed + offset, 0)
    ships = round(votes * ship_share)
    verdict = community_verdict(ships=ships, skips=votes - ships, min_votes=min_votes)
    assert verdict.needed == needed
    assert verdict.ranks is (votes >= needed)
    if votes == 0:
        assert verdict.standing == "No community votes yet"
    elif votes < needed:
        assert verdict.standing == f"Not enough votes yet ({needed} needed)"
    else:
        assert verdict.standing is None
    # Below the minimum the figure is marked preliminary, with how far it is from counting.
    plain = community_verdict(ships=ships, skips=votes - ships)
    assert verdict.preliminary is (0 < votes < needed)
    if verdict.preliminary:
        assert verdict.summary == (
            f"{plain.ship_pct}% ship · Preliminary ({votes} of {needed} votes)"
        )
    else:
        assert verdict.summary == plain.summary


@pytest.mark.parametrize(
    ("ships", "skips", "min_votes", "standing"),
    [
        (0, 0, 10, "No community votes yet"),
        (1, 0, 10, "Not enough votes yet (10 needed)"),
        (6, 3, 10, "Not enough votes yet (10 needed)"),
        (0, 9, 10, "Not enough votes yet (10 needed)"),
        (7, 3, 10, None),
        (0, 10, 10, None),
        (0, 0, 1, "No community votes yet"),
        (0, 1, 1, None),
        (0, 0, 0, "No community votes yet"),
        (1, 0, 0, None),
    ],
)
def test_community_standing(ships, skips, min_votes, standing):
    assert community_verdict(ships=ships, skips=skips, min_votes=min_votes).standing == standing


def test_community_minimum_defaults_to_one_vote():
    assert community_verdict(ships=1, skips=0).ranks
    assert not community_verdict(ships=0, skips=0).ranks


def test_a_negative_minimum_is_refused():
    with pytest.raises(ValueError):
        community_verdict(ships=3, skips=0, min_votes=-1)


def test_pick_prefers_higher_panel_ship_rate():
    a = candidate("A", ships=4, score_total=317)
    b = candidate("B", ships=3, skips=1, score_total=290)
    result = pick([a, b])
    assert result.winner is a
    assert result.reason == "Higher panel ship rate: 100% against 75%."
    assert not result.too_close


def test_pick_order_of_candidates_does_not_matter():
    a = candidate("A", ships=1, skips=1, score_total=100)
    b = candidate("B", ships=2, skips=0, score_total=100)
    assert pick([a, b]).winner is b
    assert pick([b, a]).winner is b


def test_pick_falls_back_to_mean_score_when_ship_rates_tie():
    a = candidate("A", ships=4, score_total=300)
    b = candidate("B", ships=4, score_total=330)
    result = pick([a, b])
    assert result.winner is b
    assert result.reason == (
        "Higher mean panel score: 83/100 against 75/100, with panel ship rate level."
    )


def test_pick_falls_back_to_community_when_panel_ties():
    a = candidate("A", ships=2, skips=2, score_total=280, votes_ship=3, votes_skip=1)
    b = candidate("B", ships=2, skips=2, score_total=280, votes_ship=1, votes_skip=1)
    result = pick([a, b])
    assert result.winner is a
    assert result.reason == (
        "Higher community ship rate: 75% against 50%, "
        "with panel ship rate and mean panel score level."
    )


def test_pick_is_too_close_to_call_when_all_three_tie():
    a = candidate("A", ships=3, skips=1, score_total=300, votes_ship=2, votes_skip=2)
    b = candidate("B", ships=3, skips=1, score_total=300, votes_ship=5, votes_skip=5)
    result = pick([a, b])
    assert result.winner is None
    assert result.too_close
    assert result.reason == (
        "Too close to call: level on panel ship rate and mean panel score and community ship rate."
    )


def test_pick_without_any_reviews_or_votes_is_too_close_to_call():
    result = pick([candidate("A"), candidate("B")])
    assert result.too_close
    assert result.reason.startswith("Too close to call")


def test_pick_skips_a_criterion_one_tool_lacks():
    # B awaits its panel: the panel criteria cannot separate them, the community can.
    a = candidate("A", ships=4, score_total=320, votes_ship=1, votes_skip=3)
    b = candidate("B", votes_ship=3, votes_skip=1)
    result = pick([a, b])
    assert result.winner is b
    assert result.reason == "Higher community ship rate: 75% against 25%."


def test_pick_compares_percentages_as_readers_see_them():
    # 2 of 3 and 67 of 100 both read as 67%: the panel ship rate cannot separate them.
    a = candidate("A", ships=2, skips=1, score_total=240)
    b = candidate("B", ships=67, skips=33, score_total=7000)
    result = pick([a, b])
    assert result.winner is a
    assert result.reason == (
        "Higher mean panel score: 80/100 against 70/100, with panel ship rate level."
    )


def test_pick_among_several_narrows_to_the_leaders_before_the_next_criterion():
    a = candidate("A", ships=4, score_total=300)
    b = candidate("B", ships=4, score_total=340)
    c = candidate("C", ships=1, skips=3, score_total=395)  # best score, but a lower ship rate
    result = pick([a, b, c])
    assert result.winner is b
    assert result.reason == (
        "Higher mean panel score: 85/100 against 75/100, with panel ship rate level."
    )


def test_pick_needs_two_candidates():
    with pytest.raises(ValueError):
        pick([candidate("A")])
