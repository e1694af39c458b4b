"""Readers' own comparisons: any two to four tools side by side."""

import pytest

from tests.factories import CategoryFactory, ReviewFactory, ToolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio(panel):
    category = CategoryFactory()
    tools = [ToolFactory(slug=slug, name=slug.title(), category=category) for slug in "abc"]
    for tool, calls in zip(tools, [["ship"] * 4, ["ship", "skip"] * 2, ["skip"] * 4], strict=True):
        for persona, call in zip(panel, calls, strict=True):
            ReviewFactory(
                tool=tool, persona=persona, call=call, body=f"{persona.name} on {tool.name}"
            )
    return tools


def test_three_tools_side_by_side(client, trio, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get("/compare/?tools=c,a,b")
    assert response.status_code == 200
    html = response.content.decode()
    assert "C vs A vs B" in html
    assert [t.slug for t in response.context["sbs"].tools] == ["c", "a", "b"]
    assert all(len(row.reviews) == 3 for row in response.context["sbs"].rows)
    assert "Founder on B" in html
    assert "Ship with <a" in html and response.context["sbs"].winner.slug == "a"
    assert "Skip · 0 ship / 4 skip" in html and "Split · 2 ship / 2 skip" in html


def test_four_tools_from_the_picker_fields(client, trio):
    ToolFactory(slug="d", category=trio[0].category)
    response = client.get("/compare/?tools=a&with=b&with=c&with=d&with=")
    assert response.status_code == 200
    assert len(response.context["sbs"].tools) == 4


def test_two_tools_redirect_to_their_pair_page(client, trio):
    response = client.get("/compare/?tools=b&with=a")
    assert response.status_code == 302
    assert response["Location"] == "/compare/b-vs-a/"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tools=a", "Pick at least two tools to compare."),
        ("tools=", "Pick at least two tools to compare."),
        ("tools=a,b,c,d,e", "Compare up to 4 tools at a time; you picked 5."),
        ("tools=a,a,b", "Each tool once, please: a came twice."),
        ("tools=a,nope,b", "We have no tool called nope."),
        ("tools=a," + "x" * 600, "Ensure this value has at most 500 characters"),
    ],
)
def test_bad_picks_get_a_clear_message(client, trio, query, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_draft_tools_cannot_be_compared_by_readers(client, trio):
    ToolFactory(slug="hidden", draft=True)
    response = client.get("/compare/?tools=a,b,hidden")
    assert response.status_code == 400
    assert "We have no tool called hidden." in response.content.decode()


def test_tool_page_offers_compare_with(client, trio):
    html = client.get("/tools/a/").content.decode()
    assert 'name="tools" value="a"' in html
    assert html.count('name="with"') == 3
    assert '<option value="b">B</option>' in html
