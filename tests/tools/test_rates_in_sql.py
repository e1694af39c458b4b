"""Each verdict rule kept twice, as pure Python and as SQL on Tool, agrees on every input.

The pages show the pure functions' figures; the rankings, filters and sorts are SQL. Each
rule is checked on every input of a grid (panels of 0 to 6 ships and 0 to 6 skips with every
score total they can have; 0 to 40 community ships and skips under each panel label), and on
random counts up to ten million ships and ten million skips. "Agree" means, rule by rule:

- panel_pct, panel_mean_score, community_pct: equal to percent() and mean() of the same
  counts, NULL exactly where they are None. The columns are the same integer arithmetic, so
  equal means equal: no float and no rounding slack.
- community_wilson, community_wilson_skip: NULL exactly when there are no votes (where
  wilson_lower_bound() says 0.0); else within 1e-9 of wilson_lower_bound() of the ships (the
  skips) of the votes. (PostgreSQL does the same double operations in the same order, so on
  every input tried here the two are in fact equal bit for bit.)
- with_panel_label(key): exactly the tools whose PanelVerdict.label is that key's label.
- with_min_votes(n): exactly the tools whose CommunityVerdict.votes is at least n.
- panel_crowd_disagree(min_votes=n): exactly, in the same order, the tools with at least
  max(n, 1) votes whose panel says Ship while wilson_lower_bound(skips, votes) > 0.5, or says
  Skip while wilson_lower_bound(ships, votes) > 0.5; most votes first, then by name.
- top_by_panel, top_by_community, sorted_by: the same tools in the same order as Python's
  sorted() by the same keys, highest first, ties by name: the figures a page shows (ship %,
  mean score, community ship %), or wilson_lower_bound().
- top_by_panel against pick(): no tool ranks above one that pick() prefers, whatever the
  number of reviews.

Every grid row with reviews is one whose whole panel reviewed it (``panel_full``), so the
panel rules here see every reviewed row.
"""

import copy
import itertools
import random
from collections.abc import Iterable, Sequence

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core import scoring
from tests.factories import CategoryFactory, ToolFactory
from tools.models import Tool, ToolQuerySet

pytestmark = pytest.mark.django_db

WILSON_TOLERANCE = 1e-9
PANEL_MAX = 6  # ships and skips each, with every score total from 0 to 100 per review
COMMUNITY_MAX = 40  # ships and skips each
MIN_VOTES = (0, 1, 2, 10, 40, 80, 81)
COUNTERS = (
    "panel_ships",
    "panel_skips",
    "panel_score_total",
    "community_ships",
    "community_skips",
)
FIELDS = (
    "pk",
    "name",
    *COUNTERS,
    "panel_pct",
    "panel_mean_score",
    "community_pct",
    "community_wilson",
    "community_wilson_skip",
)
LABELS = dict(ToolQuerySet.PANEL_LABELS)  # filter key -> PanelVerdict.label


def panel(row) -> scoring.PanelVerdict:
    return scoring.panel_verdict(
        ships=row.panel_ships, skips=row.panel_skips, score_total=row.panel_score_total
    )


def community(row) -> scoring.CommunityVerdict:
    return scoring.community_verdict(ships=row.community_ships, skips=row.community_skips)


def make_tools(category, counts: Iterable[Sequence[int]]) -> None:
    """One tool per tuple of COUNTERS, in one INSERT; names shuffled so that ties test the name.

    The factory builds one tool and the rest are copies of it with their own name, slug and
    counts: building each through the factory would take longer than all the checks.
    """
    counts = list(counts)
    names = [f"Tool {n:07d}" for n in range(len(counts))]  # one order in any collation
    random.Random(len(counts)).shuffle(names)
    template = ToolFactory.build(category=category, tagline="A grid row", description="Counts.")
    tools = []
    for n, (name, values) in enumerate(zip(names, counts, strict=True)):
        tool = copy.copy(template)
        tool.name, tool.slug = name, f"{category.slug}-{n}"
        for counter, value in zip(COUNTERS, values, strict=True):
            setattr(tool, counter, value)
        # A row with reviews stands for a tool its whole panel reviewed, as many seats as
        # reviews: the rankings count only those (tests/tools/test_rankings.py checks that).
        tool.panel_full = tool.panel_ships + tool.panel_skips > 0
        tools.append(tool)
    Tool.objects.bulk_create(tools)


def read(tools):
    return list(tools.values_list(*FIELDS, named=True))


def pks(tools) -> list[int]:
    return list(tools.values_list("pk", flat=True))


def panel_grid():
    for ships, skips in itertools.product(range(PANEL_MAX + 1), repeat=2):
        for score_total in range(100 * (ships + skips) + 1):
            yield ships, skips, score_total, 0, 0


def community_grid():
    """Every vote count under each panel label: awaiting, ship, skip and split (1 and 1)."""
    for ships, skips in itertools.product(range(COMMUNITY_MAX + 1), repeat=2):
        for panel_ships, panel_skips in itertools.product(range(2), repeat=2):
            yield panel_ships, panel_skips, 70 * (panel_ships + panel_skips), ships, skips


@pytest.fixture(scope="module")
def grids(django_db_setup, django_db_blocker):
    """Both grids, inserted once for the module (36,000 rows) and rolled back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        categories = {
            "panel": CategoryFactory(name="Panel grid", slug="panel-grid"),
            "community": CategoryFactory(name="Community grid", slug="community-grid"),
        }
        make_tools(categories["panel"], panel_grid())
        make_tools(categories["community"], community_grid())
        # Check the deferred foreign keys once here, not again at the end of every test.
        connection.check_constraints()
        yield categories
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def panel_tools(grids):
    return Tool.objects.filter(category=grids["panel"])


@pytest.fixture
def community_tools(grids):
    return Tool.objects.filter(category=grids["community"])


# What agreeing means for one stored value (see the module's docstring).


def rate_agrees(stored: int | None, part: int, whole: int) -> bool:
    return stored == scoring.percent(part, whole)


def mean_agrees(stored: int | None, verdict: scoring.PanelVerdict) -> bool:
    return stored == verdict.mean_score


def wilson_agrees(stored: float | None, positive: int, votes: int) -> bool:
    expected = scoring.wilson_lower_bound(positive, votes)
    if votes == 0:
        return stored is None and expected == 0.0
    return abs(stored - expected) <= WILSON_TOLERANCE


def rate_disagreements(rows):
    """The rows where panel_pct, panel_mean_score or community_pct disagrees, and which."""
    wrong = []
    for row in rows:
        verdict, crowd = panel(row), community(row)
        if not rate_agrees(row.panel_pct, verdict.ships, verdict.reviews):
            wrong.append(("panel_pct", row))
        if not mean_agrees(row.panel_mean_score, verdict):
            wrong.append(("panel_mean_score", row))
        if not rate_agrees(row.community_pct, crowd.ships, crowd.votes):
            wrong.append(("community_pct", row))
    return wrong


def wilson_disagreements(rows):
    """The rows where community_wilson or community_wilson_skip disagrees, and which."""
    wrong = []
    for row in rows:
        crowd = community(row)
        if not wilson_agrees(row.community_wilson, crowd.ships, crowd.votes):
            wrong.append(("community_wilson", row))
        if not wilson_agrees(row.community_wilson_skip, crowd.skips, crowd.votes):
            wrong.append(("community_wilson_skip", row))
    return wrong


def crowd_disagrees(row, min_votes: int) -> bool:
    """The panel_crowd_disagree rule in Python: the crowd's real majority against the panel."""
    verdict, votes = panel(row), community(row).votes
    if votes < max(min_votes, 1):
        return False
    if verdict.label == scoring.SHIP:
        return scoring.wilson_lower_bound(row.community_skips, votes) > 0.5
    if verdict.label == scoring.SKIP:
        return scoring.wilson_lower_bound(row.community_ships, votes) > 0.5
    return False


def python_panel_crowd_disagree(rows, min_votes: int) -> list[int]:
    kept = [row for row in rows if crowd_disagrees(row, min_votes)]
    return [row.pk for row in sorted(kept, key=lambda r: (-community(r).votes, r.name))]


def python_top_by_community(rows, min_votes: int) -> list[int]:
    kept = [row for row in rows if community(row).votes >= max(min_votes, 1)]
    return [
        row.pk
        for row in sorted(
            kept,
            key=lambda r: (
                -scoring.wilson_lower_bound(r.community_ships, community(r).votes),
                r.name,
            ),
        )
    ]


def shown_panel_key(row):
    """The pick's criteria, highest first, a missing community figure last, then the name."""
    verdict, crowd = panel(row), community(row)
    return (
        -verdict.ship_pct,
        -verdict.mean_score,
        crowd.ship_pct is None,
        -(crowd.ship_pct or 0),
        row.name,
    )


# The grids: every input up to the bounds.


def test_panel_figures_in_sql_are_the_figures_readers_see(panel_tools):
    """The panel ranking and sorts order by panel_pct and panel_mean_score; pages print
    ship_pct and mean_score."""
    rows = read(panel_tools)
    assert len(rows) == 29_449
    assert rate_disagreements(rows) == []


def test_community_figure_in_sql_is_the_ship_percentage_readers_see(community_tools):
    """The community sort uses community_pct; the cards print CommunityVerdict.ship_pct,
    exact halves included (23 ships of 40 votes is 57.5%, shown as 58%)."""
    rows = read(community_tools)
    assert len(rows) == 6_724
    assert rate_disagreements(rows) == []
    [half] = [row for row in rows if (row.community_ships, row.community_skips) == (23, 17)][:1]
    assert half.community_pct == 58


def test_sql_wilson_bounds_match_the_pure_function_for_ships_and_skips(community_tools):
    """The community ranking and the disagreement list rank by the SQL Wilson bounds."""
    assert wilson_disagreements(read(community_tools)) == []


def test_panel_label_filter_selects_exactly_the_tools_with_that_label(panel_tools):
    """The catalogue's panel filter is SQL; the label on each card is PanelVerdict.label."""
    rows = read(panel_tools)
    assert set(LABELS.values()) == {scoring.SHIP, scoring.SKIP, scoring.SPLIT, scoring.AWAITING}
    for key, label in LABELS.items():
        expected = {row.pk for row in rows if panel(row).label == label}
        assert expected, label
        assert set(pks(panel_tools.with_panel_label(key))) == expected, label


def test_min_votes_filter_keeps_exactly_the_tools_with_that_many_votes(community_tools):
    """Rankings leave out tools with fewer votes than the minimum, counted as Python counts."""
    rows = read(community_tools)
    for votes in range(2 * COMMUNITY_MAX + 2):
        expected = {row.pk for row in rows if community(row).votes >= votes}
        assert set(pks(community_tools.with_min_votes(votes))) == expected, votes


@pytest.mark.parametrize("min_votes", MIN_VOTES)
def test_panel_crowd_disagreement_is_a_real_majority_against_the_panel(community_tools, min_votes):
    """community_wilson > 0.5 in SQL is wilson_lower_bound() > 0.5 of the same counts."""
    rows = read(community_tools)
    expected = python_panel_crowd_disagree(rows, min_votes)
    assert pks(community_tools.panel_crowd_disagree(min_votes=min_votes)) == expected


def test_top_by_panel_orders_as_python_sorts_by_the_figures_shown(panel_tools):
    """Ship %, then mean score, then community ship %, as the pick weighs them, then name."""
    rows = [row for row in read(panel_tools) if panel(row).reviews]
    expected = [row.pk for row in sorted(rows, key=shown_panel_key)]
    assert pks(panel_tools.top_by_panel()) == expected
    assert pks(panel_tools.sorted_by("panel")) == expected + [
        row.pk for row in sorted(read(panel_tools.filter(panel_pct=None)), key=lambda r: r.name)
    ]


def candidate(row) -> scoring.Candidate:
    return scoring.Candidate(row.name, panel(row), community(row))


def pick_prefers_the_second(first, second) -> bool:
    a, b = candidate(first), candidate(second)
    return scoring.pick([a, b]).winner is b


def test_top_by_panel_never_ranks_a_tool_above_one_pick_prefers(panel_tools):
    """The ranking weighs the whole percents and scores shown, as pick() does."""
    by_pk = {row.pk: row for row in read(panel_tools)}
    ranked = [by_pk[pk] for pk in pks(panel_tools.top_by_panel())]
    # pick() is a lexicographic order, so checking neighbours checks every pair.
    overtaken = [
        (above, below)
        for above, below in itertools.pairwise(ranked)
        if pick_prefers_the_second(above, below)
    ]
    assert overtaken == []


def test_past_twelve_reviews_top_by_panel_still_ranks_pick_s_choice_first():
    """Two tools both showing 92% ship (12 of 13, 11 of 12): the pick chooses on the mean
    score, and so does the ranking. (It ranked by the exact rate once, and disagreed.)"""
    category = CategoryFactory()
    make_tools(category, [(12, 1, 60 * 13, 0, 0), (11, 1, 95 * 12, 0, 0)])
    ranked = read(Tool.objects.filter(category=category).top_by_panel())
    assert [panel(row).ship_pct for row in ranked] == [92, 92]
    choice = scoring.pick([candidate(row) for row in ranked]).winner
    assert choice is not None and choice.panel.ships == 11
    assert ranked[0].name == choice.name


# The catalogue's other two sorts: the grid, and the figure shown (None: no reviews/votes).
CATALOGUE_SORTS = {
    "score": ("panel", lambda row: panel(row).mean_score),
    "community": ("community", lambda row: community(row).ship_pct),
}


@pytest.mark.parametrize("key", CATALOGUE_SORTS)
def test_catalogue_sorts_order_as_python_sorts_by_the_figure_shown(grids, key):
    """The mean score and community sorts: highest figure first, none last, then name."""
    grid, figure = CATALOGUE_SORTS[key]
    tools = Tool.objects.filter(category=grids[grid])

    def order(row):
        value = figure(row)
        return (value is None, -(value or 0), row.name)

    assert pks(tools.sorted_by(key)) == [row.pk for row in sorted(read(tools), key=order)]


@pytest.mark.parametrize("min_votes", MIN_VOTES)
def test_top_by_community_orders_as_python_sorts_by_wilson(community_tools, min_votes):
    """Equal Wilson bounds in Python are equal in SQL, so names break the same ties."""
    expected = python_top_by_community(read(community_tools), min_votes)
    assert pks(community_tools.top_by_community(min_votes=min_votes)) == expected


# Random counts up to ten million votes.

TEN_MILLION = 10_000_000


@st.composite
def tool_counts(draw):
    """Counters for one tool: panel and community ships and skips up to ten million each, a
    third of the pairs an exact half percent (23 of 40, 29 of 200, times up to 50,000), and
    any score total the panel can give."""

    def pair():
        kind = draw(st.sampled_from(["any", "millions", "half percent"]))
        if kind == "half percent":  # ships / (ships + skips) = (2k + 1) / 200
            k, times = draw(st.integers(0, 99)), draw(st.integers(1, TEN_MILLION // 200))
            return (2 * k + 1) * times, (199 - 2 * k) * times
        low = 1_000_000 if kind == "millions" else 0
        return draw(st.integers(low, TEN_MILLION)), draw(st.integers(low, TEN_MILLION))

    panel_ships, panel_skips = pair()
    score_total = draw(st.integers(0, 100 * (panel_ships + panel_skips)))
    return (panel_ships, panel_skips, score_total, *pair())


LARGE = hypothesis_settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@LARGE
@given(batch=st.lists(tool_counts(), min_size=10, max_size=40))
def test_rates_agree_up_to_ten_million_votes(batch):
    """No overflow: 200 × ten million reviews' score total needs 64 bits, and gets them."""
    category = CategoryFactory()
    make_tools(category, batch)
    rows = read(Tool.objects.filter(category=category))
    assert rate_disagreements(rows) == []


@LARGE
@given(batch=st.lists(tool_counts(), min_size=10, max_size=40))
def test_wilson_bounds_agree_up_to_ten_million_votes(batch):
    """The bounds, the real-majority test on them and the ranking by them, at scale."""
    category = CategoryFactory()
    make_tools(category, batch)
    tools = Tool.objects.filter(category=category)
    rows = read(tools)
    assert wilson_disagreements(rows) == []
    assert pks(tools.panel_crowd_disagree(min_votes=1)) == python_panel_crowd_disagree(rows, 1)
    assert pks(tools.top_by_community(min_votes=1)) == python_top_by_community(rows, 1)
