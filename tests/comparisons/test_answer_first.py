"""The answer comes first: the pick sits under the title of every side-by-side page, and the
Decision table marks the tool ahead on each measure the pick weighs, in words."""

import re

import pytest

from comparisons.sidebyside import side_by_side
from core.scoring import leader
from tests.factories import ComparisonFactory, ReviewFactory, ToolFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([80, 70], 0),
        ([70, 80, 75], 1),
        ([80, 80], None),  # level: nobody leads
        ([80, 80, 60], None),
        ([80, None], None),  # a missing figure cannot be beaten, as in the pick
        ([90], None),
    ],
)
def test_leader_is_the_one_strictly_ahead(values, expected):
    assert leader(values) == expected


@pytest.fixture
def comparison(panel):
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    for persona in panel:
        ReviewFactory(tool=alpha, persona=persona, score=70, call="ship")
        ReviewFactory(tool=beta, persona=persona, score=90, call="ship")
    VoteFactory(tool=alpha, value="ship")
    VoteFactory(tool=beta, value="skip")
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def _cells(html: str, row: str) -> list[str]:
    found = re.search(rf'rowheader">{row}</th>(.*?)</tr>', html, re.S)
    return re.findall(r'<td[^>]*role="cell">(.*?)</td>', found.group(1), re.S)


def test_the_decision_table_marks_who_leads_each_measure(client, comparison):
    html = client.get(comparison.get_absolute_url()).content.decode()
    # Level on panel ship rate (100% each): no mark. Beta has the higher score, Alpha the crowd.
    assert ["Better" in cell for cell in _cells(html, "Panel verdict")] == [False, False]
    assert ["Better" in cell for cell in _cells(html, "Mean panel score")] == [False, True]
    assert ["Better" in cell for cell in _cells(html, "Community")] == [True, False]
    assert "“Better” marks the tool ahead on a measure." in html  # the caption says so
    assert "Best" not in html.split('class="decision')[1].split("</table>")[0]


def test_three_tools_are_marked_best(client, panel):
    tools = [ToolFactory(slug=f"t{i}") for i in range(3)]
    for score, tool in zip([60, 90, 70], tools, strict=True):
        for persona in panel:
            ReviewFactory(tool=tool, persona=persona, score=score)
    html = client.get("/compare/?tools=t0,t1,t2").content.decode()
    assert ["Best" in cell for cell in _cells(html, "Mean panel score")] == [False, True, False]
    for tool in tools:
        tool.refresh_from_db()
    assert side_by_side(tools).leaders == {"panel": None, "score": 1, "community": None}


@pytest.mark.parametrize("path", ["/compare/alpha-vs-beta/", "/compare/?tools=alpha,beta,gamma"])
def test_the_pick_comes_right_under_the_title(client, comparison, path):
    ToolFactory(name="Gamma", slug="gamma")
    html = client.get(path).content.decode()
    h1, pick, cards = html.index("<h1>"), html.index('id="pick"'), html.index("tool-card")
    assert h1 < pick < html.index('class="lede"') < cards
    assert 'class="pick__answer"' in html[pick:cards]


def test_the_refreshed_pick_brings_the_community_cells_and_their_marks(client, comparison):
    response = client.get(comparison.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.strip().startswith('<div id="pick"')
    cell = r'<div id="community-row-(\w+)" hx-swap-oob="innerHTML">(.*?)</div>'
    oob = re.findall(cell, html, re.S)
    assert [(slug, "Better" in cell) for slug, cell in oob] == [("alpha", True), ("beta", False)]
    # The whole page carries none of them: they are only for the refresh.
    page = client.get(comparison.get_absolute_url()).content.decode()
    assert "hx-swap-oob" not in page


def test_three_tools_refresh_their_pick_too(client, comparison):
    ToolFactory(name="Gamma", slug="gamma")
    path = "/compare/?tools=alpha,beta,gamma"
    page = client.get(path)
    assert f'id="pick" hx-get="{path}"' in page.content.decode()
    assert "HX-Request" in page["Vary"]
    html = client.get(path, headers={"HX-Request": "true"}).content.decode()
    assert html.strip().startswith('<div id="pick"') and "Decision" not in html
