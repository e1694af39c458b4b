import pytest

from reviews.models import Review
from reviews.services import panel_recount
from tests.factories import PersonaFactory, ReviewFactory, ToolFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def counts(tool: Tool) -> tuple[int, int, int]:
    tool.refresh_from_db()
    return tool.panel_ships, tool.panel_skips, tool.panel_score_total


def test_saving_a_review_updates_the_tools_panel_counts(panel):
    tool = ToolFactory()
    ReviewFactory(tool=tool, persona=panel[0], score=85, call="ship")
    ReviewFactory(tool=tool, persona=panel[3], score=55, call="skip")
    assert counts(tool) == (1, 1, 140)
    assert tool.panel.summary == "Split · 1 ship / 1 skip"


def test_recount_repairs_drifted_counts(panel):
    tool = ToolFactory()
    for persona in panel:
        ReviewFactory(tool=tool, persona=persona, score=70, call="ship")
    Tool.objects.filter(pk=tool.pk).update(panel_ships=0, panel_skips=9, panel_score_total=900)
    panel_recount()
    assert counts(tool) == (4, 0, 280)


def test_recount_of_a_tool_without_reviews_is_zero(panel):
    tool = ToolFactory()
    Tool.objects.filter(pk=tool.pk).update(panel_ships=2, panel_score_total=100)
    panel_recount(tool_ids=[tool.pk])
    assert counts(tool) == (0, 0, 0)
    assert tool.panel.label == "Awaiting panel"


def test_a_retired_seat_no_longer_counts(panel):
    tool = ToolFactory()
    for persona in panel:
        ReviewFactory(tool=tool, persona=persona, score=80, call="ship")
    founder = panel[3]
    founder.is_active = False
    founder.save()
    panel_recount()
    assert counts(tool) == (3, 0, 240)
    assert Review.objects.filter(persona=founder).exists()


def test_recount_touches_only_the_named_tools(panel):
    first, second = ToolFactory(), ToolFactory()
    ReviewFactory(tool=first, persona=PersonaFactory(), call="ship")
    Tool.objects.filter(pk=second.pk).update(panel_ships=5, panel_score_total=5)
    panel_recount(tool_ids=[first.pk])
    assert counts(second) == (5, 0, 5)
