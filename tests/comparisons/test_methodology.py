"""The methodology page: every rule with the numbers the code runs on, each worked through on
today's figures, so that the page and the math cannot disagree."""

import pytest
from django.core.cache import cache

from core import scoring
from core.badges import BADGES
from reviews.services import vote_cast
from tests.factories import ComparisonFactory, ReviewFactory, ToolFactory, UserFactory
from tests.support.markup import Markup
from tools.models import Tool

pytestmark = pytest.mark.django_db


def page_text(client) -> str:
    response = client.get("/methodology/")
    assert response.status_code == 200
    return " ".join("".join(Markup(response.content.decode()).text).split())


def reviewed(name, panel, calls):
    tool = ToolFactory(name=name)
    for seat, (score, call) in zip(panel, calls, strict=True):
        ReviewFactory(tool=tool, persona=seat, score=score, call=call)
    return tool


def test_the_page_states_every_rule_with_its_number(client, settings):
    text = page_text(client)
    assert "fewer than 10 votes is shown as Preliminary" in text
    assert "at 95% confidence (z = 1.96)" in text
    order = "the higher panel ship rate the higher mean panel score the higher community ship rate"
    assert order in text
    assert "Only tools every seat on the panel has reviewed; equal figures share a rank." in text
    assert "Only tools with at least 10 community votes" in text
    assert "Money and relationships" in text and "“None”" in text
    assert "/methodology/" in client.get("/").content.decode()  # linked from every page


def test_a_changed_constant_changes_the_page(client, settings, monkeypatch):
    settings.RANKING_MIN_VOTES = 25
    monkeypatch.setattr(scoring, "WILSON_Z", 2.576)
    monkeypatch.setattr(scoring, "PICK_ORDER", ("mean panel score", "panel ship rate"))
    text = page_text(client)
    assert "fewer than 25 votes is shown as Preliminary" in text
    assert "at 99% confidence (z = 2.576)" in text
    assert (
        "Only tools with at least 25 community votes, ranked by how sure the votes make us: "
        "tools whose 99% intervals overlap share a rank."
    ) in text
    assert "the higher mean panel score the higher panel ship rate" in text


def test_each_rule_is_worked_through_on_a_live_tool(client, panel, settings):
    settings.RANKING_MIN_VOTES = 3
    alpha = reviewed(
        "Alpha", panel, [(80, "ship"), (75, "ship"), (90, "ship"), (62, "skip")]
    )  # 307 / 4 = 76.75
    beta = reviewed("Beta", panel, [(70, "ship"), (60, "skip"), (65, "skip"), (71, "ship")])
    for value in ["ship", "ship", "ship", "skip"]:
        vote_cast(member=UserFactory(), tool=alpha, value=value)
    vote_cast(member=UserFactory(), tool=beta, value="skip")
    ComparisonFactory(tool_a=alpha, tool_b=beta)
    text = page_text(client)
    assert (
        "Alpha: 3 of 4 seats ship, so the ship rate is 3 ÷ 4 = 75% and the label is Ship. "
        "Its scores are 80, 75, 90, 62: 307 ÷ 4 gives a mean of 77/100."
    ) in text
    lower, upper = Tool.objects.get(pk=alpha.pk).community.interval
    assert (
        f"Alpha has 3 ship and 1 skip votes: a ship rate of 75%, with a 95% interval from "
        f"{round(100 * lower)}% to {round(100 * upper)}%. The community calls it Ship. "
        "3 more skip votes would make the community call Skip; 2 would split it."
    ) in text
    assert (
        "Beta has 1 vote, fewer than 3, so its figure reads “0% ship · Preliminary (1 of 3 votes)”"
    ) in text
    assert "Alpha vs Beta: ship with Alpha. Higher panel ship rate: 75% against 50%." in text
    assert "Beta would be the pick if Skeptic and Futurist called it ship." in text


def test_a_vote_reaches_the_worked_example_at_once(
    client, panel, settings, django_capture_on_commit_callbacks
):
    settings.RANKING_MIN_VOTES = 1
    tool = ToolFactory(name="Gamma")
    with django_capture_on_commit_callbacks(execute=True):
        vote_cast(member=UserFactory(), tool=tool, value="ship")
    assert "Gamma has 1 ship and 0 skip votes" in page_text(client)
    with django_capture_on_commit_callbacks(execute=True):  # the services bump on commit
        vote_cast(member=UserFactory(), tool=tool, value="skip")
    assert "Gamma has 1 ship and 1 skip votes" in page_text(client)


def test_an_empty_site_states_the_rules_without_examples(client):
    cache.clear()
    text = page_text(client)
    assert "Worked example" not in text and "How we judge" in text


def test_each_badge_is_stated_with_its_rule_its_exit_and_a_holder(client, panel):
    reviewed("Favoured", panel, [(85, "ship"), (88, "ship"), (90, "ship"), (70, "skip")])
    text = page_text(client)
    for badge in BADGES:
        assert f"{badge.name} {badge.rule} {badge.exit}" in text
    assert "Held now by Favoured: Ship · 3 ship / 1 skip, 83/100" in text


def test_the_weights_are_explained_with_their_bounds(client, monkeypatch):
    from core import weights

    assert "a weight from ×0 to ×3" in page_text(client)
    monkeypatch.setattr(weights, "MAX_WEIGHT", 5)
    cache.clear()
    assert "a weight from ×0 to ×5" in page_text(client)
