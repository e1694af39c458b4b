"""Readers' own comparisons: any two to four tools side by side."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import CategoryFactory, ReviewFactory, ToolFactory
from tests.reliability.hostile import hostile_text

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
    with django_assert_num_queries(2):
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
        ("with=a&with=", "Pick at least two tools to compare."),
        ("tools=a,b,c,d,e", "Compare up to 4 tools at a time; you picked 5."),
        ("with=a&with=b&with=c&with=d&with=A", "Compare up to 4 tools at a time; you picked 5."),
        ("tools=a,a,b", "Each tool once, please: A came twice."),
        ("tools=a&with=A", "Each tool once, please: A came twice."),  # by slug, then by name
        ("tools=a,nope,b", "We have no tool called “nope”. Try a word from the tool&#x27;s name."),
        ("tools=a&with=" + "x" * 600, "A tool&#x27;s name or slug has at most 120 characters"),
    ],
)
def test_bad_picks_get_a_clear_message(client, trio, query, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_draft_tools_cannot_be_compared_by_readers(client, trio):
    ToolFactory(slug="hidden", name="Hidden", draft=True)
    response = client.get("/compare/?tools=a,b,hidden")
    assert response.status_code == 400
    assert "We have no tool called “hidden”." in response.content.decode()


def test_tools_from_different_categories_compare(client, trio):
    ToolFactory(slug="elsewhere", name="Elsewhere")  # a category of its own
    response = client.get("/compare/?with=a&with=b&with=elsewhere")
    assert response.status_code == 200
    assert [t.slug for t in response.context["sbs"].tools] == ["a", "b", "elsewhere"]
    assert client.get("/compare/?with=a&with=elsewhere")["Location"] == "/compare/a-vs-elsewhere/"


def test_typed_names_compare_in_any_case(client, panel):
    ToolFactory(slug="claude-code", name="Claude Code")
    ToolFactory(slug="cursor", name="Cursor")
    response = client.get("/compare/", {"with": ["claude code", " CURSOR "]})
    assert response.status_code == 302
    assert response["Location"] == "/compare/claude-code-vs-cursor/"


def test_a_name_not_quite_typed_gets_one_click_corrections(client, panel):
    ToolFactory(slug="claude-code", name="Claude Code")
    ToolFactory(slug="cursor", name="Cursor")
    response = client.get("/compare/", {"with": ["claude", "cursor"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We have no tool called “claude”. Did you mean one of these?" in html
    [suggestion] = response.context["form"].suggestions
    assert suggestion.url == "/compare/?with=claude-code&with=cursor"
    assert f'href="{suggestion.url.replace("&", "&amp;")}"' in html
    assert client.get(suggestion.url)["Location"] == "/compare/claude-code-vs-cursor/"


def test_two_tools_with_one_name_are_told_apart_by_slug(client, panel):
    ToolFactory(slug="atlas-speech", name="Atlas")
    ToolFactory(slug="atlas-vision", name="Atlas")
    ToolFactory(slug="other", name="Other")
    response = client.get("/compare/", {"with": ["atlas", "other"]})
    assert response.status_code == 400
    assert "2 tools are called “atlas”: choose one." in response.content.decode()
    urls = {s.url for s in response.context["form"].suggestions}
    assert urls == {
        "/compare/?with=atlas-speech&with=other",
        "/compare/?with=atlas-vision&with=other",
    }


def test_a_refused_pick_shows_each_field_as_it_was_sent(client, trio):
    response = client.get("/compare/", {"with": ["a", "nope"]})
    slots = response.context["picker"].slots
    assert [(s.value, s.picked) for s in slots] == [
        ("a", None),
        ("nope", None),
        ("", None),
        ("", None),
    ]
    html = response.content.decode()
    assert 'name="with" value="a"' in html and 'name="with" value="nope"' in html


def test_the_compare_page_offers_the_picker(client, trio):
    html = client.get("/compare/").content.decode()
    assert "Compare any tools" in html
    assert html.count('name="with"') == 4
    assert 'hx-get="/compare/pick/"' in html


def test_tool_page_offers_compare_with_any_tool(client, trio):
    html = client.get("/tools/a/").content.decode()
    assert '<input type="hidden" name="tools" value="a">' in html
    assert html.count('name="with"') == 3
    assert 'for="compare-tool-2">Second tool<' in html


def test_the_picker_searches_the_catalogue_as_the_reader_types(client, trio):
    ToolFactory(slug="far-away", name="Far Away Tool")  # another category
    response = client.get(
        "/compare/pick/", {"slot": 3, "with": "far"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "1 match for “far”: pick one." in html
    assert 'hx-get="/compare/pick/?slot=3&amp;pick=far-away"' in html
    assert "HX-Request" in response["Vary"]
    nothing = client.get(
        "/compare/pick/", {"slot": 3, "with": "zzz"}, headers={"HX-Request": "true"}
    )
    assert "No tool matches “zzz”." in nothing.content.decode()


def test_picking_a_match_fixes_the_field_to_that_tool(client, trio):
    response = client.get(
        "/compare/pick/", {"slot": 2, "pick": "b"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert '<input type="hidden" name="with" value="b">' in html
    assert 'id="compare-slot-2"' in html and "autofocus" in html
    again = client.get("/compare/pick/", {"slot": 2}, headers={"HX-Request": "true"})
    assert 'id="compare-tool-2" name="with" value=""' in again.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"slot": 9, "with": "a"}, {"slot": "x"}, {"with": "a"}, {"slot": 1, "pick": "../etc"}],
)
def test_a_malformed_pick_is_a_400_notice(client, trio, query):
    response = client.get("/compare/pick/", query, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "That pick was malformed." in response.content.decode()


def test_picking_a_draft_or_missing_tool_is_a_404(client, trio):
    ToolFactory(slug="hidden", draft=True)
    for slug in ["hidden", "nope"]:
        response = client.get(
            "/compare/pick/", {"slot": 2, "pick": slug}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 404


def test_the_pickers_parts_opened_on_their_own_lead_to_the_picker(client):
    response = client.get("/compare/pick/?slot=2&with=a")
    assert response.status_code == 302
    assert response["Location"] == "/compare/#compare-heading"


def test_bookmarks_offer_two_to_four_of_them_to_compare(client, trio):
    for tool in trio:
        client.post(f"/tools/{tool.slug}/bookmark/")
    html = client.get("/bookmarks/").content.decode()
    assert "Tick two to four tools to put side by side" in html
    assert html.count('type="checkbox" name="with"') == 3
    response = client.get("/compare/", {"with": ["c", "a", "b"]})
    assert response.status_code == 200


@given(
    slot=st.one_of(st.integers(-5, 9).map(str), hostile_text),
    text=hostile_text,
    pick=st.one_of(st.none(), st.sampled_from(["a", "b", "nope"]), hostile_text),
)
@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_pickers_live_parts_answer_any_input_without_a_500(trio, slot, text, pick):
    query = {"slot": slot, "with": text, **({"pick": pick} if pick is not None else {})}
    response = Client().get("/compare/pick/", query, headers={"HX-Request": "true"})
    assert response.status_code in (200, 400, 404), (query, response.status_code)
