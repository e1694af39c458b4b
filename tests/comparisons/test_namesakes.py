"""Two tools with the same name: the pick names the right one, editors tell them apart."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages

from comparisons.sidebyside import pair_resolve, side_by_side
from tests.factories import (
    CategoryFactory,
    ComparisonFactory,
    ReviewFactory,
    ToolFactory,
    UserFactory,
    VoteFactory,
)
from tests.support.admin import admin_errors, admin_form, changelist
from tests.support.markup import Markup
from tools.models import Tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(panel):
    """Two tools called "Twin"; the second, listed second, is the one the panel ships."""
    first = ToolFactory(
        name="Twin", slug="twin-a", vendor="Alpha Labs", category=CategoryFactory(name="Chat")
    )
    second = ToolFactory(
        name="Twin", slug="twin-b", vendor="Beta Inc", category=CategoryFactory(name="Code")
    )
    for seat in panel:
        ReviewFactory(tool=first, persona=seat, call="skip", score=30)
        ReviewFactory(tool=second, persona=seat, call="ship", score=90)
    return first, second


def test_the_pick_links_the_winner_not_its_namesake(client, twins):
    first, second = twins
    ComparisonFactory(tool_a=first, tool_b=second)
    sbs = side_by_side(pair_resolve(slug="twin-a-vs-twin-b", user=AnonymousUser()).tools)
    assert sbs.winner.pk == second.pk
    html = client.get("/compare/twin-a-vs-twin-b/").content.decode()
    pick = html[html.index('id="pick-heading"') :]
    links = [a["href"] for tag, a in Markup(pick).tags if tag == "a" and "href" in a]
    assert links[0] == second.get_absolute_url()
    api = client.get("/api/comparisons/twin-a-vs-twin-b/").json()
    assert api["pick"]["winner"] == "twin-b"


def test_the_tool_picker_tells_namesakes_apart(client, editor, twins):
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Twin",
            "app_label": "comparisons",
            "model_name": "comparison",
            "field_name": "tool_a",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [
        "Twin (Chat, Alpha Labs)",
        "Twin (Code, Beta Inc)",
    ]


def test_the_picker_finds_a_tool_by_name_and_category_together(client, editor, twins):
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "Twin Code", "app_label": "reviews", "model_name": "review", "field_name": "tool"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Twin (Code, Beta Inc)"]


def test_a_chosen_tool_reads_as_the_picker_named_it(client, editor, twins):
    comparison = ComparisonFactory(tool_a=twins[0], tool_b=twins[1], status="draft")
    client.force_login(editor)
    html = client.get(f"/admin/comparisons/comparison/{comparison.pk}/change/").content.decode()
    assert "Twin (Chat, Alpha Labs)</option>" in html
    assert "Twin (Code, Beta Inc)</option>" in html


def test_a_draft_says_so_in_the_picker(client, editor):
    ToolFactory(name="Unfinished", vendor="", category=CategoryFactory(name="Chat"), draft=True)
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Unfinished",
            "app_label": "comparisons",
            "model_name": "comparison",
            "field_name": "tool_b",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Unfinished (Chat) · draft"]


def test_saving_a_tool_named_like_another_warns_but_saves(client, editor, twins):
    tool = ToolFactory(name="Single")
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    data["name"] = "twin"
    response = client.post(url, data)
    assert admin_errors(response) == []
    assert Tool.objects.get(pk=tool.pk).name == "twin"
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "Other tools have this name too: Twin (Chat, Alpha Labs); Twin (Code, Beta Inc). "
        "Readers tell them apart only by category and vendor: check this is not the same "
        "tool twice, or give it a name of its own."
    ]


def test_saving_a_tool_with_a_name_of_its_own_does_not_warn(client, editor, twins):
    tool = ToolFactory(name="Single")
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    response = client.post(url, admin_form(client, url))
    assert [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"] == []


def test_the_reviews_and_votes_lists_tell_namesakes_apart(client, twins, member):
    VoteFactory(member=member, tool=twins[0])
    VoteFactory(member=member, tool=twins[1])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in ["/admin/reviews/review/", "/admin/reviews/vote/"]:
        _, rows = changelist(client.get(url))
        assert {row[0] for row in rows} == {"Twin (Chat, Alpha Labs)", "Twin (Code, Beta Inc)"}
