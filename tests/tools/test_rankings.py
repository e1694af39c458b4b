import pytest

from core.scoring import wilson_lower_bound
from tests.factories import CategoryFactory, PersonaFactory, ReviewFactory, ToolFactory
from tools.models import Tool

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
    with django_assert_num_queries(5):
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
