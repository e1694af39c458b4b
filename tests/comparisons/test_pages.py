"""Every public page: status, the content a reader came for, and its query count."""

import pytest

from tests.factories import (
    CategoryFactory,
    ComparisonFactory,
    ReviewFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(panel):
    """Two reviewed tools in one category, paired by an editor, plus drafts readers must not see."""
    category = CategoryFactory(name="Developer Tools", slug="developer-tools")
    turbo = ToolFactory(name="SmolVLM2 Turbo", slug="smolvlm2-turbo", category=category)
    mixtral = ToolFactory(name="Mistral 8x22B v2", slug="mistral-8x22b-v2", category=category)
    for persona, score in zip(panel, [85, 78, 82, 72], strict=True):
        ReviewFactory(
            tool=turbo, persona=persona, score=score, call="ship", body=f"{persona} on turbo"
        )
    for persona, score, call in zip(
        panel, [82, 75, 78, 55], ["ship", "ship", "ship", "skip"], strict=True
    ):
        ReviewFactory(
            tool=mixtral, persona=persona, score=score, call=call, body=f"{persona} on mixtral"
        )
    comparison = ComparisonFactory(tool_a=turbo, tool_b=mixtral, editor_note="Small against large.")
    secret = ToolFactory(name="Secret Model", slug="secret-model", category=category, draft=True)
    awaiting = ToolFactory(name="Fresh Tool", slug="fresh-tool", category=category)
    return {
        "category": category,
        "turbo": turbo,
        "mixtral": mixtral,
        "comparison": comparison,
        "secret": secret,
        "awaiting": awaiting,
    }


def test_comparison_page_shows_every_section(client, world, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "SmolVLM2 Turbo vs Mistral 8x22B v2",
        "Which one should you ship with?",
        "Small against large.",
        "Decision",
        "Ship · 4 ship / 0 skip",
        "Ship · 3 ship / 1 skip",
        "100%",
        "75%",
        "No community votes yet",
        "Reviewer scorecard",
        "55/100",
        "Skeptic on mixtral",
        "Our pick",
        "Higher panel ship rate: 100% against 75%.",
    ]:
        assert text in html, text


def test_scorecard_founder_row_reads_55_skip_for_the_second_tool(client, world):
    response = client.get(world["comparison"].get_absolute_url())
    rows = response.context["sbs"].rows
    founder = next(row for row in rows if row.persona.slug == "founder")
    assert [r.headline for r in founder.reviews] == ["72/100 · ship", "55/100 · skip"]


def test_reversed_comparison_slug_redirects_permanently(client, world):
    response = client.get("/compare/mistral-8x22b-v2-vs-smolvlm2-turbo/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"


def test_any_two_published_tools_have_a_page_in_alphabetical_order(client, world):
    response = client.get("/compare/smolvlm2-turbo-vs-fresh-tool/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/fresh-tool-vs-smolvlm2-turbo/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["comparison"] is None
    assert "Awaiting panel" in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/compare/smolvlm2-turbo-vs-nothing/",
        "/compare/smolvlm2-turbo-vs-smolvlm2-turbo/",
        "/compare/no-separator/",
        "/compare/smolvlm2-turbo-vs-secret-model/",
        "/tools/nothing/",
        "/tools/secret-model/",
        "/categories/nothing/",
        "/panel/nobody/",
        "/no/such/page/",
    ],
)
def test_unknown_or_draft_pages_are_404_in_the_sites_style(client, world, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


def test_staff_preview_draft_tools_with_a_banner(client, world, staff):
    client.force_login(staff)
    response = client.get("/tools/secret-model/")
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_staff_preview_draft_comparisons(client, world, staff):
    draft = ComparisonFactory(
        tool_a=world["turbo"],
        tool_b=world["awaiting"],
        status="draft",
        published_at=None,
        editor_note="Not ready yet.",
    )
    assert (
        "Not ready yet."
        not in client.get("/compare/fresh-tool-vs-smolvlm2-turbo/").content.decode()
    )
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not ready yet." in html
    assert "Draft preview" in html


def test_draft_comparisons_are_not_listed(client, world):
    ComparisonFactory(
        tool_a=world["turbo"], tool_b=world["awaiting"], status="draft", published_at=None
    )
    response = client.get("/compare/")
    assert [c.title for c in response.context["page"].object_list] == [
        "SmolVLM2 Turbo vs Mistral 8x22B v2"
    ]


def test_comparison_with_a_draft_tool_is_hidden_from_readers(client, world):
    ComparisonFactory(tool_a=world["mixtral"], tool_b=world["secret"])
    html = client.get("/compare/").content.decode()
    assert "Secret Model" not in html


def test_home_page(client, world, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Latest comparisons" in html
    assert "SmolVLM2 Turbo vs Mistral 8x22B v2" in html
    assert "Developer Tools" in html
    assert "Secret Model" not in html
    assert [t.name for t in response.context["top_panel"]][:2] == [
        "SmolVLM2 Turbo",
        "Mistral 8x22B v2",
    ]


def test_comparison_list_filters_by_category(client, world):
    other = ComparisonFactory(tool_a=ToolFactory(category=CategoryFactory(slug="speech")))
    everything = client.get("/compare/").context["page"].object_list
    assert {c.pk for c in everything} == {world["comparison"].pk, other.pk}
    speech = client.get("/compare/?category=speech").context["page"].object_list
    assert [c.pk for c in speech] == [other.pk]
    assert client.get("/compare/?category=nope").status_code == 404


def test_comparison_list_is_paginated_newest_first(
    client, world, settings, django_assert_num_queries
):
    settings.PAGE_SIZE = 2
    category = world["category"]
    extra = [ComparisonFactory(tool_a=ToolFactory(category=category)) for _ in range(3)]
    with django_assert_num_queries(3):
        first = client.get("/compare/")
    assert [c.pk for c in first.context["page"].object_list] == [extra[2].pk, extra[1].pk]
    last = client.get("/compare/?page=2")
    assert [c.pk for c in last.context["page"].object_list] == [extra[0].pk, world["comparison"].pk]
    assert client.get("/compare/?page=99").status_code == 200
    assert client.get("/compare/?page=abc").status_code == 200


def test_compare_picker_redirects_to_the_pair(client, world):
    response = client.get("/compare/?tools=mistral-8x22b-v2&with=smolvlm2-turbo")
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200


def test_tool_page(client, world, django_assert_num_queries):
    with django_assert_num_queries(5):
        response = client.get("/tools/mistral-8x22b-v2/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Mistral 8x22B v2",
        "Panel scorecard",
        "Ship · 3 ship / 1 skip",
        "Founder on mixtral",
        "No community votes yet",
        "SmolVLM2 Turbo vs Mistral 8x22B v2",
        "Compare Mistral 8x22B v2 with",
    ]:
        assert text in html, text


def test_catalogue_lists_published_tools_best_first(client, world, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get("/tools/")
    assert response.status_code == 200
    names = [t.name for t in response.context["page"].object_list]
    assert names == ["SmolVLM2 Turbo", "Mistral 8x22B v2", "Fresh Tool"]


def test_catalogue_search_and_filters(client, world):
    names = lambda r: [t.name for t in r.context["page"].object_list]  # noqa: E731
    assert names(client.get("/tools/?q=turbo")) == ["SmolVLM2 Turbo"]
    assert names(client.get("/tools/?q=nothing-like-it")) == []
    assert names(client.get("/tools/?pricing=paid")) == []
    assert names(client.get("/tools/?sort=name")) == [
        "Fresh Tool",
        "Mistral 8x22B v2",
        "SmolVLM2 Turbo",
    ]


def test_catalogue_ignores_invalid_filters_and_says_so(client, world):
    response = client.get("/tools/?sort=bogus&pricing=gratis&category=nope")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert response.context["form"].errors.keys() == {"sort", "pricing", "category"}


def test_category_pages(client, world, django_assert_num_queries):
    assert client.get("/categories/").status_code == 200
    with django_assert_num_queries(4):
        response = client.get("/categories/developer-tools/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SmolVLM2 Turbo vs Mistral 8x22B v2" in html
    assert "Secret Model" not in html


def test_panel_page_shows_each_seats_record(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/panel/")
    assert response.status_code == 200
    founder = next(p for p in response.context["personas"] if p.slug == "founder")
    assert (founder.review_count, founder.ship_rate, founder.mean_score) == (2, 50, 64)


def test_persona_page_lists_reviews_of_published_tools(client, world, django_assert_num_queries):
    ReviewFactory(
        tool=world["secret"],
        persona=world["turbo"].reviews.first().persona,
        body="Unpublished words",
    )
    with django_assert_num_queries(4):
        response = client.get("/panel/builder/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Builder on turbo" in html
    assert "Unpublished words" not in html
    assert response.context["persona"].ship_rate == 100


def test_post_to_a_page_is_refused(client, world):
    assert client.post("/compare/").status_code == 405


def test_panel_page_lists_seats_in_their_order(client, world):
    response = client.get("/panel/")
    assert [p.slug for p in response.context["personas"]] == [
        "builder",
        "skeptic",
        "futurist",
        "founder",
    ]
