"""Badges: the pure rules at their lines (core.badges), kept on the tool by the services that
move its counts, and shown on cards and tool pages with their rule in words."""

import html
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from core.badges import (
    BADGES,
    COMMUNITY_FAVOURITE,
    COMMUNITY_FAVOURITE_ENTRY,
    COMMUNITY_FAVOURITE_EXIT,
    COMMUNITY_FAVOURITE_MIN_VOTES,
    PANEL_FAVOURITE,
    PANEL_FAVOURITE_ENTRY_SCORE,
    PANEL_FAVOURITE_EXIT_SCORE,
    Standing,
    community_bound,
    held_now,
    holds,
)
from core.scoring import community_verdict, panel_verdict
from reviews.models import Call
from reviews.services import community_recount, panel_recount, review_save, vote_cast
from tests.factories import ReviewFactory, ToolFactory, UserFactory
from tools.models import Tool, badge_field
from tools.services import tool_badges_update


def standing(ships=0, skips=0, total=0, *, full=True, votes_ship=0, votes_skip=0) -> Standing:
    return Standing(
        panel=panel_verdict(ships=ships, skips=skips, score_total=total),
        community=community_verdict(ships=votes_ship, skips=votes_skip),
        panel_full=full,
    )


def panel_of_four(total: int, ships: int = 3, full: bool = True) -> Standing:
    """Four reviews with ``ships`` ships and scores summing to ``total``."""
    return standing(ships, 4 - ships, total, full=full)


# The panel's favourite, at its lines. The mean is the one the pages show (halves up).


def test_a_full_panel_three_in_four_ship_at_the_entry_score_earns_it():
    assert panel_of_four(4 * PANEL_FAVOURITE_ENTRY_SCORE).panel.mean_score == 80
    assert holds(PANEL_FAVOURITE, panel_of_four(320), held_before=False)


def test_a_mean_shown_as_the_entry_score_earns_it_though_it_is_a_shade_below():
    at = panel_of_four(318)  # 79.5, shown as 80/100: the rule reads what readers read
    assert at.panel.mean_score == 80 and holds(PANEL_FAVOURITE, at, held_before=False)


def test_just_below_the_entry_score_does_not_earn_it():
    below = panel_of_four(317)  # 79.25, shown as 79
    assert below.panel.mean_score == 79
    assert not holds(PANEL_FAVOURITE, below, held_before=False)


def test_two_in_four_ships_do_not_earn_it_however_high_the_scores():
    assert not holds(PANEL_FAVOURITE, panel_of_four(380, ships=2), held_before=False)


def test_a_panel_not_yet_full_does_not_earn_it():
    assert not holds(PANEL_FAVOURITE, standing(3, 0, 270, full=False), held_before=False)


def test_below_the_entry_score_but_at_the_exit_line_it_is_kept():
    at_exit = panel_of_four(4 * PANEL_FAVOURITE_EXIT_SCORE)
    assert at_exit.panel.mean_score == 75
    assert holds(PANEL_FAVOURITE, at_exit, held_before=True)
    assert not holds(PANEL_FAVOURITE, at_exit, held_before=False)


def test_just_below_the_exit_line_it_is_lost():
    below = panel_of_four(297)  # 74.25, shown as 74
    assert below.panel.mean_score == 74
    assert not holds(PANEL_FAVOURITE, below, held_before=True)


def test_fewer_than_three_in_four_ships_lose_it_whatever_the_score():
    assert not holds(PANEL_FAVOURITE, panel_of_four(360, ships=2), held_before=True)


def test_a_seat_added_since_does_not_take_it_away_until_it_reviews():
    waiting = standing(3, 1, 330, full=False)  # four of five seats have reviewed
    assert holds(PANEL_FAVOURITE, waiting, held_before=True)
    assert not holds(PANEL_FAVOURITE, standing(3, 2, 400, full=True), held_before=True)


def test_no_reviews_hold_no_panel_badge():
    assert not holds(PANEL_FAVOURITE, standing(full=True), held_before=True)


# The community's favourite: a minimum of votes and the Wilson bound of the ship share.


def votes(ships: int, skips: int = 0) -> Standing:
    return standing(votes_ship=ships, votes_skip=skips)


def test_enough_votes_sure_enough_of_ship_earn_it():
    ten = votes(COMMUNITY_FAVOURITE_MIN_VOTES)
    assert community_bound(ten.community) >= COMMUNITY_FAVOURITE_ENTRY / 100
    assert holds(COMMUNITY_FAVOURITE, ten, held_before=False)


def test_one_vote_short_of_the_minimum_does_not_earn_it_even_all_ship():
    nine = votes(COMMUNITY_FAVOURITE_MIN_VOTES - 1)
    assert community_bound(nine.community) >= COMMUNITY_FAVOURITE_ENTRY / 100
    assert not holds(COMMUNITY_FAVOURITE, nine, held_before=False)


def test_a_bound_just_below_the_entry_line_does_not_earn_it():
    near = votes(16, 2)
    assert COMMUNITY_FAVOURITE_EXIT / 100 <= community_bound(near.community) < 0.70
    assert not holds(COMMUNITY_FAVOURITE, near, held_before=False)
    assert holds(COMMUNITY_FAVOURITE, near, held_before=True)  # between the lines: kept


def test_a_bound_below_the_exit_line_loses_it():
    fallen = votes(15, 3)
    assert community_bound(fallen.community) < COMMUNITY_FAVOURITE_EXIT / 100
    assert not holds(COMMUNITY_FAVOURITE, fallen, held_before=True)


def test_no_votes_hold_no_community_badge():
    assert not holds(COMMUNITY_FAVOURITE, votes(0), held_before=True)


# The words, and the list the methodology reads.


def test_each_badge_says_its_numbers_in_its_words():
    assert f"{PANEL_FAVOURITE_ENTRY_SCORE}/100 or more" in PANEL_FAVOURITE.rule
    assert "3 in 4" in PANEL_FAVOURITE.rule and "3 in 4" in PANEL_FAVOURITE.exit
    assert f"below {PANEL_FAVOURITE_EXIT_SCORE}/100" in PANEL_FAVOURITE.exit
    assert f"at least {COMMUNITY_FAVOURITE_MIN_VOTES} members" in COMMUNITY_FAVOURITE.rule
    assert f"{COMMUNITY_FAVOURITE_ENTRY}% or more" in COMMUNITY_FAVOURITE.rule
    assert "95% confidence" in COMMUNITY_FAVOURITE.rule
    assert f"below {COMMUNITY_FAVOURITE_EXIT}%" in COMMUNITY_FAVOURITE.exit


def test_every_badge_has_a_name_words_and_a_column_on_the_tool():
    assert [badge.name for badge in BADGES] == ["Panel favourite", "Community favourite"]
    assert len({badge.key for badge in BADGES}) == len(BADGES)
    columns = {field.name for field in Tool._meta.fields}
    for badge in BADGES:
        assert badge.rule.endswith(".") and badge.exit.endswith(".")
        assert badge_field(badge) in columns


def test_the_exit_lines_sit_below_the_entry_lines():
    assert PANEL_FAVOURITE_EXIT_SCORE < PANEL_FAVOURITE_ENTRY_SCORE
    assert COMMUNITY_FAVOURITE_EXIT < COMMUNITY_FAVOURITE_ENTRY


def test_the_readme_states_the_lines_the_code_keeps():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert f"mean score is {PANEL_FAVOURITE_ENTRY_SCORE}/100 or more" in readme
    assert f"mean falls below {PANEL_FAVOURITE_EXIT_SCORE}/100" in readme
    assert f"at least {COMMUNITY_FAVOURITE_MIN_VOTES} members have voted" in readme
    assert f"is {COMMUNITY_FAVOURITE_ENTRY}% or more; kept until it falls below" in readme
    assert f"falls below {COMMUNITY_FAVOURITE_EXIT}%." in readme


def test_held_now_reads_every_badge():
    both = standing(4, 0, 360, votes_ship=30)
    assert held_now(both) == BADGES
    assert held_now(votes(16, 2), held_before=["community_favourite"]) == (COMMUNITY_FAVOURITE,)


# Properties over every verdict.

standings = st.builds(
    lambda ships, skips, scores, full, up, down: standing(
        ships, skips, min(scores, 100 * (ships + skips)), full=full, votes_ship=up, votes_skip=down
    ),
    st.integers(0, 8),
    st.integers(0, 8),
    st.integers(0, 800),
    st.booleans(),
    st.integers(0, 400),
    st.integers(0, 400),
)


@given(standings)
def test_whatever_earns_a_badge_keeps_it(verdict):
    for badge in BADGES:
        assert not badge.enters(verdict) or badge.stays(verdict)


@given(standings, st.booleans())
def test_holding_a_badge_before_never_makes_it_harder_to_hold(verdict, before):
    for badge in BADGES:
        assert holds(badge, verdict, False) <= holds(badge, verdict, True)
        now = holds(badge, verdict, before)
        assert holds(badge, verdict, now) == now  # recounting again changes nothing


@given(st.lists(standings, min_size=1, max_size=6))
def test_once_earned_a_badge_stays_while_the_tool_stays_above_the_exit_line(path):
    for badge in BADGES:
        held = False
        for verdict in path:
            was = held
            held = holds(badge, verdict, held)
            if was and badge.stays(verdict):
                assert held
            if not badge.stays(verdict):
                assert not held


# The badges on the tool row, through the services (``panel`` brings the database).


def review_all(tool, panel, scores, calls=None):
    calls = calls or [Call.SHIP] * len(scores)
    return [
        ReviewFactory(tool=tool, persona=persona, score=score, call=call)
        for persona, score, call in zip(panel, scores, calls, strict=False)
    ]


def test_a_tool_earns_the_panel_badge_as_its_reviews_come_in(panel):
    tool = ToolFactory()
    review_all(tool, panel[:3], [85, 85, 85])
    tool.refresh_from_db()
    assert tool.badges == ()  # three seats of four: not yet the whole panel
    review_all(tool, panel[3:], [70], [Call.SKIP])
    tool.refresh_from_db()
    assert tool.panel.mean_score == 81 and tool.badges == (PANEL_FAVOURITE,)


def test_a_tool_below_the_entry_line_but_above_the_exit_line_keeps_its_badge(panel):
    held, fresh = ToolFactory(), ToolFactory()
    calls = [Call.SHIP] * 3 + [Call.SKIP]
    reviews = review_all(held, panel, [85, 85, 85, 70], calls)
    review_all(fresh, panel, [70, 85, 85, 70], calls)
    reviews[0].score = 70  # the mean falls from 81 to 78: under the entry line, over the exit
    review_save(review=reviews[0])
    held.refresh_from_db()
    fresh.refresh_from_db()
    assert held.panel.mean_score == fresh.panel.mean_score == 78
    assert held.badges == (PANEL_FAVOURITE,)
    assert fresh.badges == ()  # the same reviews, never above the entry line


def test_a_tool_below_the_exit_line_loses_its_badge(panel):
    tool = ToolFactory()
    calls = [Call.SHIP] * 3 + [Call.SKIP]
    reviews = review_all(tool, panel, [85, 85, 85, 70], calls)
    reviews[0].score = 57  # 297 in all: a mean of 74
    review_save(review=reviews[0])
    tool.refresh_from_db()
    assert tool.panel.mean_score == 74 and tool.badges == ()


def test_a_seat_retired_or_added_recounts_the_badges(panel):
    from reviews.services import persona_save

    tool = ToolFactory()
    review_all(tool, panel[:3], [90, 90, 90])
    tool.refresh_from_db()
    assert tool.badges == ()  # the Founder has not reviewed it: not the full panel
    panel[3].is_active = False
    persona_save(persona=panel[3])
    tool.refresh_from_db()
    assert tool.panel_full and tool.badges == (PANEL_FAVOURITE,)


def test_votes_earn_keep_and_lose_the_community_badge(panel):
    tool, other = ToolFactory(), ToolFactory()
    members = [UserFactory() for _ in range(18)]
    for member in members[:17]:
        vote_cast(member=member, tool=tool, value=Call.SHIP)
    vote_cast(member=members[17], tool=tool, value=Call.SKIP)
    tool.refresh_from_db()
    assert tool.badges == (COMMUNITY_FAVOURITE,)  # 17 of 18
    vote_cast(member=members[0], tool=tool, value=Call.SKIP)  # 16 of 18: between the lines
    for member, value in zip(members, [Call.SKIP] * 2 + [Call.SHIP] * 16, strict=True):
        vote_cast(member=member, tool=other, value=value)
    tool.refresh_from_db()
    other.refresh_from_db()
    assert (tool.community_ships, other.community_ships) == (16, 16)
    assert tool.badges == (COMMUNITY_FAVOURITE,) and other.badges == ()
    vote_cast(member=members[1], tool=tool, value=Call.SKIP)  # 15 of 18: below the exit line
    tool.refresh_from_db()
    assert tool.badges == ()


def badge_writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "tools_tool" SET "badge_')]


def test_a_vote_writes_the_badges_only_when_it_moves_one(panel):
    tool = ToolFactory()
    members = [UserFactory() for _ in range(COMMUNITY_FAVOURITE_MIN_VOTES)]
    for member in members[:-1]:
        with CaptureQueriesContext(connection) as queries:
            vote_cast(member=member, tool=tool, value=Call.SHIP)
        assert badge_writes(queries) == []
    with CaptureQueriesContext(connection) as queries:
        vote_cast(member=members[-1], tool=tool, value=Call.SHIP)  # the tenth: it earns it
    assert len(badge_writes(queries)) == 1 and tool.badges == (COMMUNITY_FAVOURITE,)


def test_a_recount_puts_badges_that_drifted_right(panel):
    tool = ToolFactory()
    review_all(tool, panel, [90, 90, 90, 90])
    Tool.objects.filter(pk=tool.pk).update(badge_panel_favourite=False, community_ships=12)
    assert community_recount() == 1  # the counts drifted: put right, and the badges with them
    tool.refresh_from_db()
    assert tool.community_ships == 0 and tool.badges == (PANEL_FAVOURITE,)
    Tool.objects.filter(pk=tool.pk).update(badge_community_favourite=True)
    panel_recount()
    tool.refresh_from_db()
    assert tool.badges == (PANEL_FAVOURITE,)


def test_tool_badges_update_says_how_many_tools_moved(panel):
    tools = [ToolFactory(), ToolFactory()]
    Tool.objects.update(badge_panel_favourite=True)
    assert tool_badges_update(tool_ids=[tools[0].pk]) == 1
    assert tool_badges_update() == 1 and tool_badges_update() == 0


# On the page.


def test_the_card_shows_the_badge_with_its_rule_in_words(client: Client, panel):
    tool = ToolFactory(name="Starred", slug="starred")
    review_all(tool, panel, [88, 84, 90, 86])
    page = client.get("/tools/").content.decode()
    card = page[page.index('id="tool-starred"') :]
    card = card[: card.index("</article>")]
    assert "Panel favourite" in card and html.escape(PANEL_FAVOURITE.rule) in card
    assert PANEL_FAVOURITE.exit not in card  # the catalogue's cards are compact


def test_the_tool_page_says_how_the_badge_is_earned_and_lost(client: Client, panel):
    tool = ToolFactory(slug="starred")
    review_all(tool, panel, [88, 84, 90, 86])
    page = client.get("/tools/starred/").content.decode()
    assert html.escape(PANEL_FAVOURITE.rule) in page
    assert html.escape(PANEL_FAVOURITE.exit) in page


def test_a_tool_without_badges_shows_none(client: Client, panel):
    tool = ToolFactory(slug="plain")
    review_all(tool, panel, [60, 60, 60, 60])
    page = client.get("/tools/plain/").content.decode()
    assert 'class="badges"' not in page and "Panel favourite" not in page
