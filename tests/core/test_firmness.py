"""How firm a verdict is: shared ranks, and what would change a community call or a pick.

Each claim is checked the way a reader would check it: apply the change the page names and
run the rule again; the call or the pick moves, and with one vote, point or call fewer it
does not.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.scoring import (
    CALL,
    CALL_AND_SCORE,
    MAX_VOTES_LOOKED_FOR,
    SCORE,
    SHIP,
    SKIP,
    SPLIT,
    VOTES,
    Candidate,
    CommunityVerdict,
    PanelVerdict,
    SeatCall,
    call_changes,
    call_firmness,
    community_verdict,
    confidence_level,
    lean,
    pick,
    pick_changes,
    rank_labels,
    shared_ranks,
    wilson_lower_bound,
    wilson_upper_bound,
)

counts = st.integers(min_value=0, max_value=400)


def test_the_interval_is_95_percent_and_holds_the_share():
    assert round(confidence_level(), 4) == 0.95
    assert wilson_upper_bound(0, 0) == 1.0 and wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(450, 500) < 0.9 < wilson_upper_bound(450, 500)
    assert wilson_upper_bound(10, 10) == pytest.approx(1.0)
    assert wilson_lower_bound(0, 10) == pytest.approx(0.0, abs=1e-12)


@given(counts, counts)
def test_the_interval_brackets_the_share(ships, skips):
    votes = ships + skips
    lower, upper = community_verdict(ships=ships, skips=skips).interval
    share = ships / votes if votes else 0.5
    assert 0 <= lower <= share + 1e-9 and share - 1e-9 <= upper <= 1 + 1e-9


@given(st.lists(st.tuples(counts, counts), max_size=12))
def test_shared_ranks_never_put_a_tool_above_one_surely_ahead_of_it(tallies):
    intervals = [community_verdict(ships=a, skips=b).interval for a, b in tallies]
    ranks = shared_ranks(intervals)
    for mine, (_, upper) in zip(ranks, intervals, strict=True):
        for theirs, (lower, _) in zip(ranks, intervals, strict=True):
            if lower > upper:  # they are surely ahead of me
                assert theirs < mine
    for rank in ranks:  # a rank is earned: as many tools are surely ahead as it says
        assert 1 <= rank <= len(ranks)


def test_overlapping_intervals_share_a_rank_and_say_so():
    sure, close_a, close_b, behind = (450, 50), (30, 10), (28, 12), (5, 95)
    tallies = [sure, close_a, close_b, behind]
    intervals = [community_verdict(ships=s, skips=k).interval for s, k in tallies]
    ranks = shared_ranks(intervals)
    assert ranks == [1, 2, 2, 4]
    assert rank_labels(ranks) == ["1", "=2", "=2", "4"]


@pytest.mark.parametrize(
    ("ships", "skips", "expected"),
    [
        (0, 0, []),
        (1, 0, [(1, SKIP, SPLIT), (2, SKIP, SKIP)]),
        (0, 1, [(1, SHIP, SPLIT), (2, SHIP, SHIP)]),
        (3, 3, [(1, SHIP, SHIP), (1, SKIP, SKIP)]),
        (10, 7, [(3, SKIP, SPLIT), (4, SKIP, SKIP)]),
    ],
)
def test_what_would_change_the_community_call_at_the_edges(ships, skips, expected):
    assert [(c.votes, c.side, c.becomes) for c in call_changes(ships, skips)] == expected


def test_the_call_says_what_would_change_it_in_words():
    assert call_firmness(7, 4) == (
        "4 more skip votes would make the community call Skip; 3 would split it."
    )
    assert call_firmness(0, 1) == (
        "2 more ship votes would make the community call Ship; 1 would split it."
    )
    assert call_firmness(2, 2) == "One more vote either way would decide the community call."
    assert call_firmness(0, 0) == ""
    assert community_verdict(ships=7, skips=4).firmness == call_firmness(7, 4)


def _more(ships: int, skips: int, side: str, votes: int) -> tuple[int, int]:
    return (ships + votes, skips) if side == SHIP else (ships, skips + votes)


@given(counts, counts)
def test_the_votes_named_change_the_call_and_one_fewer_does_not(ships, skips):
    before = lean(ships, skips)
    for change in call_changes(ships, skips):
        assert lean(*_more(ships, skips, change.side, change.votes)) == change.becomes
        assert lean(*_more(ships, skips, change.side, change.votes - 1)) != change.becomes
        assert change.becomes != before


# The pick's what-ifs -----------------------------------------------------------------------

SEATS = ("Builder", "Skeptic", "Futurist", "Founder")
seat_reviews = st.lists(
    st.tuples(st.integers(min_value=0, max_value=100), st.booleans()), min_size=0, max_size=4
)


def _candidate(name, reviews, votes):
    ships = sum(1 for _, shipped in reviews if shipped)
    panel = PanelVerdict(
        ships=ships, skips=len(reviews) - ships, score_total=sum(score for score, _ in reviews)
    )
    return Candidate(name=name, panel=panel, community=CommunityVerdict(*votes))


def _seats(reviews):
    return [SeatCall(SEATS[i], score, shipped) for i, (score, shipped) in enumerate(reviews)]


def _applied(candidates, change, amount):
    """The candidates with ``amount`` of ``change`` made by hand, as a reader would."""
    c = candidates[change.index]
    panel, community = c.panel, c.community
    if change.kind == SCORE:
        panel = PanelVerdict(panel.ships, panel.skips, panel.score_total + amount)
    elif change.kind == CALL_AND_SCORE:  # the seats turned, and the points one fewer or more
        turned = len(change.seats)
        panel = PanelVerdict(panel.ships + turned, panel.skips - turned, panel.score_total + amount)
    elif change.kind == CALL:
        panel = PanelVerdict(panel.ships + amount, panel.skips - amount, panel.score_total)
    else:
        community = CommunityVerdict(community.ships + amount, community.skips)
    changed = Candidate(name=c.name, panel=panel, community=community)
    return [changed if i == change.index else other for i, other in enumerate(candidates)]


def _picked(candidates):
    chosen = pick(candidates).winner
    return next((i for i, c in enumerate(candidates) if c is chosen), None)


@given(st.lists(st.tuples(seat_reviews, st.tuples(counts, counts)), min_size=2, max_size=4))
def test_the_pick_changes_named_make_that_tool_the_pick_and_one_less_does_not(tools):
    candidates = [_candidate(f"T{i}", reviews, votes) for i, (reviews, votes) in enumerate(tools)]
    seats = [_seats(reviews) for reviews, _ in tools]
    winner = _picked(candidates)
    for change in pick_changes(candidates, seats):
        assert change.index != winner and change.amount >= 1
        assert _picked(_applied(candidates, change, change.amount)) == change.index
        assert _picked(_applied(candidates, change, change.amount - 1)) != change.index
        if change.kind == SCORE:  # one seat's score, which cannot pass 100
            seat = next(s for s in seats[change.index] if s.seat == change.seats[0])
            assert seat.score + change.amount <= 100
        if change.kind == CALL:  # seats that called it skip, turned
            skipped = {s.seat for s in seats[change.index] if not s.ships}
            assert len(change.seats) == change.amount and set(change.seats) <= skipped
        if change.kind == VOTES:
            assert change.amount <= MAX_VOTES_LOOKED_FOR
        if change.kind == CALL_AND_SCORE:  # only when neither a score nor calls alone would do
            kinds = {c.kind for c in pick_changes(candidates, seats) if c.index == change.index}
            assert not kinds & {SCORE, CALL}
            skipping = [s for s in seats[change.index] if not s.ships]
            assert change.seats == tuple(s.seat for s in skipping[: len(change.seats)])
            assert skipping[len(change.seats) - 1].score + change.amount <= 100


def test_when_neither_a_score_nor_a_call_alone_would_do_it_says_both():
    """The demo's SmolVLM2 Turbo against Mistral 8x22B v2: four ships to three, and Mistral's
    one skip turned ship would still leave it behind on the mean (73 against 79)."""
    smol = [(85, True), (78, True), (82, True), (72, True)]
    mistral = [(82, True), (75, True), (78, True), (55, False)]
    candidates = [_candidate("SmolVLM2", smol, (0, 0)), _candidate("Mistral", mistral, (0, 0))]
    changes = pick_changes(candidates, [_seats(smol), _seats(mistral)])
    assert [c.text for c in changes] == [
        # 290 + 28 = 318 over four is 79.5, which rounds to 80 against 317's 79.25 (79).
        "Mistral would be the pick if Founder called it ship and scored it 28 points higher."
    ]


def test_the_pick_says_how_many_points_one_seat_would_need():
    # Level on ship rate (3 of 4 each); A leads on the mean, 80 against 75.
    a = [(80, True), (80, True), (80, True), (80, False)]
    b = [(60, True), (40, False), (100, True), (100, True)]
    candidates = [_candidate("Alpha", a, (5, 1)), _candidate("Beta", b, (1, 1))]
    changes = pick_changes(candidates, [_seats(a), _seats(b)])
    assert [change.text for change in changes] == [
        # 300 + 22 over four seats is 80.5, which rounds to 81; 21 more gives 80 and a tie,
        # which the community's 83% against 50% then gives to Alpha.
        "Beta would be the pick if Skeptic scored it 22 points higher.",
        "Beta would be the pick if Skeptic called it ship.",
    ]


def test_a_pick_the_panel_decides_cannot_be_changed_by_votes():
    # Alpha ships from both seats, Beta from one: only that seat turning can change it (Beta's
    # higher scores then decide), since scores and votes count only once ship rates are level.
    a = [(90, True), (90, True)]
    b = [(95, True), (95, False)]
    candidates = [_candidate("Alpha", a, (0, 0)), _candidate("Beta", b, (0, 0))]
    kinds = [change.kind for change in pick_changes(candidates, [_seats(a), _seats(b)])]
    assert kinds == [CALL]


def test_too_close_to_call_says_what_would_decide_it_for_each_tool():
    same = [(70, True), (70, False)]
    candidates = [_candidate("Alpha", same, (2, 2)), _candidate("Beta", same, (2, 2))]
    changes = pick_changes(candidates, [_seats(same), _seats(same)])
    assert pick(candidates).too_close
    assert {(c.name, c.kind, c.amount) for c in changes} == {
        ("Alpha", SCORE, 1), ("Alpha", CALL, 1), ("Alpha", VOTES, 1),
        ("Beta", SCORE, 1), ("Beta", CALL, 1), ("Beta", VOTES, 1),
    }  # fmt: skip
    assert "Alpha would be the pick with 1 more community ship vote." in [c.text for c in changes]
