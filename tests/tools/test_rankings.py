import re

import pytest
from django.core.cache import cache

from core.scoring import wilson_lower_bound
from tests.factories import CategoryFactory, PersonaFactory, ReviewFactory, ToolFactory
from tools.models import Tool
from tools.rankings import PANEL_RULE, Ranking, community_rule

pytestmark = pytest.mark.django_db


def with_votes(tool: Tool, ships: int, skips: int) -> Tool:
    Tool.objects.filter(pk=tool.pk).update(community_ships=ships, community_skips=skips)
    return tool


def test_wilson_lower_bound_known_values():
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(1, 1) == pytest.approx(0.2065, abs=1e-4)
    assert wilson_lower_bound(450, 500) == pytest.approx(0.8706, abs=1e-4)
    assert wilson_lower_bound(0, 10) == pytest.approx(0.0, abs=1e-12)
    assert wilson_lower_bound(5, 10) < 0.5 < wilson_lower_bound(60, 100)


def test_sql_wilson_agrees_with_the_pure_function():
    counts = [(1, 0), (9, 1), (450, 50), (3, 7), (60, 40), (0, 12)]
    for ships, skips in counts:
        with_votes(ToolFactory(name=f"{ships}-{skips}"), ships, skips)
    annotated = Tool.objects.all()
    for tool in annotated:
        assert tool.community_wilson == pytest.approx(
            wilson_lower_bound(tool.community_ships, tool.community_ships + tool.community_skips)
        )


def test_one_vote_never_outranks_five_hundred(settings):
    settings.RANKING_MIN_VOTES = 1
    lucky = with_votes(ToolFactory(name="Lucky"), 1, 0)
    proven = with_votes(ToolFactory(name="Proven"), 450, 50)
    assert list(Tool.objects.top_by_community()) == [proven, lucky]


def test_community_rankings_need_the_minimum_votes(client, settings):
    settings.RANKING_MIN_VOTES = 10
    with_votes(ToolFactory(name="Few"), 9, 0)
    with_votes(ToolFactory(name="Enough"), 8, 2)
    response = client.get("/top/")
    assert [t.name for t in response.context["top_community"]] == ["Enough"]


def test_panel_and_crowd_disagree_only_when_the_majority_is_real(settings):
    settings.RANKING_MIN_VOTES = 10
    seats = [PersonaFactory() for _ in range(4)]

    def tool(name, call, ships, skips):
        t = ToolFactory(name=name)
        for seat in seats:
            ReviewFactory(tool=t, persona=seat, call=call)
        return with_votes(t, ships, skips)

    tool("Panel ships, crowd skips", "ship", 20, 80)
    tool("Panel skips, crowd ships", "skip", 70, 30)
    tool("Noise", "ship", 4, 6)
    tool("Agreement", "ship", 90, 10)
    tool("Too few votes", "skip", 5, 0)
    assert {t.name for t in Tool.objects.panel_crowd_disagree()} == {
        "Panel ships, crowd skips",
        "Panel skips, crowd ships",
    }


def test_rankings_page_per_category(client, settings, django_assert_num_queries):
    settings.RANKING_MIN_VOTES = 1
    seat = PersonaFactory()
    for category_name in ["Speech", "Video"]:
        category = CategoryFactory(name=category_name)
        for score in [90, 80, 70, 60]:
            t = ToolFactory(name=f"{category_name} {score}", category=category)
            ReviewFactory(tool=t, persona=seat, score=score)
            with_votes(t, score, 100 - score)
    with django_assert_num_queries(6):  # with the seats, for the weights form
        response = client.get("/top/")
    assert response.status_code == 200
    by_category = {c.name: top for c, top in response.context["by_category"].items()}
    assert [t.name for t in by_category["Speech"]["panel"]] == [
        "Speech 90",
        "Speech 80",
        "Speech 70",
    ]
    assert [t.name for t in by_category["Video"]["community"]] == [
        "Video 90",
        "Video 80",
        "Video 70",
    ]
    assert "Where the panel and the crowd disagree" in response.content.decode()


def reviewed(name: str, seats, *, score: int, call: str = "ship") -> Tool:
    tool = ToolFactory(name=name)
    for seat in seats:
        ReviewFactory(tool=tool, persona=seat, score=score, call=call)
    return tool


def test_panel_rankings_count_only_tools_every_seat_has_reviewed(client, panel):
    reviewed("Half heard", panel[:2], score=99)
    reviewed("Fully heard", panel, score=70)
    reviewed("Three of four", panel[:3], score=95)
    assert [t.name for t in Tool.objects.top_by_panel()] == ["Fully heard"]
    for url in ["/", "/top/"]:
        response = client.get(url)
        assert [t.name for t in response.context["top_panel"]] == ["Fully heard"]
        assert PANEL_RULE in response.content.decode()
    by_category = response.context["by_category"]
    assert all(t.name == "Fully heard" for shelf in by_category.values() for t in shelf["panel"])


def test_an_empty_panel_ranking_says_it_waits_for_every_seat(client, panel):
    reviewed("Half heard", panel[:2], score=99)
    html = client.get("/").content.decode()
    assert "No tool has a review from every seat on the panel yet." in html


def test_seating_retiring_and_removing_seats_moves_who_has_a_full_panel(panel):
    from reviews.services import persona_save, personas_delete

    tool = reviewed("Heard by all four", panel, score=80)
    assert Tool.objects.with_full_panel().filter(pk=tool.pk).exists()
    newcomer = persona_save(persona=PersonaFactory.build(name="Newcomer", slug="newcomer"))
    assert not Tool.objects.with_full_panel().exists()  # a fifth seat has not spoken yet
    newcomer.is_active = False
    persona_save(persona=newcomer)
    assert Tool.objects.with_full_panel().filter(pk=tool.pk).exists()
    newcomer.is_active = True
    persona_save(persona=newcomer)
    assert not Tool.objects.with_full_panel().exists()
    personas_delete(personas=type(newcomer).objects.filter(pk=newcomer.pk))
    assert Tool.objects.with_full_panel().filter(pk=tool.pk).exists()


def test_recount_repairs_a_stale_full_panel_flag(panel):
    from reviews.services import panel_recount

    tool = reviewed("Two of four", panel[:2], score=80)
    Tool.objects.filter(pk=tool.pk).update(panel_full=True)
    panel_recount()
    assert not Tool.objects.get(pk=tool.pk).panel_full


def test_a_community_ranking_with_votes_below_the_minimum_says_not_enough_yet(client, settings):
    settings.RANKING_MIN_VOTES = 10
    with_votes(ToolFactory(name="Three votes"), 2, 1)
    for url in ["/", "/top/"]:
        response = client.get(url)
        html = response.content.decode()
        assert list(response.context["top_community"]) == []
        assert "Not enough votes yet (10 needed). Sign in and vote on a tool." in html
        assert "No community votes yet" not in html
    by_category = response.context["by_category"]
    [shelf] = by_category.values()
    assert list(shelf["community"]) == []
    assert shelf["community"].empty == "Not enough votes yet (10 needed)"


def test_a_community_ranking_without_any_votes_says_so(client, settings):
    settings.RANKING_MIN_VOTES = 10
    ToolFactory(name="Unvoted")
    for url in ["/", "/top/"]:
        html = client.get(url).content.decode()
        assert "No community votes yet. Sign in and vote on a tool." in html
        assert "Not enough votes yet" not in html


def test_the_community_ranking_leaves_out_tools_short_of_the_minimum(client, settings):
    settings.RANKING_MIN_VOTES = 10
    with_votes(ToolFactory(name="Nine, all ship"), 9, 0)
    with_votes(ToolFactory(name="Ten"), 6, 4)
    with_votes(ToolFactory(name="Eleven"), 10, 1)
    for url in ["/", "/top/"]:
        ranking = client.get(url).context["top_community"]
        assert [t.name for t in ranking] == ["Eleven", "Ten"]
        assert ranking.rule == community_rule(10)
        assert ranking.rule.startswith("Only tools with at least 10 community votes")


def test_the_rankings_are_served_by_their_indexes(panel, settings):
    from django.db import connection, transaction

    settings.RANKING_MIN_VOTES = 10
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        assert "tool_full_panel_rank" in Tool.objects.top_by_panel()[:10].explain()
        plan = Tool.objects.top_by_community_and_nearest(limit=10).explain()
        assert plan.count("tool_community_rank") == 2, plan


def ranked_rows(html: str, heading: str) -> list[str]:
    """The ranked list under ``heading`` as a reader reads it: "=2 Close A 75% ship · 40 votes"."""
    section = html[html.index(heading) :]
    section = section[: section.index("</ol>")]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in section.split("<li>")[1:]]


def test_tools_the_votes_cannot_tell_apart_share_a_rank_on_top_and_home(client, settings):
    settings.RANKING_MIN_VOTES = 10
    with_votes(ToolFactory(name="Sure"), 450, 50)
    with_votes(ToolFactory(name="Close A"), 30, 10)
    with_votes(ToolFactory(name="Close B"), 28, 12)
    with_votes(ToolFactory(name="Behind"), 5, 95)
    for url, heading in [("/top/", "Overall, by the community"), ("/", "Top by the community")]:
        html = client.get(url).content.decode()
        listed = ranked_rows(html, heading)
        assert listed == [  # "=2" is read out as "Shared rank 2"
            "1 Sure 90% ship · 500 votes",
            "=2 Shared rank 2 Close A 75% ship · 40 votes",
            "=2 Shared rank 2 Close B 70% ship · 40 votes",
            "4 Behind 5% ship · 100 votes",
        ]
        assert community_rule(10) in html or url == "/"


def test_a_wide_interval_shares_the_rank_of_the_tools_it_cannot_be_told_from(settings):
    """Ten votes, all ship: its interval reaches past Sure's, so it shares first place and is
    listed with Sure, above a tool whose lower bound is higher but whose interval is narrow."""
    settings.RANKING_MIN_VOTES = 10
    with_votes(ToolFactory(name="Sure"), 900, 100)
    with_votes(ToolFactory(name="Middling"), 800, 400)
    with_votes(ToolFactory(name="New"), 10, 0)
    tools = Tool.objects.published()
    ranking = Ranking.of_community(tools.top_by_community_and_nearest(limit=10))
    assert [(rank, tool.name) for rank, tool in ranking.ranked] == [
        ("=1", "Sure"),
        ("=1", "New"),
        ("3", "Middling"),
    ]


def test_panel_ranks_are_shared_by_equal_figures(panel):
    for name, scores in [("Even A", [80, 80]), ("Even B", [90, 70]), ("Lower", [60, 60])]:
        tool = ToolFactory(name=name)
        for seat, score in zip(panel, scores + scores, strict=True):
            ReviewFactory(tool=tool, persona=seat, score=score, call="ship")
    ranking = Ranking.of_panel(Tool.objects.published().top_by_panel())
    assert [(rank, tool.name) for rank, tool in ranking.ranked] == [
        ("=1", "Even A"),
        ("=1", "Even B"),
        ("3", "Lower"),
    ]


def test_a_figure_short_of_the_minimum_says_it_is_preliminary(client, settings):
    settings.RANKING_MIN_VOTES = 10
    tool = with_votes(ToolFactory(name="Newish"), 5, 2)
    html = client.get(tool.get_absolute_url()).content.decode()
    assert "71% ship · Preliminary (7 of 10 votes)" in html
    with_votes(tool, 8, 2)
    cache.clear()  # the counters were set by hand, past the services that move the versions
    html = client.get(tool.get_absolute_url()).content.decode()
    assert "80% ship · 10 votes" in html and "Preliminary" not in html
